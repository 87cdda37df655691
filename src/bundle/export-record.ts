// Every export is kept as evidence: a run of the `export` stream whose one document says which bundle was
// signed by which key (fingerprint and public key), for which period and up to which run. The chain then
// holds the store's own history of signing keys: `verify <bundle> --db <store>` trusts a key this store
// recorded, and the digest names it next to the chain head. No new table: a run like the digest's.
import type { EvidenceStore, RunRecord } from '../store/types.js';
import { runHash } from '../store/chain.js';
import type { ExportResult } from './export.js';

export const EXPORT_COLLECTOR = 'export';
export const EXPORT_SCOPE = 'bundles';
export const EXPORT_EVIDENCE_TYPE = 'agent.export';

/** What an export run records (its meta, and its document's data). */
export interface ExportRecord {
  fingerprint: string;
  publicKey: string;
  manifestSha256: string;
  bundleFormat: string;
  period: { from: string; to: string; timeZone: string };
  frameworks: string[];
  lastRun: { seq: number; hash: string };
  files: number;
}

export async function recordExport(
  store: EvidenceStore,
  result: ExportResult,
  context: { at: Date; agentVersion: string; mappingVersion: string; configDigest: string },
): Promise<RunRecord> {
  const record: ExportRecord = {
    fingerprint: result.fingerprint,
    publicKey: result.publicKey,
    manifestSha256: result.manifestSha256,
    bundleFormat: result.bundleFormat,
    period: result.period,
    frameworks: result.frameworks,
    lastRun: result.lastRun,
    files: result.files,
  };
  const intent = await store.startRun({
    collector: EXPORT_COLLECTOR,
    scope: EXPORT_SCOPE,
    startedAt: context.at,
    agentVersion: context.agentVersion,
    mappingVersion: context.mappingVersion,
    configDigest: context.configDigest,
  });
  return store.finishRun(intent, {
    finishedAt: new Date(Math.max(context.at.getTime(), Date.now())),
    status: 'ok',
    error: null,
    apiCalls: 0,
    evidence: [{ type: EXPORT_EVIDENCE_TYPE, resourceId: `sha256:${record.manifestSha256}`, schemaVersion: 1, data: record }],
    findings: [],
    meta: { ...record },
  });
}

/** A signing key this store recorded, with the export runs that used it. */
export interface RecordedSigner {
  fingerprint: string;
  /** Seq of the first and the latest export run signed with it. */
  firstRun: number;
  lastRun: number;
  lastExportAt: string;
  /** Manifest SHA-256 of every bundle it signed (a bundle can be matched to the run that made it). */
  manifests: Map<string, number>;
}

/**
 * The keys the store's export runs recorded, latest use first. A run whose fields no longer match its
 * hash is left out and named in `problems` (the store's `verify` names it too).
 */
export async function recordedSigners(store: EvidenceStore): Promise<{ signers: RecordedSigner[]; problems: string[] }> {
  const signers = new Map<string, RecordedSigner>();
  const problems: string[] = [];
  for (const run of await store.listRuns({ collector: EXPORT_COLLECTOR })) {
    const [chained] = await store.chainedRuns(run.seq, run.seq);
    if (!chained || runHash(chained.fields) !== chained.hash) {
      problems.push(`export run ${run.seq}: its fields do not match its hash; its key is not trusted (run \`evidence-agent verify --db\`)`);
      continue;
    }
    const meta = chained.fields.meta as Partial<ExportRecord>;
    if (typeof meta.fingerprint !== 'string') continue;
    const known = signers.get(meta.fingerprint);
    const signer = known ?? {
      fingerprint: meta.fingerprint,
      firstRun: run.seq,
      lastRun: run.seq,
      lastExportAt: run.startedAt,
      manifests: new Map<string, number>(),
    };
    signer.lastRun = run.seq;
    signer.lastExportAt = run.startedAt;
    if (typeof meta.manifestSha256 === 'string') signer.manifests.set(meta.manifestSha256, run.seq);
    signers.set(meta.fingerprint, signer);
  }
  return { signers: [...signers.values()].sort((a, b) => b.lastRun - a.lastRun), problems };
}
