// `evidence-agent verify [bundle]`: without a bundle, recomputes every hash in the store; with one,
// checks the bundle offline (files, signature, run chain). Exit 1 names the first problem.
import { readFileSync } from 'node:fs';
import { openStoreForReading } from '../app.js';
import { verifyBundle } from '../bundle/verify-bundle.js';
import { CliError } from '../cli-error.js';
import type { GlobalOptions } from '../app.js';
import { print, printJson } from './options.js';

export interface VerifyOptions extends GlobalOptions {
  json?: boolean;
  publicKey?: string;
  head?: string;
}

const HEAD = /^(sha256:)?[0-9a-f]{64}$/;

export async function verifyCommand(bundle: string | undefined, options: VerifyOptions): Promise<number> {
  if (bundle !== undefined) return verifyBundleCommand(bundle, options);
  if (options.publicKey) throw new CliError('--public-key: only with a bundle (evidence-agent verify <bundle> --public-key <file>)');
  if (options.head !== undefined && !HEAD.test(options.head)) {
    throw new CliError(`--head: expected the full run hash a verify printed (sha256: and 64 hex digits), got "${options.head}"`);
  }
  const store = openStoreForReading(options);
  const path = store.path;
  try {
    const report = await store.verify(options.head === undefined ? {} : { head: options.head });
    const [head] = await store.listRuns({ limit: 1 });
    if (options.json) {
      printJson({ store: path, ...report, head: head?.hash ?? null });
    } else if (report.ok) {
      print(
        `ok: ${path}: ${report.runs} runs and ${report.blobs} evidence documents verified; chain intact` +
          (head ? ` (head run ${head.seq}, sha256:${head.hash})` : ''),
      );
      if (report.head) print(`the given head is run ${report.head.seq}; ${report.head.runsAfter} run(s) recorded since`);
      // Cut-off runs leave a chain that verifies: only a head kept elsewhere shows them.
      else if (head) print(`keep this head elsewhere: \`evidence-agent verify --head sha256:${head.hash}\` later shows whether runs were cut off`);
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

async function verifyBundleCommand(bundle: string, options: VerifyOptions): Promise<number> {
  if (options.head !== undefined) throw new CliError('--head: only for the store (a bundle carries its chain head in its signed manifest)');
  let trusted: string | undefined;
  if (options.publicKey) {
    try {
      trusted = readFileSync(options.publicKey, 'utf8');
    } catch (error) {
      throw new CliError(`--public-key: cannot read ${options.publicKey} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const report = await verifyBundle(bundle, trusted);
  if (options.json) printJson({ bundle, ...report });
  else if (report.ok) {
    print(`ok: ${bundle}: ${report.files} files, their SHA-256, the manifest signature (key ${report.fingerprint}) and ${report.runs} chained runs verified`);
  } else {
    print(`FAILED: ${report.problems[0]}`);
    if (report.problems.length > 1) print(`(${report.problems.length - 1} more problem(s); --json lists them all)`);
  }
  return report.ok ? 0 : 1;
}
