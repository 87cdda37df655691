// `evidence-agent verify [bundle]`: without a bundle, recomputes every hash in the store; with one,
// checks the bundle offline (files, records, indexes, run chain) and that a trusted key signed it. Exit 1
// names the first problem; exit 3: intact, but signed by a key nothing trusts.
import { readFileSync } from 'node:fs';
import { openStoreForReading, readerSetup } from '../agent.js';
import { recordedSigners } from '../bundle/export-record.js';
import type { RecordedSigner } from '../bundle/export-record.js';
import { fingerprint, loadPublicKey, parseFingerprint, SigningKeyError } from '../bundle/signing.js';
import { verifyBundle } from '../bundle/verify-bundle.js';
import { isPack, verifyPack } from '../sampling/verify-pack.js';
import type { TrustedKey } from '../bundle/verify-bundle.js';
import { CliError } from '../cli-error.js';
import type { GlobalOptions } from '../agent.js';
import { print, printJson } from './print.js';
import { terminalLine } from '../terminal-text.js';

export interface VerifyOptions extends GlobalOptions {
  json?: boolean;
  publicKey?: string;
  /** Trusted signers by fingerprint (repeatable). */
  fingerprint?: string[];
  /** A run hash kept off the volume: `sha256:<hash>`, or `<seq>:<hash>` as the digest prints the chain head. */
  head?: string;
}

interface KeptHead {
  seq: number | null;
  hash: string;
}

/** `--head sha256:ab12…` (as verify prints it) or `--head 120:sha256:ab12…` (as the digest prints it). */
export function parseHead(value: string): KeptHead {
  const match = /^(?:(\d+):)?(?:sha256:)?([0-9a-f]{64})$/i.exec(value.trim());
  if (!match) {
    throw new CliError(`--head: expected the run hash a verify or a digest printed (sha256:<64 hex digits>, or <run seq>:sha256:<64 hex digits>), got "${value}"`);
  }
  return { seq: match[1] === undefined ? null : Number(match[1]), hash: match[2]!.toLowerCase() };
}

/**
 * With a seq, a more precise reason than "not in the chain": the run is gone (runs removed) or carries
 * another hash (the chain was rewritten with recomputed hashes).
 */
async function headProblem(store: { getRun(seq: number): Promise<{ hash: string } | undefined> }, kept: KeptHead): Promise<string | null> {
  if (kept.seq === null) return null;
  const run = await store.getRun(kept.seq);
  if (!run) return `run ${kept.seq} of the kept head is not in the store: runs were removed`;
  if (run.hash !== kept.hash) return `run ${kept.seq} has hash sha256:${run.hash}, not the kept head sha256:${kept.hash}: the chain was rewritten`;
  return null;
}

