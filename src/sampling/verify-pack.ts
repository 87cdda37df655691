// Checks an evidence pack offline: every file against pack.json (none missing, none added); the chain in
// chain.jsonl (each run's fields against its hash, each link, the head pack.json names); each proving
// run's rows against the digests its chained fields carry; each record against the sampled row's key and
// the row of its event in the run that stored it; each finding against its run's findings rows. What ties
// the head to a store is outside the pack: `verify <pack> --head` or `--db` (see src/verify/pack-report.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../canonical.js';
import { listFiles } from '../bundle/archive.js';
import { eventsDigest, findingsDigest, runHash } from '../store/chain.js';
import type { ChainedRunFields, EventRow, FindingRow, LegacyEventRow } from '../store/chain.js';
import { isSecretField, REDACTED } from '../redaction.js';
import { PRINCIPALS_COLLECTOR, PRINCIPALS_POPULATION } from './populations.js';
import { PACK_FORMAT, PACK_MANIFEST } from './pack.js';
import type { PackFinding, PackManifest } from './pack.js';

export interface PackVerification {
  ok: boolean;
  problems: string[];
  /** Facts that are not problems (a record redacted before packing is proven by the chain only in part). */
  notes: string[];
  items: number;
  /** Items whose record was proven to be the one the chain holds. */
  provenRecords: number;
  /** Items whose record is shown redacted: proven only in part (the notes say which). */
  redactedRecords: number;
  findings: number;
  runs: number;
  head: { seq: number; hash: string } | null;
  /** Each run of chain.jsonl: a bundle holding the pack checks that its own runs.jsonl agrees. */
  chain: { seq: number; hash: string }[];
}

export function isPack(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, PACK_MANIFEST));
}

interface ProvingRun {
  events: (EventRow | LegacyEventRow)[];
  findings: FindingRow[];
}

