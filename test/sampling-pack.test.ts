// Evidence packs: written from a real store (events, the findings on them, runs after them), verified
// offline, and every kind of change to a pack (a record, a finding, a proving run's rows, a chain link,
// an added file) found with a line that names it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../src/canonical.js';
import type { EventItem, EventWindow, PopulationDefinition } from '../src/collector.js';
import type { FindingRecord } from '../src/store/types.js';
import { samplePopulation } from '../src/sampling/draw.js';
import { writePack } from '../src/sampling/pack.js';
import { eventPopulation, failingEventsPopulation, principalsPopulation as principalsOf } from '../src/sampling/populations.js';
import { principalTypesOf } from '../src/registry.js';
import { builtinCollectors } from '../collectors/index.js';
import { recordReviews } from '../src/reports/reviews.js';
import { parseSampleRequests } from '../src/sampling/bundle-samples.js';
import type { PackManifest } from '../src/sampling/pack.js';
import { verifyPack } from '../src/sampling/verify-pack.js';
import { runHash } from '../src/store/chain.js';
import type { ChainedRunFields } from '../src/store/chain.js';
import { openStore } from '../src/store/index.js';
import { encodeEvent } from '../src/store/blob-codec.js';
import { withoutSecretFields } from '../src/redaction.js';
import { okOutcome, runStart, tempDbPath, userEvidence } from './helpers/store-fixtures.js';

/** The principals population of the built-in collectors' principal types. */
const principalsPopulation = principalsOf(principalTypesOf(builtinCollectors));

const COLLECTOR = 'test-events';
const SCOPE = 'acct-a';
const definition: PopulationDefinition = {
  id: 'test-changes',
  title: 'Test changes',
  description: 'Events named Change*.',
  eventTypes: ['test.event'],
  method: 'Stored test events.',
  columns: [
    { name: 'when', description: 'time' },
    { name: 'what', description: 'name' },
  ],
  rowOf: (event) => ({ when: event.occurredAt, what: String((event.data as { name: string }).name) }),
};
const event = (id: string, at: string, data: Record<string, unknown> = {}): EventItem => ({
  type: 'test.event',
  eventId: id,
  occurredAt: at,
  partition: 'p1',
  schemaVersion: 1,
  data: { name: `Change ${id}`, ...data },
});
const judged = (id: string, status: FindingRecord['status']): FindingRecord => ({
  checkId: 'test_change_approved',
  resourceType: 'test.event',
  resourceId: id,
  status,
  severity: 'high',
  message: `${id} ${status === 'pass' ? 'approved' : 'not approved'}`,
});
const win = (from: string, to: string): EventWindow => ({ partition: 'p1', from, to, complete: true });

/** A store whose events are stored and judged over two runs, then a run of another collector (the head). */
async function buildStore(): Promise<string> {
  const path = tempDbPath();
  const store = openStore(path);
  try {
    const first = [
      event('e1', '2026-01-01T05:00:00.000Z'),
      event('e2', '2026-01-01T06:00:00.000Z'),
      event('e3', '2026-01-01T07:00:00.000Z', { token: 'hunter2' }),
    ];
    let intent = await store.startRun(runStart(new Date('2026-01-02T00:00:00Z'), { collector: COLLECTOR, scope: SCOPE }));
    await store.finishRun(
      intent,
      okOutcome(new Date('2026-01-02T00:01:00Z'), [], [judged('e1', 'pass'), judged('e2', 'fail'), judged('e3', 'pass')], {
        events: first,
        windows: [win('2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z')],
      }),
    );
    const second = [event('e4', '2026-01-02T05:00:00.000Z'), event('e5', '2026-01-02T06:00:00.000Z')];
    intent = await store.startRun(runStart(new Date('2026-01-03T00:00:00Z'), { collector: COLLECTOR, scope: SCOPE }));
    await store.finishRun(
      intent,
      okOutcome(new Date('2026-01-03T00:01:00Z'), [], [judged('e4', 'pass'), judged('e5', 'pass')], {
        events: second,
        windows: [win('2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z')],
      }),
    );
    intent = await store.startRun(runStart(new Date('2026-01-03T01:00:00Z')));
    await store.finishRun(intent, okOutcome(new Date('2026-01-03T01:01:00Z'), []));
  } finally {
    await store.close();
  }
  return path;
}

