// How the change checks see the change population: each event judged, its finding naming the change, and
// an org whose population was read with no change a check is about given one pass on its changes resource
// (worded without times, so it is stored once). Also the label of a merged pull request and its approval
// verdict by the rules it was read under, which the population's rows share.
import type { EvidenceView, FindingDraft, FindingStatus } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { assessApproval, STRICT_RULES } from '../approvals.js';
import type { ApprovalAssessment } from '../approvals.js';
import type { ApprovalRules, PullRequestData } from '../change-data.js';
import { EVIDENCE } from '../schema.js';
import type { ChangesEvidence } from '../schema.js';

interface Verdict {
  status: FindingStatus;
  message: string;
}

export function judgeEvents<T>(
  view: EvidenceView,
  type: string,
  judge: (data: T, eventId: string) => Verdict | undefined,
  passMessage: (org: string) => string,
): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const event of view.events(type)) {
    const verdict = judge(event.data as T, event.eventId);
    if (verdict) findings.push({ resourceType: type, resourceId: event.eventId, ...verdict });
  }
  if (findings.length === 0) {
    for (const changes of evidenceOf<ChangesEvidence>(view, EVIDENCE.changes)) findings.push(finding(changes, 'pass', passMessage(changes.data.login)));
  }
  return findings;
}

export const prLabel = (pr: PullRequestData) => `${pr.repository}#${pr.number} "${pr.title}" merged by ${pr.mergedBy ?? 'unknown'} at ${pr.mergedAt}`;

/** The approval rules an event was read under (schema 1 events: the strict defaults). */
export const approvalRulesOf = (pr: PullRequestData): ApprovalRules => pr.approvalRules ?? STRICT_RULES;

/** The approval verdict of a merged pull request, by the rules it was read under (approvals.ts). */
export function independentApproval(pr: PullRequestData): ApprovalAssessment {
  return assessApproval(pr, approvalRulesOf(pr));
}
