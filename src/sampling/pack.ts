// An evidence pack: for each sampled item, its source record as shown (the event as stored, secret-named
// fields replaced: the pull request with its reviews, commits and checks; the CloudTrail record), the
// findings that judged it, and the proof that both are in the hash chain: the rows each proving run's
// events and findings digests cover, and the chained runs from the oldest proving run to the head the
// sample was drawn at. pack.json lists every file with its SHA-256. verify-pack.ts checks all of it offline.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { canonicalJson, sha256Hex } from '../canonical.js';
import { shownRecord } from '../reports/population.js';
import { decodeEvent } from '../store/blob-codec.js';
import type { EvidenceStore } from '../store/types.js';
import type { PopulationSample } from './draw.js';
import type { SampleablePopulation } from './populations.js';

export const PACK_FORMAT = 'evidence-agent-pack/1';
export const PACK_MANIFEST = 'pack.json';

export interface PackFinding {
  /** The run whose findings delta holds this row (runs/<seq>.json proves it). */
  runSeq: number;
  checkId: string;
  resourceId: string;
  resourceType: string;
  status: string;
  severity: string;
  message: string;
}

export interface PackItem {
  rank: number;
  position: number;
  key: string;
  scope: string;
  /** items/<rank>/record.json, or null for a row without a source record (derived from snapshots). */
  record: string | null;
  /** The run that first stored the record: its events digest covers the record's row. */
  storedBy: number | null;
  /** The SHA-256 of the record as stored, which that row holds: the key itself unless redacted. */
  storedSha256: string | null;
  /**
   * True when secret-named fields were replaced (the key is the SHA-256 of the record shown, as every
   * population keys it): the chain then proves the record's event id, type, time, partition and flags.
   */
  redacted: boolean;
  /** items/<rank>/findings.json: every finding recorded on the item's event. */
  findings: string;
  findingCount: number;
}

export interface PackManifest {
  packFormat: typeof PACK_FORMAT;
  population: string;
  collector: string;
  title: string;
  period: { from: string; to: string };
  seed: string;
  algorithm: string;
  populationSize: number;
  populationSha256: string;
  sizeRationale: string;
  /** The newest run when the sample was drawn: chain.jsonl ends with it. */
  chainHead: { seq: number; hash: string };
  items: PackItem[];
  files: { path: string; sha256: string; size: number }[];
}

export class PackError extends Error {
  override name = 'PackError';
}

export interface PackInput {
  sample: PopulationSample;
  population: SampleablePopulation;
  /** sample.csv, as the command prints it. */
  csv: string;
  /** The test sheet, when one was written. */
  xlsx?: Buffer;
}

const itemDir = (rank: number) => `items/${String(rank).padStart(3, '0')}`;

/**
 * Writes the pack into `out` (a new or empty directory), whole or not at all. The source records are
 * read again from the store by a second pass over the population (only the sampled ones are kept).
 */