export async function verifyCommand(bundle: string | undefined, options: VerifyOptions): Promise<number> {
  if (bundle !== undefined && isPack(bundle)) return verifyPackCommand(bundle, options);
  if (bundle !== undefined) return verifyBundleCommand(bundle, options);
  if (options.publicKey) throw new CliError('--public-key: only with a bundle (evidence-agent verify <bundle> --public-key <file>)');
  if (options.fingerprint?.length) throw new CliError('--fingerprint: only with a bundle (evidence-agent verify <bundle> --fingerprint SHA256:…)');
  const kept = options.head !== undefined ? parseHead(options.head) : undefined;
  const store = openStoreForReading(options);
  const path = store.path;
  try {
    const report = await store.verify(kept ? { head: kept.hash } : {});
    const [head] = await store.listRuns({ limit: 1 });
    const keptProblem = kept ? await headProblem(store, kept) : null;
    const ok = report.ok && keptProblem === null;
    if (options.json) {
      printJson({ store: path, ...report, ok, head: head?.hash ?? null, ...(kept ? { keptHead: { ...kept, problem: keptProblem } } : {}) });
    } else if (ok) {
      print(
        `ok: ${path}: ${report.runs} runs and ${report.blobs} evidence documents verified; chain intact` +
          (head ? ` (head run ${head.seq}, sha256:${head.hash})` : ''),
      );
      if (report.head) print(`the kept head is run ${report.head.seq}, hash unchanged; ${report.head.runsAfter} run(s) recorded since`);
      // Cut-off runs leave a chain that verifies: only a head kept elsewhere shows them.
      else if (head) print(`keep this head elsewhere: \`evidence-agent verify --head ${head.seq}:sha256:${head.hash}\` later shows whether runs were cut off or rewritten`);
    } else if (keptProblem !== null) {
      // The seq-precise reason first: the store's own report can only say the hash is not in the chain.
      print(`FAILED: --head: ${keptProblem}`);
      if (report.problems.length > 0) print(`(${report.problems.length} problem(s) in the store as well; --json lists them all)`);
    } else {
      const [first] = report.problems;
      print(`FAILED: ${terminalLine(`${first!.record}: ${first!.message}`)}`);
      if (report.problems.length > 1) print(`(${report.problems.length - 1} more problem(s); --json lists them all)`);
    }
    return ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

/**
 * `verify <pack>`: the pack offline, then its head against what the verifier holds: --head (kept from the
 * sample's output or a digest) and/or --db (the store the sample was drawn from). Without either, the pack
 * is only shown to agree with itself, and the output says so.
 */
async function verifyPackCommand(pack: string, options: VerifyOptions): Promise<number> {
  if (options.publicKey || options.fingerprint?.length) throw new CliError('--public-key, --fingerprint: a pack is not signed; tie its head to the store with --head or --db (or verify the bundle that carries it)');
  const report = verifyPack(pack);
  const tied: string[] = [];
  if (report.head && options.head !== undefined) {
    const kept = parseHead(options.head);
    if (kept.hash !== report.head.hash || (kept.seq !== null && kept.seq !== report.head.seq)) {
      report.problems.push(`--head: the pack's chain ends at run ${report.head.seq} sha256:${report.head.hash}, not the kept head ${kept.seq ?? '?'}:sha256:${kept.hash}`);
    } else tied.push('the kept --head');
  }
  if (report.head && options.db !== undefined) {
    const store = openStoreForReading(options);
    try {
      const run = await store.getRun(report.head.seq);
      if (!run) report.problems.push(`--db: the store ${store.path} has no run ${report.head.seq}: the pack's chain head is not in it`);
      else if (run.hash !== report.head.hash) report.problems.push(`--db: run ${report.head.seq} of ${store.path} has hash sha256:${run.hash}, not the pack's head sha256:${report.head.hash}`);
      else tied.push(`run ${run.seq} of ${store.path}`);
    } finally {
      await store.close();
    }
  }
  const ok = report.problems.length === 0;
  if (options.json) printJson({ pack, ...report, ok, headTiedTo: tied });
  else if (ok) {
    print(
      `ok: ${pack}: ${report.items} sampled items, ${report.provenRecords} source records and ${report.findings} findings proven in the chain of ${report.runs} runs ` +
        `ending at run ${report.head!.seq} sha256:${report.head!.hash}`,
    );
    if (tied.length > 0) print(`the head is ${tied.join(' and ')}`);
    else print(`the head is not tied to a store: pass --head ${report.head!.seq}:sha256:${report.head!.hash} as kept from the sample, or --db <store> (a pack alone proves only that it agrees with itself)`);
  } else {
    print(`FAILED: ${terminalLine(report.problems[0]!)}`);
    if (report.problems.length > 1) print(`(${report.problems.length - 1} more problem(s); --json lists them all)`);
  }
  if (!options.json) for (const note of report.notes) print(`note: ${terminalLine(note)}`);
  return ok ? 0 : 1;
}

/** `verify <bundle>`: intact, but signed by a key nothing trusts (README's exit codes). */
export const UNTRUSTED_SIGNER_EXIT = 3;

async function verifyBundleCommand(bundle: string, options: VerifyOptions): Promise<number> {
  if (options.head !== undefined) throw new CliError('--head: only for the store (a bundle carries its chain head in its signed manifest)');
  const { keys, storeSigners, storeNotes } = await trustedKeys(options);
  const report = await verifyBundle(bundle, keys);
  const exportedBy = report.manifestSha256 ? storeSigners?.flatMap((s) => s.manifests.get(report.manifestSha256!) ?? []) : undefined;
  const notes = [...storeNotes, ...report.notes, ...(exportedBy?.length ? [`the store recorded exporting this very bundle: export run ${exportedBy.join(', ')}`] : [])];
  if (options.json) printJson({ bundle, ...report, notes, trustedKeys: keys.map(({ fingerprint, source }) => ({ fingerprint, source })) });
  else if (report.ok) {
    print(
      `ok: ${bundle}: ${report.files} files and their SHA-256, every record against its name and every index, ${report.runs} chained runs, ` +
        `and the manifest signature (key ${report.fingerprint}, trusted by ${report.signer!.trustedBy}) verified`,
    );
  } else {
    print(`FAILED: ${terminalLine(report.problems[0]!)}`);
    const untrusted = !report.trusted && report.signer ? report.problems.at(-1)! : undefined;
    // An untrusted signer is said even when the bundle is broken as well: nothing in it is vouched for.
    if (untrusted && report.problems.length > 1) print(`FAILED: ${terminalLine(untrusted)}`);
    else if (untrusted) print('the files, records, indexes and chain are intact, but that proves only that the holder of this key made the bundle');
    const shown = untrusted && report.problems.length > 1 ? 2 : 1;
    if (report.problems.length > shown) print(`(${report.problems.length - shown} more problem(s); --json lists them all)`);
  }
  if (!options.json) for (const note of notes) print(`note: ${note}`);
  if (report.ok) return 0;
  return report.intact && report.signer !== null && !report.trusted ? UNTRUSTED_SIGNER_EXIT : 1;
}

/**
 * The keys this verifier trusts: --public-key, --fingerprint, the config's signing.trustedFingerprints,
 * and with --db the keys the store's own export runs recorded.
 */
async function trustedKeys(options: VerifyOptions): Promise<{ keys: TrustedKey[]; storeSigners?: RecordedSigner[]; storeNotes: string[] }> {
  const keys: TrustedKey[] = [];
  try {
    if (options.publicKey) {
      let pem: string;
      try {
        pem = readFileSync(options.publicKey, 'utf8');
      } catch (error) {
        throw new CliError(`--public-key: cannot read ${options.publicKey} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      const key = loadPublicKey(pem, `--public-key ${options.publicKey}`);
      keys.push({ fingerprint: fingerprint(key), source: `--public-key ${options.publicKey}`, publicKey: pem });
    }
    for (const value of options.fingerprint ?? []) keys.push({ fingerprint: parseFingerprint(value, '--fingerprint'), source: '--fingerprint' });
  } catch (error) {
    if (error instanceof SigningKeyError) throw new CliError(error.message);
    throw error;
  }
  const setup = await readerSetup(options);
  for (const value of setup.loaded?.config.signing?.trustedFingerprints ?? []) {
    keys.push({ fingerprint: value, source: `${setup.loaded!.path} signing.trustedFingerprints` });
  }
  if (options.db === undefined) return { keys, storeNotes: [] };
  const store = openStoreForReading(options);
  try {
    const { signers, problems } = await recordedSigners(store);
    for (const signer of signers) {
      const runs = signer.firstRun === signer.lastRun ? `export run ${signer.firstRun}` : `export runs ${signer.firstRun} to ${signer.lastRun}`;
      keys.push({ fingerprint: signer.fingerprint, source: `the store ${store.path} (${runs})` });
    }
    return { keys, storeSigners: signers, storeNotes: problems };
  } finally {
    await store.close();
  }
}
