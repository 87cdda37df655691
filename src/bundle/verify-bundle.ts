// Checks a bundle offline, without the database: every file against SHA256SUMS and the manifest (none
// missing, none added); every content-addressed file (evidence/, sources/, attestations/) against the
// SHA-256 in its name; every index (evidence-index.csv, the populations' source column, runs.csv,
// attestations.csv) against the files it names; the run chain in runs.jsonl; and the manifest's Ed25519
// signature by a key the verifier trusts. A valid signature by any other key proves only that whoever
// made the bundle signed it: the bundle is then intact but not trusted, and does not verify.
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { sha256Hex } from '../canonical.js';
import { neutralizeFormula } from '../reports/csv.js';
import { runHash } from '../store/chain.js';
import type { ChainedRunFields } from '../store/chain.js';
import { listFiles, unpackArchive } from './archive.js';
import { sha256File } from './export.js';
import { fingerprint, verifyManifest } from './signing.js';
import type { PackManifest } from '../sampling/pack.js';
import { redrawProblems } from '../sampling/redraw.js';
import { verifyPack } from '../sampling/verify-pack.js';

/** A key the verifier trusts: by fingerprint, and by the public key itself when the verifier holds it. */
export interface TrustedKey {
  fingerprint: string;
  /** Where the trust comes from, for the report: `--public-key signer.pub`, `config signing.trustedFingerprints`, … */
  source: string;
  /** PEM: the signature is checked with this key, whatever the bundle carries. */
  publicKey?: string;
}

export interface BundleVerification {
  /** Intact and signed by a trusted key. */
  ok: boolean;
  /** Every check passed except, possibly, trust in the signer. */
  intact: boolean;
  trusted: boolean;
  /** The key whose signature verified, and what made it trusted (null: nothing did). */
  signer: { fingerprint: string; trustedBy: string | null } | null;
  problems: string[];
  /** Facts that are not problems (an older bundle format without source records). */
  notes: string[];
  files: number;
  runs: number;
  /** The signer's fingerprint (as `signer.fingerprint`). */
  fingerprint: string | null;
  /** SHA-256 of manifest.json: the store records it with each export. */
  manifestSha256: string | null;
}

interface Manifest {
  bundleFormat?: string;
  files?: { path: string; sha256: string; size: number }[];
  chain?: { runs: number; firstRun: { seq: number; hash: string; prevHash: string }; lastRun: { seq: number; hash: string } };
  signature?: { fingerprint?: string };
  /** `id` since the samples' redraw check; older bundles name the file only. */
  populations?: { id?: string; file: string; rows: number; sourceColumn: string }[];
}

const FORMATS = new Set(['evidence-agent-bundle/1', 'evidence-agent-bundle/2']);
const UNLISTED = ['manifest.json', 'manifest.sig', 'SHA256SUMS'];
/** Row problems named per file before the rest are counted: a forged index should not print a million lines. */
const ROW_PROBLEMS_PER_FILE = 5;

export function untrustedSignerProblem(fingerprint: string): string {
  return `manifest.sig: signed by ${fingerprint}, which is not a trusted key; pass --public-key or --fingerprint`;
}

