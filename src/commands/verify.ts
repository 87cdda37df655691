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
}

export async function verifyCommand(bundle: string | undefined, options: VerifyOptions): Promise<number> {
  if (bundle !== undefined) return verifyBundleCommand(bundle, options);
  if (options.publicKey) throw new CliError('--public-key: only with a bundle (evidence-agent verify <bundle> --public-key <file>)');
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

async function verifyBundleCommand(bundle: string, options: VerifyOptions): Promise<number> {
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