async function pack(dbPath: string, out: string, seed = 'audit-2026', size = 5) {
  const store = openStore(dbPath);
  try {
    const population = eventPopulation(COLLECTOR, definition, ['test_change_approved']);
    const sample = await samplePopulation(store, population, { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-03T00:00:00Z'), seed, size });
    await writePack(store, out, { sample, population, csv: 'rank\r\n' });
    return sample;
  } finally {
    await store.close();
  }
}

/** Changes a file of a pack and, like a careful forger, the SHA-256 pack.json lists for it. */
function forge(dir: string, path: string, change: (text: string) => string, relist = true): void {
  const file = join(dir, path);
  const text = change(readFileSync(file, 'utf8'));
  writeFileSync(file, text);
  if (!relist) return;
  const manifest = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')) as PackManifest;
  const listed = manifest.files.find((f) => f.path === path)!;
  listed.sha256 = sha256Hex(Buffer.from(text));
  listed.size = Buffer.byteLength(text);
  writeFileSync(join(dir, 'pack.json'), JSON.stringify(manifest, null, 2));
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')) as PackManifest;
const itemOf = (dir: string, eventId: string) => {
  const manifest = manifestOf(dir);
  return manifest.items.find((i) => i.record && readFileSync(join(dir, i.record), 'utf8').includes(`"eventId":"${eventId}"`))!;
};

describe('evidence packs', () => {
  let db: string;
  beforeAll(async () => {
    db = await buildStore();
  });
  const storedHash = async (eventId: string) => {
    const store = openStore(db, { readonly: true });
    try {
      return (await store.eventStoredBy(COLLECTOR, SCOPE, eventId))!.blobHash;
    } finally {
      await store.close();
    }
  };
  const fresh = async () => {
    const out = join(dirname(tempDbPath()), 'pack');
    await pack(db, out);
    return out;
  };

  it('holds each sampled record, the findings on it and their proof, and verifies offline', async () => {
    const out = await fresh();
    const manifest = manifestOf(out);
    expect(manifest.items).toHaveLength(5);
    expect(manifest.chainHead.seq).toBe(3);
    const e2 = itemOf(out, 'e2');
    // The record is the event as stored: its SHA-256 is the sampled row's key.
    const record = readFileSync(join(out, e2.record!), 'utf8');
    expect(sha256Hex(record.replace(/\n$/, ''))).toBe(e2.key);
    expect(e2.storedBy).toBe(1);
    expect(JSON.parse(readFileSync(join(out, e2.findings), 'utf8'))).toEqual([{ runSeq: 1, ...judged('e2', 'fail') }]);
    const chain = readFileSync(join(out, 'chain.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { fields: ChainedRunFields }).fields.seq);
    expect(chain).toEqual([1, 2, 3]);

    const report = verifyPack(out);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, items: 5, provenRecords: 4, redactedRecords: 1, findings: 5, runs: 3, head: manifest.chainHead });
    // The record with a secret-named field is written redacted: its key is that record's SHA-256 (as the
    // population and an export key it), the stored record's is kept for the chain, and verify says which
    // fields the chain proves.
    const e3 = itemOf(out, 'e3');
    const shown = readFileSync(join(out, e3.record!), 'utf8');
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('"token":"[redacted]"');
    expect(sha256Hex(shown.replace(/\n$/, ''))).toBe(e3.key);
    expect(e3).toMatchObject({ redacted: true, storedSha256: await storedHash('e3') });
    expect(e3.storedSha256).not.toBe(e3.key);
    expect(report.notes).toEqual([
      `item ${e3.rank} (row ${e3.position}): secret-named fields of ${e3.record} were replaced before packing: the chain proves what its run's event row holds (the stored record's sha256:${e3.storedSha256} and the event id; from hash version 2 also type, time, partition and flags), not the rest of its content`,
    ]);
  });

  it('keys a record with a secret-named field as shown, the key the population and an export give it', async () => {
    const store = openStore(db, { readonly: true });
    try {
      const population = eventPopulation(COLLECTOR, definition, ['test_change_approved']);
      const report = await population.build(store, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-03T00:00:00Z'));
      const [stored] = await store.eventsById(COLLECTOR, SCOPE, ['e3']);
      const row = report.rows.find((r) => r['what'] === 'Change e3')!;
      expect(row['sourceSha256']).toBe(encodeEvent(withoutSecretFields(stored!)).hash);
      expect(row['sourceSha256']).not.toBe(await storedHash('e3'));
      // A record without one is keyed by the stored record itself, which the chain proves whole.
      expect(report.rows.find((r) => r['what'] === 'Change e2')!['sourceSha256']).toBe(await storedHash('e2'));
    } finally {
      await store.close();
    }
  });

  it('fails an edited redacted record, and a record claimed redacted that is not', async () => {
    const out = await fresh();
    const e3 = itemOf(out, 'e3');
    // Its time changed and its key with it: the chain's row for the stored record holds the old time.
    forge(out, e3.record!, (t) => t.replace('2026-01-01T07:00:00.000Z', '2026-01-01T07:30:00.000Z'));
    const manifest = manifestOf(out);
    manifest.items.find((i) => i.rank === e3.rank)!.key = sha256Hex(readFileSync(join(out, e3.record!), 'utf8').replace(/\n$/, ''));
    writeFileSync(join(out, 'pack.json'), JSON.stringify(manifest));
    expect(verifyPack(out).problems).toEqual([
      `item ${e3.rank} (row ${e3.position}): run 1's events hold no row for event e3 with record sha256:${e3.storedSha256}: the record is not the one the chain holds`,
    ]);

    // An edited record of an item marked redacted, to escape the comparison with the chain's record.
    const other = await fresh();
    const e2 = itemOf(other, 'e2');
    forge(other, e2.record!, (t) => t.replace('Change e2', 'Change e9'));
    const edited = manifestOf(other);
    Object.assign(
      edited.items.find((i) => i.rank === e2.rank)!,
      {
        key: sha256Hex(readFileSync(join(other, e2.record!), 'utf8').replace(/\n$/, '')),
        redacted: true,
      },
    );
    writeFileSync(join(other, 'pack.json'), JSON.stringify(edited));
    expect(verifyPack(other).problems).toEqual([`item ${e2.rank} (row ${e2.position}): ${e2.record} is marked redacted but holds no redacted field`]);
    // ... nor with a secret-named field added and the mark put on a field that is not secret-named (to hide
    // what it held).
    forge(other, e2.record!, (t) => t.replace('"name":"Change e9"', '"apiToken":"[redacted]","name":"[redacted]"'));
    const marked = manifestOf(other);
    marked.items.find((i) => i.rank === e2.rank)!.key = sha256Hex(readFileSync(join(other, e2.record!), 'utf8').replace(/\n$/, ''));
    writeFileSync(join(other, 'pack.json'), JSON.stringify(marked));
    expect(verifyPack(other).problems).toEqual([
      `item ${e2.rank} (row ${e2.position}): ${e2.record} holds [redacted] in data.name, which is not a secret-named field`,
    ]);
  });

  it('fails an item of an event population that names no record (only a principals item has none)', async () => {
    const out = await fresh();
    const e2 = itemOf(out, 'e2');
    const manifest = manifestOf(out);
    manifest.items.find((i) => i.rank === e2.rank)!.record = null;
    writeFileSync(join(out, 'pack.json'), JSON.stringify(manifest));
    rmSync(join(out, e2.record!));
    manifest.files = manifest.files.filter((f) => f.path !== e2.record);
    writeFileSync(join(out, 'pack.json'), JSON.stringify(manifest));
    expect(verifyPack(out).problems).toEqual([
      `item ${e2.rank} (row ${e2.position}): names no source record, which every item of test-changes has (only principals-added-removed items have none)`,
    ]);
  });

  it('draws the same pack items for the same seed, other items for another', async () => {
    const a = await pack(db, join(dirname(tempDbPath()), 'p'), 'one', 2);
    const b = await pack(db, join(dirname(tempDbPath()), 'p'), 'one', 2);
    const keys = (s: typeof a) => s.items.map((i) => i.key);
    expect(keys(b)).toEqual(keys(a));
    const others = await Promise.all(['two', 'three', 'four'].map((seed) => pack(db, join(dirname(tempDbPath()), 'p'), seed, 2)));
    expect(others.some((o) => keys(o).join() !== keys(a).join())).toBe(true);
  });

  it('fails an edited record, even with its listed SHA-256 updated', async () => {
    const out = await fresh();
    const item = itemOf(out, 'e2');
    forge(out, item.record!, (t) => t.replace('Change e2', 'Change e9'), false);
    expect(verifyPack(out).problems[0]).toBe(`${item.record}: its SHA-256 differs from the one pack.json lists: the file was changed`);
    forge(out, item.record!, (t) => t);
    const report = verifyPack(out);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(
      new RegExp(`^${item.record}: its SHA-256 is [0-9a-f]{64}, not the sampled row's key ${item.key}: the record was changed$`),
    );
  });

  it('fails an edited record whose key is changed too: the run that stored it holds another', async () => {
    const out = await fresh();
    const item = itemOf(out, 'e2');
    forge(out, item.record!, (t) => t.replace('Change e2', 'Change e9'));
    const manifest = manifestOf(out);
    const forged = manifest.items.find((i) => i.rank === item.rank)!;
    forged.key = sha256Hex(readFileSync(join(out, item.record!), 'utf8').replace(/\n$/, ''));
    writeFileSync(join(out, 'pack.json'), JSON.stringify(manifest));
    expect(verifyPack(out).problems).toEqual([
      `item ${item.rank} (row ${item.position}): its stored record sha256:${item.key} is not its key ${forged.key}, and it is not marked redacted`,
    ]);
    forged.storedSha256 = forged.key;
    writeFileSync(join(out, 'pack.json'), JSON.stringify(manifest));
    expect(verifyPack(out).problems).toEqual([
      `item ${item.rank} (row ${item.position}): run 1's events hold no row for event e2 with record sha256:${forged.key}: the record is not the one the chain holds`,
    ]);
    // Putting that row into the run's rows breaks the run's events digest.
    forge(out, 'runs/1.json', (t) => t.replaceAll(item.key, forged.key));
    expect(verifyPack(out).problems).toEqual(["runs/1.json: its events do not match run 1's events digest: a row was changed, added or removed"]);
  });

  it('fails an edited finding', async () => {
    const out = await fresh();
    const item = itemOf(out, 'e2');
    forge(out, item.findings, (t) => t.replace('"fail"', '"pass"').replace('not approved', 'approved'));
    expect(verifyPack(out).problems).toEqual([`${item.findings}: test_change_approved pass on e2 is not in run 1's findings: the finding was changed`]);
    forge(out, 'runs/1.json', (t) => t.replace('"fail","high","e2 not approved"', '"pass","high","e2 approved"'));
    expect(verifyPack(out).problems).toEqual(["runs/1.json: its findings do not match run 1's findings digest: a row was changed, added or removed"]);
  });

  it('fails a broken chain link, and a rewritten chain only against the head kept elsewhere', async () => {
    const out = await fresh();
    const lines = readFileSync(join(out, 'chain.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { hash: string; fields: ChainedRunFields });
    // A changed run: its fields no longer hash to its hash.
    forge(out, 'chain.jsonl', (t) => t.replace('"apiCalls":7', '"apiCalls":8'));
    expect(verifyPack(out).problems[0]).toBe('chain.jsonl: run 1: its fields do not match its hash: the run was changed');
    // The changed run with its hash recomputed: the next run no longer links to it.
    lines[0]!.fields.apiCalls = 8;
    lines[0]!.hash = runHash(lines[0]!.fields);
    forge(out, 'chain.jsonl', () => lines.map((l) => `${canonicalJson(l)}\n`).join(''));
    expect(verifyPack(out).problems).toEqual(['chain.jsonl: run 2 does not link to run 1 before it: the chain is broken']);
  });

  it('fails a file added to the pack or one removed from it', async () => {
    const out = await fresh();
    writeFileSync(join(out, 'items', 'extra.json'), '{}');
    expect(verifyPack(out).problems).toEqual(['items/extra.json: not listed in pack.json: a file was added']);
    const other = await fresh();
    rmSync(join(other, 'runs', '1.json'));
    expect(verifyPack(other).problems[0]).toBe('runs/1.json: missing (pack.json lists it)');
  });
});

describe("populations to sample beyond the collectors' own", () => {
  it('the events an event check failed, open until a review is recorded, each packed with its record and findings', async () => {
    const path = await buildStore();
    const population = failingEventsPopulation(COLLECTOR, { id: 'test_change_approved', title: 'Changes approved' });
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-03T00:00:00Z');
    const store = openStore(path);
    try {
      let report = await population.build(store, from, to);
      expect(report.rows.map((r) => [r['eventId'], r['review'], r['message']])).toEqual([['e2', 'open', 'e2 not approved']]);
      expect(report.rows[0]!['sourceSha256']).toBe((await store.eventStoredBy(COLLECTOR, SCOPE, 'e2'))!.blobHash);
      await recordReviews(
        store,
        [
          {
            collector: COLLECTOR,
            scope: SCOPE,
            checkId: 'test_change_approved',
            resourceId: 'e2',
            occurredAt: '2026-01-01T06:00:00.000Z',
            note: 'Emergency fix, approved after the fact in CHG-7.',
            reviewedBy: 'ana@example.com',
          },
        ],
        {
          at: new Date('2026-01-04T00:00:00Z'),
          agentVersion: '0.0.0-test',
          mappingVersion: 'test',
          configDigest: 'test',
        },
      );
      report = await population.build(store, from, to);
      expect(report.rows.map((r) => [r['eventId'], r['review'], r['reviewedBy'], r['reviewNote'], r['reviewRun']])).toEqual([
        ['e2', 'reviewed', 'ana@example.com', 'Emergency fix, approved after the fact in CHG-7.', '4'],
      ]);
      const sample = await samplePopulation(store, population, { from, to, seed: 's' });
      const out = join(dirname(tempDbPath()), 'pack');
      await writePack(store, out, { sample, population, csv: '' });
      const verified = verifyPack(out);
      expect(verified.problems).toEqual([]);
      expect(verified).toMatchObject({ items: 1, provenRecords: 1, findings: 1, head: { seq: 4 } });
    } finally {
      await store.close();
    }
  });

  it('principals added or removed between snapshots, the same rows the export lists', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    try {
      const snapshot = async (at: string, names: string[]) => {
        const intent = await store.startRun(runStart(new Date(at)));
        await store.finishRun(
          intent,
          okOutcome(
            new Date(at),
            names.map((n) => userEvidence(n)),
          ),
        );
      };
      await snapshot('2025-12-31T06:00:00Z', ['ana', 'bo']);
      await snapshot('2026-01-01T06:00:00Z', ['bo', 'cy']);
      await snapshot('2026-01-02T06:00:00Z', ['bo', 'cy', 'di']);
      const report = await principalsPopulation.build(store, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-03T00:00:00Z'));
      expect(report.rows.map((r) => [r['observedAt'], r['change'], r['resourceId']!.split('/')[1], r['previousSnapshotAt']])).toEqual([
        ['2026-01-01T06:00:00.000Z', 'removed', 'ana', '2025-12-31T06:00:00.000Z'],
        ['2026-01-01T06:00:00.000Z', 'added', 'cy', '2025-12-31T06:00:00.000Z'],
        ['2026-01-02T06:00:00.000Z', 'added', 'di', '2026-01-01T06:00:00.000Z'],
      ]);
      const sample = await samplePopulation(store, principalsPopulation, {
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-01-03T00:00:00Z'),
        seed: 's',
        size: 2,
      });
      expect(sample.items).toHaveLength(2);
      const out = join(dirname(tempDbPath()), 'pack');
      await writePack(store, out, { sample, population: principalsPopulation, csv: '' });
      const verified = verifyPack(out);
      expect(verified.ok).toBe(true);
      // No stored record stands behind such a row: the pack says so rather than proving anything.
      expect(verified.notes).toEqual([expect.stringMatching(/no source record/), expect.stringMatching(/no source record/)]);
    } finally {
      await store.close();
    }
  });
});

describe('export --sample', () => {
  const offered = [eventPopulation(COLLECTOR, definition, []), principalsPopulation];
  it('reads population=N pairs, and names the part that is wrong', () => {
    expect(parseSampleRequests('test-changes=25, principals-added-removed=5', offered).map((r) => [r.population.id, r.size])).toEqual([
      ['test-changes', 25],
      ['principals-added-removed', 5],
    ]);
    expect(() => parseSampleRequests('test-changes', offered)).toThrow('--sample: expected population=N (e.g. github-changes=25), got "test-changes"');
    expect(() => parseSampleRequests('changes=5', offered)).toThrow('--sample: unknown population "changes" (known: test-changes, principals-added-removed)');
    expect(() => parseSampleRequests('test-changes=0', offered)).toThrow('--sample: test-changes: a size from 1 to 100000, got 0');
    expect(() => parseSampleRequests('test-changes=2,test-changes=3', offered)).toThrow('--sample: test-changes is named twice');
  });
});
