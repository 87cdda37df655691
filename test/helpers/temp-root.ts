// Vitest's global setup: every temporary file of a test run (stores, bundles, PostgreSQL data, the CLI's
// children's) goes under one directory made for the run, removed when the run ends, so that runs do not
// leave thousands of directories in the machine's /tmp. Workers and the processes they spawn inherit
// TMPDIR, which os.tmpdir() reads. EVIDENCE_AGENT_KEEP_TEST_TMP=1 keeps it (to look at what a run left).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'evidence-agent-tests-'));
  // As /tmp: the read-only-store test runs a reader as an unprivileged user, and the PostgreSQL harness
  // its server, each in a directory of its own under here.
  chmodSync(root, 0o1777);
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    if (process.env['EVIDENCE_AGENT_KEEP_TEST_TMP'] === '1') console.log(`evidence-agent tests: temporary files kept in ${root}`);
    else rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
