// The auditor's bundle for a period: coverage, per-control findings by day, exceptions, populations with
// the source record of every row, the evidence documents, the runs with their chain, OSCAL
// assessment-results and an HTML report, with a manifest of every file's SHA-256 signed with Ed25519.
// Deterministic: the same store and period give byte-identical files. Files are written one by one to
// disk (large ones row by row), not held in memory.
import {
  appendFileSync,
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  createReadStream,
} from 'node:fs';
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type { AttestationRunMeta } from '../attestation.js';
import { canonicalJson, digestOf } from '../canonical.js';
import type { Collector } from '../collector.js';
import { compareStrings } from '../compare-strings.js';
import { exceptionsStoredWith } from '../exceptions/schema.js';
import type { AcceptedException } from '../exceptions/schema.js';
import type { Framework } from '../mapping/load.js';
import { coverageCsv } from '../reports/coverage-csv.js';
import { buildCoverage } from '../reports/coverage.js';
import type { CoverageReport, DayFinding } from '../reports/coverage.js';
import { csvLines, toCsv } from '../reports/csv.js';
import { nextDay, startOfDay } from '../reports/days.js';
import { buildPopulation, populationColumns, SOURCE_COLUMN } from '../reports/population.js';
import { PRINCIPAL_CHANGE_COLUMNS, PrincipalChanges } from '../reports/principal-changes.js';
import { principalTypesOf } from '../registry.js';
import { withoutSecretFields } from '../redaction.js';
import { writeBundleSamples } from '../sampling/bundle-samples.js';
import type { BundleSamples } from '../sampling/bundle-samples.js';
import { coverageSheetOf } from '../sampling/coverage-sheet.js';
import { PRINCIPALS_POPULATION } from '../sampling/populations.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';
import { listFiles, packDirectory } from './archive.js';
import { htmlReport } from './html-report.js';
import { assessmentResults } from './oscal.js';
import { fingerprint, publicKeyPem, signManifest } from './signing.js';

/** 2: population rows carry sourceSha256 and the records are under sources/; the OpenSSH fingerprint. */
export const BUNDLE_FORMAT = 'evidence-agent-bundle/2';
/** Files the manifest cannot list: itself, its signature, and the checksum list that covers them all. */
const UNLISTED = new Set(['manifest.json', 'manifest.sig', 'SHA256SUMS']);

