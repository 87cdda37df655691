// Every digest sent is kept as evidence: a run of the `digest` stream whose one document is the digest
// itself (its hash joins the chain), with where it was delivered. That run proves the weekly review's
// input reached someone; `digest --list` reads them back. A preview is never kept: it reached no one.
import { sha256Hex } from '../canonical.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';
import type { Digest } from './build.js';
import type { DeliveryOutcome } from './deliver.js';
import { DIGEST_COLLECTOR, DIGEST_EVIDENCE_TYPE, DIGEST_SCOPE } from './stream.js';

export async function recordDigest(
  store: EvidenceStore,
  digest: Digest,
  markdown: string,
  deliveries: DeliveryOutcome[],
  context: { at: Date; agentVersion: string; mappingVersion: string; configDigest: string },
): Promise<RunRecord> {
  if (deliveries.length === 0) throw new Error(`digest ${digest.label} was not sent anywhere: only a sent digest is kept`);
  const intent = await store.startRun({
    collector: DIGEST_COLLECTOR,
    scope: DIGEST_SCOPE,
    startedAt: context.at,
    agentVersion: context.agentVersion,
    mappingVersion: context.mappingVersion,
    configDigest: context.configDigest,
  });
  const failed = deliveries.filter((d) => !d.ok);
  return store.finishRun(intent, {
    finishedAt: new Date(Math.max(context.at.getTime(), Date.now())),
    status: 'ok',
    error: null,
    apiCalls: 0,
    evidence: [{ type: DIGEST_EVIDENCE_TYPE, resourceId: digest.label, schemaVersion: 1, data: { digest, markdownSha256: sha256Hex(markdown) } }],
    findings: [],
    meta: {
      label: digest.label,
      from: digest.from,
      to: digest.to,
      headline: digest.headline,
      deliveries,
      deliveryProblems: failed.map((d) => `${d.target}: ${d.detail}`),
    },
  });
}

/** Past digests, oldest first. */
export async function listDigests(store: EvidenceStore): Promise<RunRecord[]> {
  return store.listRuns({ collector: DIGEST_COLLECTOR });
}