export async function verifyBundle(path: string, trusted: readonly TrustedKey[] = []): Promise<BundleVerification> {
  const failed = (problem: string): BundleVerification => ({
    ok: false,
    intact: false,
    trusted: false,
    signer: null,
    problems: [problem],
    notes: [],
    files: 0,
    runs: 0,
    fingerprint: null,
    manifestSha256: null,
  });
  if (!existsSync(path)) return failed(`${path} does not exist`);
  if (statSync(path).isDirectory()) return verifyDirectory(path, trusted);
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-bundle-'));
  try {
    await unpackArchive(path, dir);
    return await verifyDirectory(dir, trusted);
  } catch (error) {
    return failed(`${path}: not a readable bundle archive: ${(error as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function verifyDirectory(root: string, trusted: readonly TrustedKey[]): Promise<BundleVerification> {
  const problems: string[] = [];
  const notes: string[] = [];
  const present = listFiles(root);
  const presentSet = new Set(present);
  const read = (file: string) => (presentSet.has(file) ? readFileSync(join(root, file)) : null);
  // Each file is hashed once, for SHA256SUMS and the manifest alike.
  const hashes = new Map<string, string>();
  const hashOf = async (file: string) => {
    let hash = hashes.get(file);
    if (hash === undefined) {
      hash = await sha256File(join(root, file));
      hashes.set(file, hash);
    }
    return hash;
  };

  // 1. SHA256SUMS: every listed file has its hash, and every file is listed.
  const sums = read('SHA256SUMS');
  if (!sums) problems.push('SHA256SUMS is missing');
  const listed = new Map<string, string>();
  for (const line of sums?.toString('utf8').split('\n').filter(Boolean) ?? []) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!match) {
      problems.push(`SHA256SUMS: unreadable line "${line.slice(0, 80)}"`);
      continue;
    }
    listed.set(match[2]!, match[1]!);
  }
  for (const [file, expected] of listed) {
    if (!presentSet.has(file)) problems.push(`${file}: listed in SHA256SUMS but missing`);
    else if ((await hashOf(file)) !== expected) problems.push(`${file}: content does not match its SHA-256 in SHA256SUMS`);
  }
  for (const file of present) if (file !== 'SHA256SUMS' && !listed.has(file)) problems.push(`${file}: present but not listed in SHA256SUMS`);

  // 2. The manifest and its file list.
  const manifestBytes = read('manifest.json');
  let manifest: Manifest = {};
  if (!manifestBytes) problems.push('manifest.json is missing');
  else {
    try {
      manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    } catch {
      problems.push('manifest.json is not JSON');
    }
    if (manifest.bundleFormat !== undefined && !FORMATS.has(manifest.bundleFormat)) {
      problems.push(
        `manifest.json: unknown bundleFormat "${String(manifest.bundleFormat).slice(0, 60)}" (this verifier reads ${[...FORMATS].join(', ')}): use a newer evidence-agent`,
      );
    }
    for (const entry of manifest.files ?? []) {
      if (!presentSet.has(entry.path)) problems.push(`${entry.path}: listed in the manifest but missing`);
      else if ((await hashOf(entry.path)) !== entry.sha256) problems.push(`${entry.path}: content does not match its SHA-256 in the manifest`);
    }
    const inManifest = new Set((manifest.files ?? []).map((f) => f.path));
    for (const file of present) if (!UNLISTED.includes(file) && !inManifest.has(file)) problems.push(`${file}: present but not in the manifest`);
  }
  const format = manifest.bundleFormat ?? 'evidence-agent-bundle/1';

  // 3. The run chain: each run's hash recomputed, each linked to the one before.
  const chain = read('runs.jsonl')?.toString('utf8').split('\n').filter(Boolean) ?? [];
  if (chain.length === 0) problems.push('runs.jsonl is missing or empty');
  const chainRuns = new Map<number, { hash: string; fields: ChainedRunFields }>();
  let previous: string | null = manifest.chain?.firstRun.prevHash ?? null;
  chain.forEach((line, index) => {
    let run: { hash: string; fields: ChainedRunFields };
    try {
      run = JSON.parse(line) as { hash: string; fields: ChainedRunFields };
    } catch {
      problems.push(`runs.jsonl line ${index + 1}: not JSON`);
      return;
    }
    if (runHash(run.fields) !== run.hash) problems.push(`runs.jsonl: run ${run.fields.seq}: its fields do not match its hash`);
    if (previous !== null && run.fields.prevHash !== previous) problems.push(`runs.jsonl: run ${run.fields.seq} does not link to the run before it`);
    previous = run.hash;
    chainRuns.set(run.fields.seq, run);
  });
  if (manifest.chain && chain.length > 0 && manifest.chain.runs !== chain.length)
    problems.push(`runs.jsonl holds ${chain.length} runs, the manifest says ${manifest.chain.runs}`);
  if (manifest.chain && previous !== manifest.chain.lastRun.hash) problems.push('runs.jsonl does not end with the last run the manifest names');

  // 4. Content-addressed files against their names, and the indexes against the files.
  const documents = await checkAddressedFiles(root, present, 'evidence', problems, true);
  const sources = await checkAddressedFiles(root, present, 'sources', problems, false);
  await checkEvidenceIndex(root, presentSet, documents, chainRuns, problems);
  if (format === 'evidence-agent-bundle/1')
    notes.push('bundle format 1: its population rows carry no source records (exported before evidence-agent-bundle/2)');
  else await checkPopulations(root, presentSet, manifest.populations, sources, problems);
  await checkRunsCsv(root, presentSet, chainRuns, problems);
  await checkAttestations(root, present, problems);
  await checkSamplePacks(root, present, manifest.populations ?? [], chainRuns, problems, notes);

  // 5. The signature, and whether its key is one the verifier trusts.
  const trust = checkSignature(read, manifestBytes, format === 'evidence-agent-bundle/1' ? undefined : manifest.signature?.fingerprint, trusted, problems);
  const intact = problems.length === 0;
  if (trust.untrusted) problems.push(trust.untrusted);
  return {
    ok: intact && trust.signer?.trustedBy != null,
    intact,
    trusted: trust.signer?.trustedBy != null,
    signer: trust.signer,
    problems,
    notes,
    files: present.length,
    runs: chain.length,
    fingerprint: trust.signer?.fingerprint ?? null,
    manifestSha256: manifestBytes ? sha256Hex(manifestBytes) : null,
  };
}

/**
 * Each evidence pack under samples/ (export --sample) verified as `verify <pack>` does, every run its
 * chain shares with runs.jsonl holding the same hash (the pack's proofs hang on the bundle's chain), and
 * its items the ones the seed draws from the bundle's own population file (redraw.ts).
 */
async function checkSamplePacks(
  root: string,
  present: readonly string[],
  populations: NonNullable<Manifest['populations']>,
  chainRuns: ReadonlyMap<number, { hash: string }>,
  problems: string[],
  notes: string[],
): Promise<void> {
  const packs = present.filter((f) => /^samples\/[^/]+\/pack\.json$/.test(f)).map((f) => f.slice(0, -'/pack.json'.length));
  const seed = present.includes('samples/seed.txt') ? readFileSync(join(root, 'samples', 'seed.txt'), 'utf8').replace(/\n$/, '') : undefined;
  for (const pack of packs) {
    const report = verifyPack(join(root, pack));
    for (const problem of report.problems) problems.push(`${pack}/${problem}`);
    for (const run of report.chain) {
      const bundled = chainRuns.get(run.seq);
      if (bundled && bundled.hash !== run.hash) problems.push(`${pack}/chain.jsonl: run ${run.seq} has hash ${run.hash}, runs.jsonl says ${bundled.hash}`);
    }
    let manifest: PackManifest;
    try {
      manifest = JSON.parse(readFileSync(join(root, pack, 'pack.json'), 'utf8')) as PackManifest;
    } catch {
      continue; // verifyPack named it
    }
    // samples/<id> is the sample of population <id>, drawn with the seed of samples/seed.txt.
    if (pack !== `samples/${manifest.population}`) problems.push(`${pack}: pack.json names population ${manifest.population}`);
    if (seed !== undefined && manifest.seed !== seed)
      problems.push(`${pack}: drawn with the seed ${JSON.stringify(manifest.seed)}, not the one in samples/seed.txt`);
    // The collectors' populations by the manifest's id; the principals' and a sampled failing-<check>'s file by its id.
    const file = populations.find((p) => p.id === manifest.population)?.file ?? `populations/${manifest.population}.csv`;
    if (seed === undefined || !Array.isArray(manifest.items)) continue;
    if (!present.includes(file)) {
      // Since the manifest names each population's id, every sampled population is in the bundle.
      const unredrawable = `${pack}: its population ${manifest.population} is not among the populations the bundle carries: the sample cannot be drawn again`;
      if (populations.some((p) => p.id !== undefined)) problems.push(unredrawable);
      else notes.push(`${unredrawable} (a bundle exported before samples were redrawn)`);
      continue;
    }
    problems.push(...(await redrawProblems(manifest, file, join(root, file), await sha256File(join(root, file)), seed)));
  }
  if (present.some((f) => f.startsWith('samples/')) && seed === undefined) problems.push('samples/seed.txt is missing: the samples cannot be drawn again');
}

/**
 * The key that signed manifest.json: first the keys the verifier holds (--public-key), then the key in the
 * bundle, whose fingerprint must then be trusted. Integrity problems go to `problems`; an untrusted but
 * valid signature is returned apart (`untrusted`), as the last problem.
 */
function checkSignature(
  read: (file: string) => Buffer | null,
  manifestBytes: Buffer | null,
  statedFingerprint: string | undefined,
  trusted: readonly TrustedKey[],
  problems: string[],
): { signer: BundleVerification['signer']; untrusted?: string } {
  const signature = read('manifest.sig')?.toString('utf8');
  if (!manifestBytes) return { signer: null };
  if (!signature) {
    problems.push('manifest.sig is missing');
    return { signer: null };
  }
  let signer: BundleVerification['signer'] = null;
  const held = trusted.filter((k) => k.publicKey !== undefined);
  const byHeldKey = held.find((k) => verifyManifest(manifestBytes, signature, k.publicKey!));
  if (byHeldKey) signer = { fingerprint: byHeldKey.fingerprint, trustedBy: byHeldKey.source };
  else {
    const bundledKey = read('public-key.pem')?.toString('utf8');
    const heldNames = held.map((k) => `${k.fingerprint} from ${k.source}`).join(', ');
    if (!bundledKey) {
      problems.push(
        held.length > 0
          ? `manifest.sig: the signature does not verify with the given public key (${heldNames}), and public-key.pem is missing`
          : 'public-key.pem is missing and no --public-key was given',
      );
      return { signer: null };
    }
    let bundled: string;
    try {
      bundled = fingerprint(bundledKey);
    } catch {
      problems.push('public-key.pem: not an Ed25519 public key in PEM');
      return { signer: null };
    }
    if (!verifyManifest(manifestBytes, signature, bundledKey)) {
      problems.push(
        `manifest.sig: the signature does not verify with the bundled public key (${bundled})${held.length > 0 ? ` nor with the given public key (${heldNames})` : ''}`,
      );
      return { signer: null };
    }
    signer = { fingerprint: bundled, trustedBy: trusted.find((k) => k.fingerprint === bundled)?.source ?? null };
  }
  if (statedFingerprint !== undefined && statedFingerprint !== signer.fingerprint) {
    problems.push(`manifest.json: names the signing key ${String(statedFingerprint).slice(0, 60)}, but the signature is by ${signer.fingerprint}`);
  }
  if (signer.trustedBy !== null) return { signer };
  const known = trusted.length > 0 ? ` (trusted here: ${trusted.map((k) => `${k.fingerprint} from ${k.source}`).join(', ')})` : '';
  return { signer, untrusted: `${untrustedSignerProblem(signer.fingerprint)}${known}` };
}

/**
 * Files named `<dir>/<sha256>.json`, each holding a canonical JSON document and a newline: the name must
 * be the SHA-256 of the document. Returns the hashes found, with the document's type and id when
 * `identities` asks for them (for the index check; source records need only their hash).
 */
async function checkAddressedFiles(
  root: string,
  present: string[],
  dir: string,
  problems: string[],
  identities: boolean,
): Promise<Map<string, { type?: unknown; resourceId?: unknown }>> {
  const found = new Map<string, { type?: unknown; resourceId?: unknown }>();
  const named = {};
  for (const file of present) {
    if (!file.startsWith(`${dir}/`)) continue;
    const match = new RegExp(`^${dir}/([0-9a-f]{64})\\.json$`).exec(file);
    if (!match) {
      problems.push(`${file}: not named <sha256>.json, as every file under ${dir}/ is`);
      continue;
    }
    const bytes = readFileSync(join(root, file));
    const body = bytes.at(-1) === 0x0a ? bytes.subarray(0, -1) : bytes;
    const actual = sha256Hex(body);
    if (actual !== match[1]) {
      problems.push(`${file}: content does not match the SHA-256 in its name (it hashes to ${actual})`);
      continue;
    }
    if (!identities) {
      found.set(match[1]!, named);
      continue;
    }
    let document: { type?: unknown; resourceId?: unknown } = {};
    try {
      document = JSON.parse(body.toString('utf8')) as typeof document;
    } catch {
      problems.push(`${file}: not JSON`);
    }
    found.set(match[1]!, { type: document.type, resourceId: document.resourceId });
  }
  return found;
}

/** Rows of a CSV file, header first, streamed. */
async function* csvRows(path: string): AsyncGenerator<string[]> {
  const parser = createReadStream(path).pipe(parse({ relax_column_count: true }));
  for await (const record of parser) yield record as string[];
}

/** Collects row problems of one file, naming the first few and counting the rest. */
function rowProblems(file: string, problems: string[]) {
  let count = 0;
  return {
    add(message: string) {
      count++;
      if (count <= ROW_PROBLEMS_PER_FILE) problems.push(`${file}: ${message}`);
    },
    close() {
      if (count > ROW_PROBLEMS_PER_FILE) problems.push(`${file}: ${count - ROW_PROBLEMS_PER_FILE} more rows with problems`);
    },
  };
}

function expectHeader(file: string, header: string[] | undefined, expected: string[], problems: string[]): boolean {
  if (header && expected.every((column, i) => header[i] === column)) return true;
  problems.push(`${file}: expected the columns ${expected.join(',')}, found ${header?.join(',').slice(0, 120) ?? 'nothing'}`);
  return false;
}

/**
 * evidence-index.csv names, per snapshot, each document's type, id and hash: the hash must name a file
 * of evidence/ holding that type and id, the run must be one of runs.jsonl with that collector and scope,
 * and every evidence file must be named by some row.
 */
async function checkEvidenceIndex(
  root: string,
  present: Set<string>,
  documents: Map<string, { type?: unknown; resourceId?: unknown }>,
  chainRuns: Map<number, { fields: ChainedRunFields }>,
  problems: string[],
): Promise<void> {
  const file = 'evidence-index.csv';
  if (!present.has(file)) {
    problems.push(`${file} is missing`);
    return;
  }
  const referenced = new Set<string>();
  const rows = rowProblems(file, problems);
  let line = 0;
  for await (const row of csvRows(join(root, file))) {
    line++;
    if (line === 1) {
      if (!expectHeader(file, row, ['run', 'collector', 'scope', 'type', 'resourceId', 'sha256'], problems)) return;
      continue;
    }
    const [run, collector, scope, type, resourceId, hash] = row as [string, string, string, string, string, string];
    referenced.add(hash);
    const document = documents.get(hash);
    if (!document) {
      rows.add(`line ${line}: names evidence/${String(hash).slice(0, 64)}.json, which is not in the bundle (or does not match its name)`);
      continue;
    }
    if (
      typeof document.type !== 'string' ||
      typeof document.resourceId !== 'string' ||
      neutralizeFormula(document.type) !== type ||
      neutralizeFormula(document.resourceId) !== resourceId
    ) {
      rows.add(`line ${line}: says ${type} ${resourceId}, but evidence/${hash}.json holds ${String(document.type)} ${String(document.resourceId)}`);
    }
    const chained = chainRuns.get(Number(run));
    if (!chained) rows.add(`line ${line}: run ${run} is not in runs.jsonl`);
    else if (neutralizeFormula(chained.fields.collector) !== collector || neutralizeFormula(chained.fields.scope) !== scope) {
      rows.add(`line ${line}: says run ${run} is ${collector} ${scope}, but runs.jsonl says ${chained.fields.collector} ${chained.fields.scope}`);
    }
  }
  rows.close();
  for (const hash of documents.keys()) if (!referenced.has(hash)) problems.push(`evidence/${hash}.json: no row of ${file} names it`);
}

/**
 * Each population the manifest declares: its file has the source column, every row names a record of
 * sources/, the row count is the declared one; and every record of sources/ is named by some row.
 */
async function checkPopulations(
  root: string,
  present: Set<string>,
  declared: Manifest['populations'],
  sources: Map<string, unknown>,
  problems: string[],
): Promise<void> {
  if (!Array.isArray(declared)) {
    problems.push('manifest.json: lists no populations (bundle format 2 names each population file and its source column)');
    return;
  }
  const referenced = new Set<string>();
  for (const population of declared) {
    if (!present.has(population.file)) {
      problems.push(`${population.file}: a population the manifest names, missing`);
      continue;
    }
    const rows = rowProblems(population.file, problems);
    let line = 0;
    let column = -1;
    for await (const row of csvRows(join(root, population.file))) {
      line++;
      if (line === 1) {
        column = row.indexOf(population.sourceColumn);
        if (column < 0) {
          problems.push(`${population.file}: has no ${population.sourceColumn} column: its rows cannot be traced to their source records`);
          break;
        }
        continue;
      }
      const hash = row[column] ?? '';
      referenced.add(hash);
      if (!sources.has(hash)) rows.add(`line ${line}: its source record sources/${hash.slice(0, 64)}.json is not in the bundle (or does not match its name)`);
    }
    rows.close();
    if (column >= 0 && line - 1 !== population.rows) problems.push(`${population.file}: holds ${line - 1} rows, the manifest says ${population.rows}`);
  }
  for (const hash of sources.keys()) if (!referenced.has(hash)) problems.push(`sources/${hash}.json: no population row names it`);
}

/** runs.csv lists the same runs as runs.jsonl, with the same hashes and links. */
async function checkRunsCsv(
  root: string,
  present: Set<string>,
  chainRuns: Map<number, { hash: string; fields: ChainedRunFields }>,
  problems: string[],
): Promise<void> {
  const file = 'runs.csv';
  if (!present.has(file)) {
    problems.push(`${file} is missing`);
    return;
  }
  const seen = new Set<number>();
  const rows = rowProblems(file, problems);
  let line = 0;
  let at: Record<string, number> = {};
  for await (const row of csvRows(join(root, file))) {
    line++;
    if (line === 1) {
      at = Object.fromEntries(row.map((name, i) => [name, i]));
      if (at['seq'] === undefined || at['hash'] === undefined || at['prevHash'] === undefined) {
        problems.push(`${file}: expected the columns seq, hash and prevHash`);
        return;
      }
      continue;
    }
    const seq = Number(row[at['seq']!]);
    seen.add(seq);
    const chained = chainRuns.get(seq);
    if (!chained) rows.add(`line ${line}: run ${row[at['seq']!]} is not in runs.jsonl`);
    else if (row[at['hash']!] !== chained.hash || row[at['prevHash']!] !== chained.fields.prevHash)
      rows.add(`line ${line}: run ${seq}'s hash or link differs from runs.jsonl`);
  }
  rows.close();
  for (const seq of chainRuns.keys()) if (!seen.has(seq)) problems.push(`${file}: run ${seq} of runs.jsonl is missing`);
}

/** Attestation files against the SHA-256 in their names, and attestations.csv against the files. */
async function checkAttestations(root: string, present: string[], problems: string[]): Promise<void> {
  const files = present.filter((f) => f.startsWith('attestations/') && f !== 'attestations/attestations.csv');
  for (const file of files) {
    const match = /^attestations\/([0-9a-f]{64})-/.exec(file);
    if (!match) problems.push(`${file}: not named <sha256>-<name>, as every attestation file is`);
    else if ((await sha256File(join(root, file))) !== match[1]) problems.push(`${file}: content does not match the SHA-256 in its name`);
  }
  const index = 'attestations/attestations.csv';
  if (!present.includes(index)) {
    if (files.length > 0) problems.push(`${index} is missing, but attestation files are present`);
    return;
  }
  const listedFiles = new Set<string>();
  const rows = rowProblems(index, problems);
  let line = 0;
  let at: Record<string, number> = {};
  for await (const row of csvRows(join(root, index))) {
    line++;
    if (line === 1) {
      at = Object.fromEntries(row.map((name, i) => [name, i]));
      if (at['file'] === undefined || at['sha256'] === undefined) {
        problems.push(`${index}: expected the columns file and sha256`);
        return;
      }
      continue;
    }
    const file = row[at['file']!] ?? '';
    listedFiles.add(file);
    if (!files.includes(file)) rows.add(`line ${line}: names ${file}, which is not in the bundle`);
    else if (!file.startsWith(`attestations/${row[at['sha256']!]}-`)) rows.add(`line ${line}: its sha256 is not the one in the name of ${file}`);
  }
  rows.close();
  for (const file of files) if (!listedFiles.has(file)) problems.push(`${file}: no row of ${index} names it`);
}
