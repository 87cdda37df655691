// `evidence-agent verify [bundle]`: without a bundle, recomputes every hash in the store; with one,
// checks the bundle offline (files, records, indexes, run chain) and that a trusted key signed it; with
// a sample's pack, the pack and its head. Exit 1 names the first problem; exit 3: intact, but signed by a
// key nothing trusts. The reports are built in src/verify/.
import { openAgent } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { isPack } from '../sampling/verify-pack.js';
import { keysFromFlags, verifyBundleReport } from '../verify/bundle-report.js';
import { parseHead } from '../verify/kept-head.js';
import type { VerifyOutcome } from '../verify/outcome.js';
import { verifyPackReport } from '../verify/pack-report.js';
import { verifyStoreReport } from '../verify/store-report.js';
import { print, printJson } from './print.js';

export interface VerifyOptions extends GlobalOptions {
  json?: boolean;
  publicKey?: string;
  /** Trusted signers by fingerprint (repeatable). */
  fingerprint?: string[];
  /** A run hash kept off the volume: `sha256:<hash>`, or `<seq>:<hash>` as the digest prints the chain head. */
  head?: string;
}

function show(outcome: VerifyOutcome, options: VerifyOptions): number {
  if (options.json) printJson(outcome.json);
  else for (const line of outcome.lines) print(line);
  return outcome.exitCode;
}

export async function verifyCommand(bundle: string | undefined, options: VerifyOptions): Promise<number> {
  if (bundle !== undefined && isPack(bundle)) {
    if (options.publicKey || options.fingerprint?.length)
      throw new CliError(
        '--public-key, --fingerprint: a pack is not signed; tie its head to the store with --head or --db (or verify the bundle that carries it)',
      );
    const openStore = options.db === undefined ? undefined : async () => (await openAgent(options, 'store')).openStore('read');
    return show(await verifyPackReport(bundle, { head: options.head, openStore }), options);
  }
  if (bundle !== undefined) {
    if (options.head !== undefined) throw new CliError('--head: only for the store (a bundle carries its chain head in its signed manifest)');
    const keys = keysFromFlags(options);
    const agent = await openAgent(options, 'read');
    return show(await verifyBundleReport(bundle, keys, agent.loaded, options.db === undefined ? undefined : () => agent.openStore('read')), options);
  }
  if (options.publicKey) throw new CliError('--public-key: only with a bundle (evidence-agent verify <bundle> --public-key <file>)');
  if (options.fingerprint?.length) throw new CliError('--fingerprint: only with a bundle (evidence-agent verify <bundle> --fingerprint SHA256:…)');
  const kept = options.head !== undefined ? parseHead(options.head) : undefined;
  const store = await (await openAgent(options, 'store')).openStore('read');
  try {
    return show(await verifyStoreReport(store, kept), options);
  } finally {
    await store.close();
  }
}
