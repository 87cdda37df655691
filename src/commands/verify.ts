// `evidence-agent verify`: recomputes every hash in the store; exit 1 names the first bad record.
import { openStoreForReading } from '../app.js';
import type { GlobalOptions } from '../app.js';
import { print, printJson } from './options.js';

export interface VerifyOptions extends GlobalOptions {
  json?: boolean;
}

export async function verifyCommand(options: VerifyOptions): Promise<number> {
  const store = openStoreForReading(options);
  const path = store.path;
  try {
    const report = await store.verify();
    const [head] = await store.listRuns({ limit: 1 });
    if (options.json) {
      printJson({ store: path, ...report, head: head?.hash ?? null });
    } else if (report.ok) {
      print(
        `ok: ${path}: ${report.runs} runs and ${report.blobs} evidence documents verified; chain intact` +
          (head ? ` (head run ${head.seq}, sha256:${head.hash.slice(0, 16)}…)` : ''),
      );
    } else {
      const [first] = report.problems;
      print(`FAILED: ${first!.record}: ${first!.message}`);
      if (report.problems.length > 1) print(`(${report.problems.length - 1} more problem(s); --json lists them all)`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