export async function writePack(store: EvidenceStore, out: string, input: PackInput): Promise<{ path: string; files: number }> {
  const { sample } = input;
  if (!sample.headRun) throw new PackError('--pack: the store holds no run: there is nothing to prove');
  const target = resolve(out);
  refuseExisting(target);
  const records = await input.population.records(
    store,
    sample.items.map((i) => i.row),
    new Date(sample.from),
    new Date(sample.to),
  );

  mkdirSync(dirname(target), { recursive: true });
  const root = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    const files: PackManifest['files'] = [];
    const write = (path: string, content: string | Buffer) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
      files.push({ path, sha256: sha256Hex(typeof content === 'string' ? Buffer.from(content) : content), size: Buffer.byteLength(content) });
    };
    write('sample.csv', input.csv);
    if (input.xlsx) write('test-sheet.xlsx', input.xlsx);

    const findingsByScope = new Map<string, PackFinding[]>();
    const proving = new Set<number>();
    const items: PackItem[] = [];
    for (const item of sample.items) {
      const scope = item.row['scope'] ?? '';
      const dir = itemDir(item.rank);
      const source = records.get(item.key);
      let record: string | null = null;
      let storedBy: number | null = null;
      let storedSha256: string | null = null;
      let redacted = false;
      let findings: PackFinding[] = [];
      if (source) {
        // The record as shown (secret-named fields replaced): its SHA-256 is the row's key.
        const event = decodeEvent(source);
        const stored = await store.eventStoredBy(sample.collector, scope, event.eventId);
        // The event the store holds under that id, shown, is this record: the row's key.
        const [held] = stored ? await store.eventsById(sample.collector, scope, [event.eventId]) : [];
        if (!stored || !held || shownRecord(held).hash !== item.key) {
          throw new PackError(
            `row ${item.position} (${item.key}): the store holds no event ${event.eventId} with that record in ${sample.collector} ${scope}: run \`evidence-agent verify\``,
          );
        }
        storedBy = stored.runSeq;
        storedSha256 = stored.blobHash;
        proving.add(stored.runSeq);
        redacted = stored.blobHash !== item.key;
        record = `${dir}/record.json`;
        write(record, `${source}\n`);
        if (!findingsByScope.has(scope)) findingsByScope.set(scope, await recorded(store, sample.collector, scope, input.population.checkIds));
        findings = findingsByScope.get(scope)!.filter((f) => f.resourceId === event.eventId);
        for (const finding of findings) proving.add(finding.runSeq);
      }
      const findingsFile = `${dir}/findings.json`;
      write(findingsFile, `${JSON.stringify(findings, null, 2)}\n`);
      items.push({
        rank: item.rank,
        position: item.position,
        key: item.key,
        scope,
        record,
        storedBy,
        storedSha256,
        redacted,
        findings: findingsFile,
        findingCount: findings.length,
      });
    }

    for (const seq of [...proving].sort((a, b) => a - b)) {
      const rows = await store.digestRows(seq);
      if (!rows) throw new PackError(`run ${seq} is not in the store: run \`evidence-agent verify\``);
      write(`runs/${seq}.json`, `${canonicalJson({ seq, events: rows.events, findings: rows.findings })}\n`);
    }
    // The chain from the oldest proving run to the head: every link between them can be recomputed.
    const first = proving.size > 0 ? Math.min(...proving) : sample.headRun.seq;
    const chained = await store.chainedRuns(first, sample.headRun.seq);
    write('chain.jsonl', chained.map((r) => `${canonicalJson({ hash: r.hash, fields: r.fields })}\n`).join(''));

    const manifest: PackManifest = {
      packFormat: PACK_FORMAT,
      population: sample.populationId,
      collector: sample.collector,
      title: sample.title,
      period: { from: sample.from, to: sample.to },
      seed: sample.seed,
      algorithm: sample.algorithm,
      populationSize: sample.populationSize,
      populationSha256: sample.populationSha256,
      sizeRationale: sample.size.rationale,
      chainHead: sample.headRun,
      items,
      files,
    };
    writeFileSync(join(root, PACK_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    refuseExisting(target);
    chmodSync(root, 0o755);
    renameSync(root, target);
    return { path: target, files: files.length + 1 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function recorded(store: EvidenceStore, collector: string, scope: string, checkIds: readonly string[]): Promise<PackFinding[]> {
  return (await store.recordedFindings(collector, scope, checkIds)).map((f) => ({
    runSeq: f.runSeq,
    checkId: f.checkId,
    resourceId: f.resourceId,
    resourceType: f.resourceType,
    status: f.status,
    severity: f.severity,
    message: f.message,
  }));
}

function refuseExisting(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new PackError(`--pack: ${out} already exists and is not a directory: choose a new path`);
  if (readdirSync(out).length > 0) throw new PackError(`--pack: ${out} already exists and is not empty: choose a new path or an empty directory`);
}
