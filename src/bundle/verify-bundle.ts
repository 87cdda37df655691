// Checks a bundle offline, without the database: every file against SHA256SUMS and the manifest (none
// missing, none added), the manifest's Ed25519 signature (with the bundled key, or one the auditor
// holds), and the run chain in runs.jsonl. Problems are named, the first one first.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHash } from '../store/chain.js';
import type { ChainedRunFields } from '../store/chain.js';
import { listFiles, unpackArchive } from './archive.js';
import { sha256File } from './export.js';
import { fingerprint, verifyManifest } from './signing.js';

export interface BundleVerification {
  ok: boolean;
  problems: string[];
  files: number;
  runs: number;
  fingerprint: string | null;
}

interface Manifest {
  bundleFormat?: string;
  files?: { path: string; sha256: string; size: number }[];
  chain?: { runs: number; firstRun: { seq: number; hash: string; prevHash: string }; lastRun: { seq: number; hash: string } };
}

export async function verifyBundle(path: string, trustedPublicKey?: string): Promise<BundleVerification> {
  if (!existsSync(path)) return { ok: false, problems: [`${path} does not exist`], files: 0, runs: 0, fingerprint: null };
  if (statSync(path).isDirectory()) return verifyDirectory(path, trustedPublicKey);
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-bundle-'));
  try {
    await unpackArchive(path, dir);
    return await verifyDirectory(dir, trustedPublicKey);
  } catch (error) {
    return { ok: false, problems: [`${path}: not a readable bundle archive: ${(error as Error).message}`], files: 0, runs: 0, fingerprint: null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function verifyDirectory(root: string, trustedPublicKey?: string): Promise<BundleVerification> {
  const problems: string[] = [];
  const present = listFiles(root);
  const read = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file)) : null);

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
    if (!existsSync(join(root, file))) problems.push(`${file}: listed in SHA256SUMS but missing`);
    else if ((await sha256File(join(root, file))) !== expected) problems.push(`${file}: content does not match its SHA-256 in SHA256SUMS`);
  }
  for (const file of present) if (file !== 'SHA256SUMS' && !listed.has(file)) problems.push(`${file}: present but not listed in SHA256SUMS`);

  // 2. The manifest, its signature and its file list.
  const manifestBytes = read('manifest.json');
  let manifest: Manifest = {};
  let keyFingerprint: string | null = null;
  if (!manifestBytes) problems.push('manifest.json is missing');
  else {
    try {
      manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    } catch {
      problems.push('manifest.json is not JSON');
    }
    const bundledKey = read('public-key.pem')?.toString('utf8');
    const key = trustedPublicKey ?? bundledKey;
    const signature = read('manifest.sig')?.toString('utf8');
    if (!key) problems.push('public-key.pem is missing and no --public-key was given');
    else if (!signature) problems.push('manifest.sig is missing');
    else {
      try {
        keyFingerprint = fingerprint(key);
      } catch {
        problems.push('the public key is not a PEM public key');
      }
      if (keyFingerprint && !verifyManifest(manifestBytes, signature, key)) {
        problems.push(`manifest.sig: the signature does not verify with the ${trustedPublicKey ? 'given' : 'bundled'} public key (${keyFingerprint})`);
      }
    }
    for (const entry of manifest.files ?? []) {
      if (!existsSync(join(root, entry.path))) problems.push(`${entry.path}: listed in the manifest but missing`);
      else if ((await sha256File(join(root, entry.path))) !== entry.sha256) problems.push(`${entry.path}: content does not match its SHA-256 in the manifest`);
    }
    const inManifest = new Set((manifest.files ?? []).map((f) => f.path));
    for (const file of present) {
      if (!['manifest.json', 'manifest.sig', 'SHA256SUMS'].includes(file) && !inManifest.has(file)) problems.push(`${file}: present but not in the manifest`);
    }
  }

  // 3. The run chain: each run's hash recomputed, each linked to the one before.
  const chain = read('runs.jsonl')?.toString('utf8').split('\n').filter(Boolean) ?? [];
  if (chain.length === 0) problems.push('runs.jsonl is missing or empty');
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
  });
  if (manifest.chain && chain.length > 0 && manifest.chain.runs !== chain.length) problems.push(`runs.jsonl holds ${chain.length} runs, the manifest says ${manifest.chain.runs}`);
  if (manifest.chain && previous !== manifest.chain.lastRun.hash) problems.push('runs.jsonl does not end with the last run the manifest names');

  return { ok: problems.length === 0, problems, files: present.length, runs: chain.length, fingerprint: keyFingerprint };
}
