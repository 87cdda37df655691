// `verify <bundle>`: checked offline (files, records, indexes, run chain) and against the keys this
// verifier trusts: --public-key, --fingerprint, the config's signing.trustedFingerprints, and with --db
// the keys the store's own export runs recorded. Intact but signed by a key nothing trusts is exit 3.
import { readFileSync } from 'node:fs';
import { recordedSigners } from '../bundle/export-record.js';
import type { RecordedSigner } from '../bundle/export-record.js';
import { fingerprint, loadPublicKey, parseFingerprint, SigningKeyError } from '../bundle/signing.js';
import { verifyBundle } from '../bundle/verify-bundle.js';
import type { TrustedKey } from '../bundle/verify-bundle.js';
import { CliError } from '../cli-error.js';
import type { ConfigFile } from '../config/index.js';
import type { EvidenceStore } from '../store/types.js';
import { terminalLine } from '../terminal-text.js';
import type { VerifyOutcome } from './outcome.js';

/** `verify <bundle>`: intact, but signed by a key nothing trusts (README's exit codes). */
export const UNTRUSTED_SIGNER_EXIT = 3;

/** The keys given on the command line: --public-key (a PEM file) and --fingerprint (repeatable). */
export function keysFromFlags(options: { publicKey?: string; fingerprint?: string[] }): TrustedKey[] {
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
  return keys;
}

/** The keys from the flags, then the config's signing.trustedFingerprints, then (with --db) the store's export runs. */
async function trustedKeys(
  flagged: TrustedKey[],
  loaded: ConfigFile | undefined,
  openStore: (() => Promise<EvidenceStore>) | undefined,
): Promise<{ keys: TrustedKey[]; storeSigners?: RecordedSigner[]; storeNotes: string[] }> {
  const keys = [...flagged];
  for (const value of loaded?.config.signing?.trustedFingerprints ?? []) {
    keys.push({ fingerprint: value, source: `${loaded!.path} signing.trustedFingerprints` });
  }
  if (!openStore) return { keys, storeNotes: [] };
  const store = await openStore();
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

/** The bundle verified against the trusted keys; `openStore` (--db) adds the keys the store recorded. */
export async function verifyBundleReport(
  bundle: string,
  flagged: TrustedKey[],
  loaded: ConfigFile | undefined,
  openStore: (() => Promise<EvidenceStore>) | undefined,
): Promise<VerifyOutcome> {
  const { keys, storeSigners, storeNotes } = await trustedKeys(flagged, loaded, openStore);
  const report = await verifyBundle(bundle, keys);
  const exportedBy = report.manifestSha256 ? storeSigners?.flatMap((s) => s.manifests.get(report.manifestSha256!) ?? []) : undefined;
  const notes = [
    ...storeNotes,
    ...report.notes,
    ...(exportedBy?.length ? [`the store recorded exporting this very bundle: export run ${exportedBy.join(', ')}`] : []),
  ];
  const json = { bundle, ...report, notes, trustedKeys: keys.map(({ fingerprint, source }) => ({ fingerprint, source })) };
  const lines: string[] = [];
  if (report.ok) {
    lines.push(
      `ok: ${bundle}: ${report.files} files and their SHA-256, every record against its name and every index, ${report.runs} chained runs, ` +
        `and the manifest signature (key ${report.fingerprint}, trusted by ${report.signer!.trustedBy}) verified`,
    );
  } else {
    lines.push(`FAILED: ${terminalLine(report.problems[0]!)}`);
    const untrusted = !report.trusted && report.signer ? report.problems.at(-1)! : undefined;
    // An untrusted signer is said even when the bundle is broken as well: nothing in it is vouched for.
    if (untrusted && report.problems.length > 1) lines.push(`FAILED: ${terminalLine(untrusted)}`);
    else if (untrusted) lines.push('the files, records, indexes and chain are intact, but that proves only that the holder of this key made the bundle');
    const shown = untrusted && report.problems.length > 1 ? 2 : 1;
    if (report.problems.length > shown) lines.push(`(${report.problems.length - shown} more problem(s); --json lists them all)`);
  }
  for (const note of notes) lines.push(`note: ${note}`);
  const exitCode = report.ok ? 0 : report.intact && report.signer !== null && !report.trusted ? UNTRUSTED_SIGNER_EXIT : 1;
  return { exitCode, json, lines };
}