export function verifyPack(dir: string): PackVerification {
  const problems: string[] = [];
  const notes: string[] = [];
  const result = (extra: Partial<PackVerification> = {}): PackVerification => ({
    ok: problems.length === 0,
    problems,
    notes,
    items: 0,
    provenRecords: 0,
    redactedRecords: 0,
    findings: 0,
    runs: 0,
    head: null,
    chain: [],
    ...extra,
  });
  let manifest: PackManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, PACK_MANIFEST), 'utf8')) as PackManifest;
  } catch (error) {
    problems.push(`${PACK_MANIFEST}: not readable as JSON (${(error as Error).message})`);
    return result();
  }
  if (manifest.packFormat !== PACK_FORMAT) {
    problems.push(`${PACK_MANIFEST}: unknown pack format ${JSON.stringify(manifest.packFormat)} (this verifier reads ${PACK_FORMAT})`);
    return result();
  }

  // Files: exactly those listed, each with its SHA-256 and size.
  const listed = new Map((manifest.files ?? []).map((f) => [f.path, f]));
  const read = (path: string): Buffer | undefined => {
    if (!listed.has(path)) {
      problems.push(`${path}: not listed in ${PACK_MANIFEST}`);
      return undefined;
    }
    try {
      return readFileSync(join(dir, path));
    } catch {
      return undefined;
    }
  };
  for (const file of listed.values()) {
    const full = join(dir, file.path);
    if (!existsSync(full)) {
      problems.push(`${file.path}: missing (${PACK_MANIFEST} lists it)`);
      continue;
    }
    const bytes = readFileSync(full);
    if (sha256Hex(bytes) !== file.sha256 || bytes.length !== file.size)
      problems.push(`${file.path}: its SHA-256 differs from the one ${PACK_MANIFEST} lists: the file was changed`);
  }
  for (const path of listFiles(dir))
    if (path !== PACK_MANIFEST && !listed.has(path)) problems.push(`${path}: not listed in ${PACK_MANIFEST}: a file was added`);

  // The chain: each run's fields hash to its hash, each links to the one before, and it ends at the head.
  const chain = new Map<number, ChainedRunFields>();
  const hashes: { seq: number; hash: string }[] = [];
  const lines = read('chain.jsonl')?.toString('utf8').split('\n').filter(Boolean) ?? [];
  if (lines.length === 0) problems.push('chain.jsonl: missing or empty');
  let previous: { seq: number; hash: string } | null = null;
  for (const [index, line] of lines.entries()) {
    let run: { hash: string; fields: ChainedRunFields };
    try {
      run = JSON.parse(line) as { hash: string; fields: ChainedRunFields };
    } catch {
      problems.push(`chain.jsonl line ${index + 1}: not JSON`);
      previous = null;
      continue;
    }
    if (runHash(run.fields) !== run.hash) problems.push(`chain.jsonl: run ${run.fields.seq}: its fields do not match its hash: the run was changed`);
    if (previous && (run.fields.prevHash !== previous.hash || run.fields.seq !== previous.seq + 1)) {
      problems.push(`chain.jsonl: run ${run.fields.seq} does not link to run ${previous.seq} before it: the chain is broken`);
    }
    chain.set(run.fields.seq, run.fields);
    hashes.push({ seq: run.fields.seq, hash: run.hash });
    previous = { seq: run.fields.seq, hash: run.hash };
  }
  const head = manifest.chainHead;
  if (previous && (previous.seq !== head?.seq || previous.hash !== head.hash)) {
    problems.push(
      `chain.jsonl: ends with run ${previous.seq} sha256:${previous.hash}, not the head ${PACK_MANIFEST} names (run ${head?.seq} sha256:${head?.hash})`,
    );
  }

  // Each proving run's rows against the digests under its hash.
  const proving = new Map<number, ProvingRun>();
  const provingRun = (seq: number, by: string): ProvingRun | undefined => {
    if (proving.has(seq)) return proving.get(seq);
    const fields = chain.get(seq);
    if (!fields) {
      problems.push(`${by}: run ${seq} is not in chain.jsonl`);
      return undefined;
    }
    const bytes = read(`runs/${seq}.json`);
    if (!bytes) {
      problems.push(`${by}: runs/${seq}.json is missing`);
      return undefined;
    }
    let rows: ProvingRun;
    try {
      rows = JSON.parse(bytes.toString('utf8')) as ProvingRun;
    } catch {
      problems.push(`runs/${seq}.json: not JSON`);
      return undefined;
    }
    if (eventsDigest(rows.events ?? []) !== fields.eventsDigest)
      problems.push(`runs/${seq}.json: its events do not match run ${seq}'s events digest: a row was changed, added or removed`);
    if (findingsDigest(rows.findings ?? []) !== fields.findingsDigest)
      problems.push(`runs/${seq}.json: its findings do not match run ${seq}'s findings digest: a row was changed, added or removed`);
    proving.set(seq, rows);
    return rows;
  };

  let provenRecords = 0;
  let redactedRecords = 0;
  let findingCount = 0;
  for (const item of manifest.items ?? []) {
    const name = `item ${item.rank} (row ${item.position})`;
    if (item.record === null) {
      // Only a principals row is derived from snapshots; every event row has its record, which must be here.
      if (manifest.collector === PRINCIPALS_COLLECTOR) notes.push(`${name}: no source record (the row is derived from snapshots, not from one stored record)`);
      else problems.push(`${name}: names no source record, which every item of ${manifest.population} has (only ${PRINCIPALS_POPULATION} items have none)`);
    } else {
      const bytes = read(item.record);
      if (!bytes) {
        problems.push(`${name}: ${item.record} is missing`);
        continue;
      }
      const text = bytes.toString('utf8').replace(/\n$/, '');
      let event: { eventId?: string; type?: string; occurredAt?: string; partition?: string; flags?: string[] };
      try {
        event = JSON.parse(text) as typeof event;
      } catch {
        problems.push(`${item.record}: not JSON`);
        continue;
      }
      // The record is the one sampled: its SHA-256 is the row's key, redacted or not.
      if (sha256Hex(text) !== item.key) {
        problems.push(`${item.record}: its SHA-256 is ${sha256Hex(text)}, not the sampled row's key ${item.key}: the record was changed`);
      }
      // The chain holds the stored record's SHA-256: the key itself, unless secret-named fields were
      // replaced, which a record marked redacted must show (else the mark only dodges the comparison).
      const storedSha256 = item.storedSha256 ?? item.key;
      const misplaced = misplacedRedaction(event);
      if (!item.redacted && storedSha256 !== item.key) {
        problems.push(`${name}: its stored record sha256:${storedSha256} is not its key ${item.key}, and it is not marked redacted`);
      } else if (item.redacted && !holdsRedactedField(event)) {
        problems.push(`${name}: ${item.record} is marked redacted but holds no redacted field`);
      } else if (misplaced !== undefined) {
        problems.push(`${name}: ${item.record} holds ${REDACTED} in ${misplaced}, which is not a secret-named field`);
      } else if (item.redacted) {
        notes.push(
          `${name}: secret-named fields of ${item.record} were replaced before packing: the chain proves what its run's event row holds (the stored record's sha256:${storedSha256} and the event id; from hash version 2 also type, time, partition and flags), not the rest of its content`,
        );
      }
      const fields = item.storedBy === null ? undefined : chain.get(item.storedBy);
      if (fields && (fields.collector !== manifest.collector || fields.scope !== item.scope)) {
        problems.push(`${name}: run ${item.storedBy} is ${fields.collector} ${fields.scope}, not ${manifest.collector} ${item.scope}`);
      }
      const run = item.storedBy === null ? undefined : provingRun(item.storedBy, name);
      if (item.storedBy === null) problems.push(`${name}: names no run that stored its record`);
      if (run) {
        const expected =
          (fields?.hashVersion ?? 1) === 1
            ? JSON.stringify([event.eventId, storedSha256])
            : JSON.stringify([
                event.eventId,
                event.type,
                event.occurredAt,
                event.partition,
                event.flags?.length ? JSON.stringify(event.flags) : null,
                storedSha256,
              ]);
        if (!run.events.some((row) => JSON.stringify(row) === expected)) {
          problems.push(
            `${name}: run ${item.storedBy}'s events hold no row for event ${event.eventId} with record sha256:${storedSha256}: the record is not the one the chain holds`,
          );
        } else if (!item.redacted && sha256Hex(text) === item.key) provenRecords++;
        else if (item.redacted) redactedRecords++;
      }
      const findingsBytes = read(item.findings);
      if (!findingsBytes) {
        problems.push(`${name}: ${item.findings} is missing`);
        continue;
      }
      let findings: PackFinding[];
      try {
        findings = JSON.parse(findingsBytes.toString('utf8')) as PackFinding[];
      } catch {
        problems.push(`${item.findings}: not JSON`);
        continue;
      }
      for (const finding of findings) {
        findingCount++;
        if (finding.resourceId !== event.eventId)
          problems.push(`${item.findings}: a finding on ${finding.resourceId}, not on the item's event ${event.eventId}`);
        const findingRun = provingRun(finding.runSeq, item.findings);
        const row = JSON.stringify([finding.checkId, finding.resourceId, finding.resourceType, finding.status, finding.severity, finding.message]);
        if (findingRun && !findingRun.findings.some((r) => JSON.stringify(r) === row)) {
          problems.push(
            `${item.findings}: ${finding.checkId} ${finding.status} on ${finding.resourceId} is not in run ${finding.runSeq}'s findings: the finding was changed`,
          );
        }
      }
    }
  }
  return result({
    items: manifest.items?.length ?? 0,
    provenRecords,
    redactedRecords,
    findings: findingCount,
    runs: chain.size,
    head: head ?? null,
    chain: hashes,
  });
}

/** The path of a field holding the redaction mark that is not secret-named (redaction never writes one there). */
function misplacedRedaction(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return value === REDACTED && !isSecretField(path.at(-1)) ? path.join('.') : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = misplacedRedaction(item, path);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // Below a secret-named field every value is replaced whole, never walked: nothing there to place.
      if (isSecretField(key) && typeof item === 'string') continue;
      const found = misplacedRedaction(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Whether a secret-named field somewhere in the record holds the redaction mark. */
function holdsRedactedField(value: unknown, key?: string): boolean {
  if (typeof value === 'string') return value === REDACTED && isSecretField(key);
  if (Array.isArray(value)) return value.some((item) => holdsRedactedField(item, key));
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([name, item]) => holdsRedactedField(item, name));
  return false;
}
