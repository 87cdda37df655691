// `verify <pack>`: the pack offline, then its head against what the verifier holds: a head kept from the
// sample's output or a digest (--head) and/or the store the sample was drawn from (--db). Without either,
// the pack is only shown to agree with itself, and the output says so.
import { verifyPack } from '../sampling/verify-pack.js';
import type { EvidenceStore } from '../store/types.js';
import { terminalLine } from '../terminal-text.js';
import { parseHead } from './kept-head.js';
import type { VerifyOutcome } from './outcome.js';

export interface PackTies {
  /** --head as given: parsed only when the pack has a head to compare it with. */
  head?: string;
  /** --db: opened only when the pack has a head to look up. */
  openStore?: () => Promise<EvidenceStore>;
}

export async function verifyPackReport(pack: string, ties: PackTies): Promise<VerifyOutcome> {
  const report = verifyPack(pack);
  const tied: string[] = [];
  if (report.head && ties.head !== undefined) {
    const kept = parseHead(ties.head);
    if (kept.hash !== report.head.hash || (kept.seq !== null && kept.seq !== report.head.seq)) {
      report.problems.push(
        `--head: the pack's chain ends at run ${report.head.seq} sha256:${report.head.hash}, not the kept head ${kept.seq ?? '?'}:sha256:${kept.hash}`,
      );
    } else tied.push('the kept --head');
  }
  if (report.head && ties.openStore) {
    const store = await ties.openStore();
    try {
      const run = await store.getRun(report.head.seq);
      if (!run) report.problems.push(`--db: the store ${store.path} has no run ${report.head.seq}: the pack's chain head is not in it`);
      else if (run.hash !== report.head.hash)
        report.problems.push(`--db: run ${report.head.seq} of ${store.path} has hash sha256:${run.hash}, not the pack's head sha256:${report.head.hash}`);
      else tied.push(`run ${run.seq} of ${store.path}`);
    } finally {
      await store.close();
    }
  }
  const ok = report.problems.length === 0;
  const lines: string[] = [];
  if (ok) {
    lines.push(
      `ok: ${pack}: ${report.items} sampled items, ${report.provenRecords} source records and ${report.findings} findings proven in the chain of ${report.runs} runs ` +
        `ending at run ${report.head!.seq} sha256:${report.head!.hash}` +
        (report.redactedRecords > 0 ? `; ${report.redactedRecords} record(s) shown redacted, proven only in part (see the notes)` : ''),
    );
    if (tied.length > 0) lines.push(`the head is ${tied.join(' and ')}`);
    else
      lines.push(
        `the head is not tied to a store: pass --head ${report.head!.seq}:sha256:${report.head!.hash} as kept from the sample, or --db <store> (a pack alone proves only that it agrees with itself)`,
      );
  } else {
    lines.push(`FAILED: ${terminalLine(report.problems[0]!)}`);
    if (report.problems.length > 1) lines.push(`(${report.problems.length - 1} more problem(s); --json lists them all)`);
  }
  for (const note of report.notes) lines.push(`note: ${terminalLine(note)}`);
  return { exitCode: ok ? 0 : 1, json: { pack, ...report, ok, headTiedTo: tied }, lines };
}