export interface ExportOptions {
  from: string;
  to: string;
  timeZone: string;
  frameworks: Framework[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[];
  cadenceDays: (collectorId: string) => number;
  signingKey: KeyObject;
  agentVersion: string;
  /** A path ending in .tar.gz or .tgz: an archive; anything else: a directory (new or empty). */
  out: string;
  /** Judge each snapshot by the mappings stored with it instead of the current ones. */
  asCollected?: boolean;
  /** The organization the evidence is about (config `organization.name`), named in the OSCAL metadata. */
  organization?: string;
  /** Samples to draw from the period's populations (samples/, signed with the rest). */
  samples?: BundleSamples;
  /** Progress of the long steps: `coverage <framework>` by day, `evidence` by snapshot. */
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface ExportResult {
  path: string;
  files: number;
  bytes: number;
  fingerprint: string;
  /** The signer's public key (PEM), as public-key.pem holds it. */
  publicKey: string;
  manifestSha256: string;
  bundleFormat: string;
  period: { from: string; to: string; timeZone: string };
  frameworks: string[];
  runs: number;
  lastRun: { seq: number; hash: string };
}

export class ExportError extends Error {
  override name = 'ExportError';
}

export async function exportBundle(store: EvidenceStore, options: ExportOptions): Promise<ExportResult> {
  // Evidence types that are principals (accounts and memberships), as each collector declares them: one
  // appearing or disappearing between two snapshots of a stream is an access change (principals-added-removed.csv).
  const principalTypes = principalTypesOf(options.collectors);
  const onDemand = options.collectors.filter((c) => c.recordedOnDemand).map((c) => c.id);
  const out = resolve(options.out);
  const archive = /\.(tar\.gz|tgz)$/.test(out);
  refuseExisting(out, archive);
  const periodStart = startOfDay(options.from, options.timeZone);
  const periodEnd = startOfDay(nextDay(options.to), options.timeZone);
  const runs = await store.listRuns({ from: periodStart, to: periodEnd });
  if (runs.length === 0) throw new ExportError(`no run started between ${options.from} and ${options.to} (${options.timeZone}): nothing to export`);

  // Everything is written next to the target under a hidden name and renamed into place at the end
  // (same directory, same file system): a bundle is there whole or not at all.
  const parent = dirname(out);
  let root: string;
  try {
    mkdirSync(parent, { recursive: true });
    root = mkdtempSync(join(parent, `.${basename(out)}-`));
  } catch (error) {
    throw new ExportError(
      `--out: cannot write in ${parent} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): choose a directory you can write to`,
    );
  }
  const partial = `${root}.partial`;
  try {
    const write = (path: string, content: string | Buffer) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    };

    // Runs and their chain: a contiguous range of the chain, so verify can relink it offline.
    const firstSeq = Math.min(...runs.map((r) => r.seq));
    const lastSeq = Math.max(...runs.map((r) => r.seq));
    const chained = await store.chainedRuns(firstSeq, lastSeq);
    write('runs.jsonl', chained.map((r) => `${canonicalJson({ hash: r.hash, fields: r.fields })}\n`).join(''));
    const inRange = (await store.listRuns({})).filter((r) => r.seq >= firstSeq && r.seq <= lastSeq);
    write('runs.csv', runsCsv(inRange, await windowsByRun(store, inRange)));

    // Coverage, and the findings behind each control's days, written as they are judged.
    const coverage: CoverageReport[] = [];
    for (const framework of options.frameworks) {
      const writers = new Map<string, number>();
      try {
        coverage.push(
          await buildCoverage(store, framework, {
            from: options.from,
            to: options.to,
            timeZone: options.timeZone,
            collectors: options.collectors,
            cadenceDays: options.cadenceDays,
            asCollected: options.asCollected === true,
            onFindings: (controlId, day, rows) => appendFindings(root, framework.id, controlId, day, rows, writers),
            ...(options.onProgress ? { onDay: (done: number, total: number) => options.onProgress!(`coverage ${framework.id}`, done, total) } : {}),
          }),
        );
      } finally {
        for (const fd of writers.values()) closeSync(fd);
      }
    }
    write('coverage.csv', coverageCsv(coverage));
    const reviews = await reviewsCsv(store, coverage);
    if (reviews) write('reviews.csv', reviews);
    write('exceptions.csv', exceptionsCsv(await exceptionsInForce(store, inRange)));

    // Populations, with how each was produced and how complete it is.
    const readme: string[] = [
      '# Populations',
      '',
      `Period ${options.from} to ${options.to} (${options.timeZone}). Each file lists every member of the population stored by`,
      'evidence-agent for the period, one row per event, derived from the stored events when the bundle was written.',
      '',
    ];
    const populationFiles: { id: string; file: string; rows: number; sourceColumn: string }[] = [];
    for (const collector of options.collectors) {
      for (const population of collector.populations ?? []) {
        const file = `populations/${population.fileName ?? `${population.id}.csv`}`;
        mkdirSync(join(root, 'populations'), { recursive: true });
        const fd = openSync(join(root, file), 'w');
        let report;
        try {
          const columns = populationColumns(population);
          writeSync(fd, csvLines([columns]));
          // Rows go to the file as they are derived: a long period's population is never held in memory.
          // Each row's source record goes to sources/ as shown (redacted like the evidence; its hash is the row's).
          report = await buildPopulation(store, collector.id, population, periodStart, periodEnd, undefined, (row, source) => {
            // Each stored event is read once per population; two populations may share one.
            const path = `sources/${source.hash}.json`;
            if (!existsSync(join(root, path))) write(path, `${source.canonical}\n`);
            writeSync(fd, csvLines([columns.map((c) => row[c] ?? '')]));
          });
        } finally {
          closeSync(fd);
        }
        const readers = inRange.filter((r) => r.collector === collector.id);
        readme.push(`## ${file}: ${population.title}`, '', population.description, '', `How it is produced: ${population.method}`, '');
        const rowCount = report.streams.reduce((sum, stream) => sum + stream.rows, 0);
        populationFiles.push({ id: population.id, file, rows: rowCount, sourceColumn: SOURCE_COLUMN.name });
        readme.push(
          `Rows: ${rowCount}. Read by ${readers.length} runs of ${collector.id} in the period (${readers.reduce((sum, r) => sum + r.apiCalls, 0)} API requests, ` +
            `pages included; ${readers.filter((r) => r.status === 'failed' || r.status === 'aborted').length} runs failed or aborted). Per stream:`,
        );
        for (const stream of report.streams) {
          readme.push(
            `- ${collector.id} ${stream.scope}: ${stream.rows} rows from ${stream.events} stored events; partitions read: ${stream.coverage.map((c) => c.partition).join(', ') || 'none'}`,
          );
        }
        readme.push('', `Coverage gaps (spans whose events were not read; the population is incomplete there): ${report.warnings.length === 0 ? 'none.' : ''}`);
        for (const warning of report.warnings) readme.push(`- ${warning}`);
        readme.push('', 'Columns:');
        for (const column of population.columns) readme.push(`- ${column.name}: ${column.description}`);
        readme.push(`- ${SOURCE_COLUMN.name}: ${SOURCE_COLUMN.description}`, '');
      }
    }
    write('populations/README.md', `${readme.join('\n')}\n`);

    // The evidence documents of the period's snapshots, once each by hash, with an index per snapshot.
    const snapshots = inRange.filter((r) => r.status === 'ok' || r.status === 'partial');
    const written = new Set<string>();
    const index = openSync(join(root, 'evidence-index.csv'), 'w');
    let principals: number;
    try {
      principals = openSync(join(root, 'populations', 'principals-added-removed.csv'), 'w');
    } catch (error) {
      closeSync(index);
      throw error;
    }
    const principalCount = { rows: 0 };
    try {
      writeSync(index, csvLines([['run', 'collector', 'scope', 'type', 'resourceId', 'sha256']]));
      writeSync(principals, csvLines([[...PRINCIPAL_CHANGE_COLUMNS]]));
      const principalChanges = new PrincipalChanges(store, principalTypes);
      // Stored hash -> bundle hash of the (redacted) document: an unchanged document is read, redacted
      // and hashed once for the whole period, not once a day.
      const exportedAs = new Map<string, string>();
      let snapshotsDone = 0;
      for (const run of snapshots) {
        options.onProgress?.('evidence', snapshotsDone++, snapshots.length);
        // Documents one at a time, index rows in batches: a snapshot of any size is never held whole.
        const entries = await store.snapshotEntries(run.seq);
        let rows: string[][] = [];
        for (const entry of entries) {
          let hash = exportedAs.get(entry.blobHash);
          if (hash === undefined) {
            const document = redact(await store.storedDocument(entry.blobHash));
            hash = digestOf(document);
            if (!written.has(hash)) {
              write(`evidence/${hash}.json`, `${canonicalJson(document)}\n`);
              written.add(hash);
            }
            exportedAs.set(entry.blobHash, hash);
          }
          rows.push([String(run.seq), run.collector, run.scope, entry.type, entry.resourceId, hash]);
          if (rows.length === 1000) {
            writeSync(index, csvLines(rows));
            rows = [];
          }
        }
        if (rows.length > 0) writeSync(index, csvLines(rows));
        // The first snapshot of a stream in the period is compared with the one before the period, if any.
        const records = await principalChanges.next(run, entries);
        if (records.length > 0) writeSync(principals, csvLines(records));
        principalCount.rows += records.length;
      }
    } finally {
      closeSync(index);
      closeSync(principals);
    }
    appendFileSync(
      join(root, 'populations', 'README.md'),
      [
        '## populations/principals-added-removed.csv: accounts and memberships added or removed between snapshots',
        '',
        `Every ${principalTypes.join(', ')} document that appears in or disappears from a stream between two consecutive`,
        'snapshots (the first snapshot of the period is compared with the last one before it): access granted or removed',
        'outside the logged API calls above, or whose call fell in a gap. observedAt is the snapshot that first shows the change;',
        `the change happened between previousSnapshotAt and observedAt. Rows: ${principalCount.rows}.`,
        '',
        'How it reconciles with access-changes.csv (AWS): a snapshot shows the estate as of the time it was taken, so each',
        'aws.iam.user, aws.iam.role or aws.iam.group row "added" here has a succeeded CreateUser, CreateRole or CreateGroup call',
        'there for the same name (the last part of resourceId is the target) with previousSnapshotAt < occurredAt <= observedAt,',
        'and each "removed" row the matching DeleteUser, DeleteRole or DeleteGroup call in that span. A row here without its call',
        'is a change made outside the logged API calls or in a gap of the event population (its coverage is stated above); a call',
        'there without a row here is a principal created and deleted again between two snapshots. GitHub members and outside',
        'collaborators have no event population in this bundle: their rows rest on the snapshots alone.',
        '',
      ].join('\n'),
    );

    await writeAttestations(store, onDemand, periodStart, periodEnd, write);
    if (options.samples) {
      const period = { from: periodStart, to: periodEnd, label: `${options.from} to ${options.to} (${options.timeZone})` };
      const bundled = new Set([...populationFiles.map((p) => p.id), PRINCIPALS_POPULATION]);
      await writeBundleSamples(store, root, options.samples, period, coverageSheetOf(coverage), `evidence-agent ${options.agentVersion}`, bundled);
    }

    const publicKey = publicKeyPem(options.signingKey);
    const keyFingerprint = fingerprint(publicKey);
    write('public-key.pem', publicKey);
    const title = `evidence-agent period bundle ${options.from} to ${options.to}`;
    const storeId = await storeIdentity(store, chained[0]!);
    const period = { from: options.from, to: options.to, timeZone: options.timeZone, start: periodStart.toISOString(), end: periodEnd.toISOString() };
    const frameworks = options.frameworks.map((f) => ({ id: f.id, title: f.title, version: f.version }));
    const mappings = {
      applied: options.asCollected ? 'as-collected' : 'current',
      versionsAtCollection: [...new Set(inRange.map((r) => r.mappingVersion))].sort(),
    };
    // The store's last change within the export: the end of the last run exported (never the period's end, which may be ahead).
    const lastModified = new Date(inRange.reduce((latest, r) => Math.max(latest, Date.parse(r.finishedAt)), 0)).toISOString();
    const checkOwners = new Map(
      options.collectors.flatMap((c) => c.checks.map((k) => [k.id, { collector: c.id, controlFromScope: k.controlFromScope === true }] as const)),
    );
    write(
      'assessment-results.json',
      `${JSON.stringify(
        assessmentResults({
          title,
          agentVersion: options.agentVersion,
          storeId,
          organization: options.organization,
          period,
          lastModified,
          frameworks,
          mappings,
          snapshots,
          coverage,
          checkOwner: (id) => checkOwners.get(id),
        }),
        null,
        2,
      )}\n`,
    );
    write(
      'index.html',
      htmlReport({
        title,
        period: { from: options.from, to: options.to, timeZone: options.timeZone },
        fingerprint: keyFingerprint,
        coverage,
        files: [...listFiles(root), 'manifest.json', 'SHA256SUMS'].sort(),
      }),
    );

    // The manifest lists every other file; the signature covers the manifest; SHA256SUMS covers everything.
    const files = [];
    for (const path of listFiles(root)) {
      if (UNLISTED.has(path)) continue;
      files.push({ path, sha256: await sha256File(join(root, path)), size: statSync(join(root, path)).size });
    }
    const first = chained[0]!;
    const last = chained.at(-1)!;
    const manifest = {
      bundleFormat: BUNDLE_FORMAT,
      agentVersion: options.agentVersion,
      store: { id: storeId },
      period,
      mappings: { applied: mappings.applied, frameworks, versionsAtCollection: mappings.versionsAtCollection },
      chain: {
        runs: chained.length,
        firstRun: { seq: first.fields.seq, hash: first.hash, prevHash: first.fields.prevHash },
        lastRun: { seq: last.fields.seq, hash: last.hash },
      },
      signature: { algorithm: 'Ed25519', file: 'manifest.sig', publicKeyFile: 'public-key.pem', fingerprint: keyFingerprint },
      // Each population's rows name their source record (sources/<sha256>.json) in this column.
      populations: populationFiles,
      files,
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    write('manifest.json', manifestBytes);
    const manifestSha256 = createHash('sha256').update(manifestBytes).digest('hex');
    write('manifest.sig', signManifest(manifestBytes, options.signingKey));
    const sums: string[] = [];
    for (const path of listFiles(root)) if (path !== 'SHA256SUMS') sums.push(`${await sha256File(join(root, path))}  ${path}`);
    write('SHA256SUMS', `${sums.join('\n')}\n`);

    const count = listFiles(root).length;
    const described = {
      fingerprint: keyFingerprint,
      publicKey,
      manifestSha256,
      bundleFormat: BUNDLE_FORMAT,
      period: { from: options.from, to: options.to, timeZone: options.timeZone },
      frameworks: frameworks.map((f) => f.id),
      runs: chained.length,
      lastRun: { seq: last.fields.seq, hash: last.hash },
    };
    const bytes = listFiles(root).reduce((sum, f) => sum + statSync(join(root, f)).size, 0);
    if (archive) {
      // Entry times: the end of the last run exported (fixed by the store, never in the future).
      await packDirectory(root, partial, new Date(inRange.at(-1)!.finishedAt));
      refuseExisting(out, archive);
      renameSync(partial, out);
      return { path: out, files: count, bytes: statSync(out).size, ...described };
    }
    refuseExisting(out, archive);
    // mkdtemp made it private (0700); a bundle directory is for others to read, like the files in it.
    chmodSync(root, 0o755);
    // rename(2) replaces an empty directory: the new empty directory the caller may have made.
    renameSync(root, out);
    return { path: out, files: count, bytes, ...described };
  } finally {
    // A half-written bundle is not a bundle: whatever is left under the hidden names goes.
    rmSync(root, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

/**
 * The store's identity: the id recorded (under the hash) when the store was created; a store written
 * before stores recorded one is known by `sha256:` and the hash of its genesis run (the first run, which
 * links to no other). Two stores never share it and a store keeps it for life, so OSCAL UUIDs derived
 * from it are unique per store and stable per period.
 */
async function storeIdentity(store: EvidenceStore, firstExported: { fields: { seq: number; prevHash: string }; hash: string }): Promise<string> {
  const identity = await store.identity();
  if (identity.recorded && !identity.intact) throw new ExportError("the store's identity record does not match its hash: run `evidence-agent verify`");
  if (identity.recorded && identity.storeId) return identity.storeId;
  const [genesis] = firstExported.fields.seq === 1 ? [firstExported] : await store.chainedRuns(1, 1);
  if (!genesis) throw new ExportError('the store has no run 1 (its genesis run): run `evidence-agent verify`');
  return `sha256:${genesis.hash}`;
}

/** An archive never overwrites anything; a directory bundle goes only into a new or empty directory. */
function refuseExisting(out: string, archive: boolean): void {
  if (!existsSync(out)) return;
  if (archive) throw new ExportError(`${out} already exists: choose a new path (a bundle is never overwritten)`);
  if (!statSync(out).isDirectory()) throw new ExportError(`${out} already exists and is not a directory: choose a new path`);
  if (readdirSync(out).length > 0) throw new ExportError(`${out} already exists and is not empty: choose a new path or an empty directory`);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** observedAt: the event's time for a finding on an event, else the snapshot's; review: who reviewed a failing event, and when. */
const FINDING_COLUMNS = ['day', 'check', 'collector', 'scope', 'resourceType', 'resourceId', 'status', 'exception', 'message', 'observedAt', 'review'];

/**
 * Every attestation whose window overlaps the period (made before it too), with its file's bytes as
 * `attestations/<sha256>-<name>` (the SHA-256 in the name is the file's, checkable by anyone).
 */
async function writeAttestations(
  store: EvidenceStore,
  onDemand: readonly string[],
  periodStart: Date,
  periodEnd: Date,
  write: (path: string, content: string | Buffer) => void,
): Promise<void> {
  const recorded = (await Promise.all(onDemand.map((collector) => store.listRuns({ collector, to: periodEnd })))).flat();
  const runs = recorded.filter(
    (r) =>
      (r.status === 'ok' || r.status === 'partial') &&
      typeof r.meta['validUntil'] === 'string' &&
      Date.parse(r.meta['validUntil'] as string) > periodStart.getTime(),
  );
  if (runs.length === 0) return;
  const rows: string[][] = [];
  for (const run of runs) {
    const { attestation, validUntil } = run.meta as Required<AttestationRunMeta>;
    const path = `attestations/${attestation.file.sha256}-${attestation.file.name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    const bytes = await store.fileBytes(attestation.file.sha256);
    if (!bytes)
      throw new ExportError(
        `the file of attestation run ${run.seq} (${attestation.file.name}, sha256 ${attestation.file.sha256}) is missing from the store: run verify`,
      );
    write(path, bytes);
    rows.push([
      attestation.framework,
      attestation.control,
      run.startedAt,
      validUntil,
      attestation.attestedBy,
      attestation.note,
      path,
      attestation.file.sha256,
      String(attestation.file.bytes),
      String(run.seq),
    ]);
  }
  write(
    'attestations/attestations.csv',
    csvLines([['framework', 'control', 'attestedAt', 'validUntil', 'attestedBy', 'note', 'file', 'sha256', 'bytes', 'run'], ...rows]),
  );
}

/**
 * The reviews of the failing events the report lists (in the period, and before it), each with the seq
 * and hash of the run that recorded it: `evidence-agent verify --head <run>:sha256:<hash>` on the store
 * shows that run is in its chain. Undefined when there is none.
 */
async function reviewsCsv(store: EvidenceStore, reports: readonly CoverageReport[]): Promise<string | undefined> {
  const byKey = new Map<string, string[]>();
  for (const entry of reports.flatMap((r) => [...r.eventFailures, ...r.beforePeriod])) {
    if (!entry.review) continue;
    const key = [entry.collector, entry.scope, entry.checkId, entry.resourceId].join('\u0000');
    if (byKey.has(key)) continue;
    const run = await store.getRun(entry.review.runSeq);
    byKey.set(key, [
      entry.collector,
      entry.scope,
      entry.checkId,
      entry.resourceId,
      entry.occurredAt,
      entry.review.reviewedBy,
      entry.review.reviewedAt,
      entry.review.note,
      String(entry.review.runSeq),
      run ? `sha256:${run.hash}` : '',
    ]);
  }
  if (byKey.size === 0) return undefined;
  const rows = [...byKey.values()].sort((a, b) => compareStrings(a[4]!, b[4]!) || compareStrings(a[2]!, b[2]!) || compareStrings(a[3]!, b[3]!));
  return csvLines([['collector', 'scope', 'check', 'resourceId', 'occurredAt', 'reviewedBy', 'reviewedAt', 'note', 'run', 'runHash'], ...rows]);
}

function appendFindings(root: string, framework: string, controlId: string, day: string, rows: DayFinding[], writers: Map<string, number>): void {
  let fd = writers.get(controlId);
  if (fd === undefined) {
    const dir = join(root, 'controls', framework, controlId);
    mkdirSync(dir, { recursive: true });
    fd = openSync(join(dir, 'findings.csv'), 'w');
    writers.set(controlId, fd);
    writeSync(fd, csvLines([FINDING_COLUMNS]));
  }
  // Field by field, without building a key per comparison (10,000 findings a day made that most of the
  // export's garbage), and written 1,000 lines at a time.
  const sorted = [...rows].sort(
    (a, b) => compareStrings(a.checkId, b.checkId) || compareStrings(a.scope, b.scope) || compareStrings(a.resourceId, b.resourceId),
  );
  for (let start = 0; start < sorted.length; start += 1000) {
    const records = sorted
      .slice(start, start + 1000)
      .map((r) => [day, r.checkId, r.collector, r.scope, r.resourceType, r.resourceId, r.status, r.exception, r.message, r.observedAt, r.review]);
    writeSync(fd, csvLines(records));
  }
}

/** Per run, its event windows as `partition from..to` (with the error of an incomplete one). */
async function windowsByRun(store: EvidenceStore, runs: RunRecord[]): Promise<Map<number, string>> {
  const result = new Map<number, string>();
  for (const run of runs) {
    const windows = await store.windowsOf(run.seq);
    result.set(run.seq, windows.map((w) => `${w.partition} ${w.from}..${w.to}${w.complete ? '' : ` incomplete: ${w.error ?? 'unknown'}`}`).join(' | '));
  }
  return result;
}

function runsCsv(runs: RunRecord[], windows: Map<number, string>): string {
  const columns = [
    'seq',
    'id',
    'collector',
    'scope',
    'startedAt',
    'finishedAt',
    'status',
    'error',
    'apiCalls',
    'evidenceCount',
    'eventsRead',
    'eventWindows',
    'prevHash',
    'hash',
  ];
  return toCsv(
    columns,
    runs.map((r) => ({
      seq: String(r.seq),
      id: r.id,
      collector: r.collector,
      scope: r.scope,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      status: r.status,
      error: r.error ?? '',
      apiCalls: String(r.apiCalls),
      evidenceCount: String(r.evidenceCount),
      eventsRead: String(r.eventCounts.read),
      eventWindows: windows.get(r.seq) ?? '',
      prevHash: r.prevHash,
      hash: r.hash,
    })),
  );
}

interface ExceptionInForce extends AcceptedException {
  firstSeen: string;
  lastSeen: string;
}

/** Every distinct exception stored with the period's runs, with the first and last run that carried it. */
async function exceptionsInForce(store: EvidenceStore, runs: RunRecord[]): Promise<ExceptionInForce[]> {
  const byKey = new Map<string, ExceptionInForce>();
  for (const run of runs) {
    if (run.status !== 'ok' && run.status !== 'partial') continue;
    for (const exception of await exceptionsStoredWith(store, run.seq)) {
      const key = canonicalJson(exception);
      const seen = byKey.get(key);
      if (seen) seen.lastSeen = run.startedAt;
      else byKey.set(key, { ...exception, firstSeen: run.startedAt, lastSeen: run.startedAt });
    }
  }
  return [...byKey.values()].sort((a, b) => (a.id + a.firstSeen < b.id + b.firstSeen ? -1 : 1));
}

function exceptionsCsv(exceptions: ExceptionInForce[]): string {
  const columns = ['id', 'check', 'resource', 'reason', 'approver', 'approved', 'expires', 'firstSeen', 'lastSeen'];
  return toCsv(
    columns,
    exceptions.map((e) => Object.fromEntries(columns.map((c) => [c, String(e[c as keyof ExceptionInForce])]))),
  );
}

/**
 * A copy with the string values of secret-named fields replaced (evidence should hold none; this is the
 * last guard). The names are the one list of src/redaction.ts.
 */
function redact<T>(value: T): T {
  return withoutSecretFields(value);
}

export function readManifest(root: string): unknown {
  return JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
}
