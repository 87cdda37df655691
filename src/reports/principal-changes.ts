// Principals (accounts and memberships) added or removed between two consecutive snapshots of a stream:
// access granted or removed, whether or not a logged API call shows it. The export writes them as
// populations/principals-added-removed.csv; `evidence-agent sample` draws from the same rows.
import type { EvidenceStore, RunRecord, SnapshotEntry } from '../store/types.js';

export const PRINCIPAL_CHANGE_COLUMNS = ['scope', 'collector', 'observedAt', 'change', 'type', 'resourceId', 'previousSnapshotAt'] as const;

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Fed the snapshots of a period in run order, with each one's entries (the export reads them anyway),
 * returns the changes each shows against the stream's snapshot before it; the first snapshot of a stream
 * is compared with its base run (the last snapshot before the period), if any.
 */
export class PrincipalChanges {
  private readonly previous = new Map<string, { at: string; ids: Set<string> }>();
  private readonly principalTypes: ReadonlySet<string>;

  /** `principalTypes`: the evidence types the collectors declare as principals (Registry.principalTypes). */
  constructor(
    private readonly store: EvidenceStore,
    principalTypes: Iterable<string>,
  ) {
    this.principalTypes = new Set(principalTypes);
  }

  async next(run: RunRecord, entries: readonly SnapshotEntry[]): Promise<string[][]> {
    const stream = `${run.collector}/${run.scope}`;
    let before = this.previous.get(stream);
    if (!before && run.baseSeq !== null) {
      const base = await this.store.getRun(run.baseSeq);
      before = { at: base?.startedAt ?? '', ids: principalIds(await this.store.snapshotEntries(run.baseSeq), this.principalTypes) };
    }
    const ids = principalIds(entries, this.principalTypes);
    this.previous.set(stream, { at: run.startedAt, ids });
    if (!before) return [];
    const earlier = before;
    const changed = [
      ...[...ids].filter((id) => !earlier.ids.has(id)).map((id) => ['added', id] as const),
      ...[...earlier.ids].filter((id) => !ids.has(id)).map((id) => ['removed', id] as const),
    ].sort((a, b) => compareText(a[1], b[1]) || compareText(a[0], b[0]));
    return changed.map(([change, id]) => {
      const [type, resourceId] = id.split('\u0000') as [string, string];
      return [run.scope, run.collector, run.startedAt, change, type, resourceId, earlier.at];
    });
  }
}

/** Evidence types that are principals: one appearing or disappearing between two snapshots is an access change. */
function principalIds(entries: readonly SnapshotEntry[], principalTypes: ReadonlySet<string>): Set<string> {
  return new Set(entries.filter((e) => principalTypes.has(e.type)).map((e) => `${e.type}\u0000${e.resourceId}`));
}

/** The changes of the snapshots that started in [from, to), as rows keyed by column. */
export async function principalChangesBetween(
  store: EvidenceStore,
  principalTypes: Iterable<string>,
  from: Date,
  to: Date,
  onlyScope?: string,
): Promise<Record<string, string>[]> {
  const diff = new PrincipalChanges(store, principalTypes);
  const rows: Record<string, string>[] = [];
  for (const run of await store.listRuns({ from, to })) {
    if (run.status !== 'ok' && run.status !== 'partial') continue;
    if (onlyScope !== undefined && run.scope !== onlyScope) continue;
    for (const row of await diff.next(run, await store.snapshotEntries(run.seq))) {
      rows.push(Object.fromEntries(PRINCIPAL_CHANGE_COLUMNS.map((c, i) => [c, row[i]!])));
    }
  }
  return rows;
}
