// `verify` of the store: every hash recomputed, and the head kept off the volume (--head) found in the chain.
import type { EvidenceStore } from '../store/types.js';
import { terminalLine } from '../terminal-text.js';
import { headProblem } from './kept-head.js';
import type { KeptHead } from './kept-head.js';
import type { VerifyOutcome } from './outcome.js';

export async function verifyStoreReport(store: EvidenceStore, kept: KeptHead | undefined): Promise<VerifyOutcome> {
  const path = store.path;
  const report = await store.verify(kept ? { head: kept.hash } : {});
  const [head] = await store.listRuns({ limit: 1 });
  const keptProblem = kept ? await headProblem(store, kept) : null;
  const ok = report.ok && keptProblem === null;
  const json = { store: path, ...report, ok, head: head?.hash ?? null, ...(kept ? { keptHead: { ...kept, problem: keptProblem } } : {}) };
  const lines: string[] = [];
  if (ok) {
    lines.push(
      `ok: ${path}: ${report.runs} runs and ${report.blobs} evidence documents verified; chain intact` +
        (head ? ` (head run ${head.seq}, sha256:${head.hash})` : ''),
    );
    if (report.head) lines.push(`the kept head is run ${report.head.seq}, hash unchanged; ${report.head.runsAfter} run(s) recorded since`);
    // Cut-off runs leave a chain that verifies: only a head kept elsewhere shows them.
    else if (head)
      lines.push(
        `keep this head elsewhere: \`evidence-agent verify --head ${head.seq}:sha256:${head.hash}\` later shows whether runs were cut off or rewritten`,
      );
  } else if (keptProblem !== null) {
    // The seq-precise reason first: the store's own report can only say the hash is not in the chain.
    lines.push(`FAILED: --head: ${keptProblem}`);
    if (report.problems.length > 0) lines.push(`(${report.problems.length} problem(s) in the store as well; --json lists them all)`);
  } else {
    const [first] = report.problems;
    lines.push(`FAILED: ${terminalLine(`${first!.record}: ${first!.message}`)}`);
    if (report.problems.length > 1) lines.push(`(${report.problems.length - 1} more problem(s); --json lists them all)`);
  }
  return { exitCode: ok ? 0 : 1, json, lines };
}
