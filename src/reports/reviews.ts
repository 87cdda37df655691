// Reviews of event failures: someone looked at a root sign-in, a StopLogging, a self-approved merge and
// recorded what they found. Each review is a run of the `review` stream (its documents and its meta in the
// chain, as attestations and digests are), so the monitoring an auditor asks for under CC7.3/CC7.4 is
// evidence too. An event failure stays open in the current state until it has one.
import type { EvidenceStore, RunRecord } from '../store/types.js';

export const REVIEW_COLLECTOR = 'review';
export const REVIEW_SCOPE = 'events';
export const REVIEW_EVIDENCE_TYPE = 'agent.review';

/** Which finding a review is of: a check's finding on one resource (an event) of one stream. */
export interface ReviewTarget {
  collector: string;
  scope: string;
  checkId: string;
  resourceId: string;
}

export interface ReviewInput extends ReviewTarget {
  /** When the event occurred, as the finding said (null when the finding is not on a stored event). */
  occurredAt: string | null;
  note: string;
  reviewedBy: string;
}

export interface Review extends ReviewInput {
  /** When it was recorded (the start of its run). */
  reviewedAt: string;
  runSeq: number;
}

export const reviewKey = (t: ReviewTarget) => `${t.collector}\u0000${t.scope}\u0000${t.checkId}\u0000${t.resourceId}`;

/** `reviewed by alice@example.com on 2026-12-07`: how a report names a review. */
export const reviewLine = (review: Pick<Review, 'reviewedBy' | 'reviewedAt'>) => `reviewed by ${review.reviewedBy} on ${review.reviewedAt.slice(0, 10)}`;

interface ReviewMeta {
  reviews?: ReviewInput[];
}

/** Every review recorded up to `at` (default: all), by finding; the first review of a finding is the one kept. */
export async function loadReviews(store: EvidenceStore, at?: Date): Promise<Map<string, Review>> {
  const runs = await store.listRuns({ collector: REVIEW_COLLECTOR, scope: REVIEW_SCOPE, ...(at ? { to: new Date(at.getTime() + 1) } : {}) });
  const reviews = new Map<string, Review>();
  for (const run of runs) {
    if (run.status !== 'ok') continue;
    for (const review of (run.meta as ReviewMeta).reviews ?? []) {
      const key = reviewKey(review);
      if (!reviews.has(key)) reviews.set(key, { ...review, reviewedAt: run.startedAt, runSeq: run.seq });
    }
  }
  return reviews;
}

export interface ReviewRecordContext {
  at: Date;
  agentVersion: string;
  mappingVersion: string;
  configDigest: string;
}

/** Records reviews as one run of the review stream: a document per review, the list in the chained meta. */
export async function recordReviews(store: EvidenceStore, reviews: readonly ReviewInput[], context: ReviewRecordContext): Promise<RunRecord> {
  const intent = await store.startRun({
    collector: REVIEW_COLLECTOR,
    scope: REVIEW_SCOPE,
    startedAt: context.at,
    agentVersion: context.agentVersion,
    mappingVersion: context.mappingVersion,
    configDigest: context.configDigest,
  });
  return store.finishRun(intent, {
    finishedAt: context.at,
    status: 'ok',
    error: null,
    apiCalls: 0,
    evidence: reviews.map((review) => ({
      type: REVIEW_EVIDENCE_TYPE,
      resourceId: `${review.collector}/${review.scope}/${review.checkId}:${review.resourceId}`,
      schemaVersion: 1,
      data: { ...review, reviewedAt: context.at.toISOString() },
    })),
    findings: [],
    meta: { reviews: reviews.map((r) => ({ ...r })) },
  });
}
