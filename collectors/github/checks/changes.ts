// Checks over the change population (CC8.1; SOC 1 change management): each pull request merged into a
// default branch was approved by someone other than its author on its final commit and passed its
// checks, and no commit reached a default branch without a pull request. Findings name the change;
// an org whose population was read with no change a check is about gets one pass on its changes
// resource (worded without times, so it is stored once).
import type { CheckDefinition, EvidenceView, FindingDraft, FindingStatus } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { assessApproval, protectionBypassed, STRICT_RULES } from '../approvals.js';
import type { ApprovalAssessment } from '../approvals.js';
import type { ApprovalRules, DirectCommitData, PullRequestData } from '../change-data.js';
import { EVENTS, EVIDENCE } from '../schema.js';
import type { ChangesEvidence, GitHubOptions } from '../schema.js';

/** Check results that count as green; anything else (failure, pending, missing) does not. */
const GREEN = new Set(['success', 'neutral', 'skipped']);

interface Verdict {
  status: FindingStatus;
  message: string;
}

function judgeEvents<T>(
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

export const pullRequestIndependentlyApproved: CheckDefinition<GitHubOptions> = {
  id: 'github_pull_request_independently_approved',
  title: 'Each merged change was approved by someone other than its author',
  severity: 'high',
  description:
    'For every pull request merged into a default branch, per reviewer the latest review submitted before the ' +
      'merge: approvals that count are of the merged head (changes.acceptStaleApprovals relaxes this), not withdrawn ' +
      'by a later change request, not dismissed, and by a person who neither opened the pull request nor wrote or ' +
      'co-wrote one of its commits (Apps only when listed in changes.independentBots); they must reach the approvals ' +
      'the branch required (at least one). Approvals after the merge do not count.',
  remediation: 'Require approvals in branch protection with stale approvals dismissed and bypass limited; for this change, record a retrospective review and its reason.',
  resourceTypes: [EVENTS.pullRequest, EVIDENCE.changes],
  judgesEvents: true,
  evaluate(view) {
    return judgeEvents<PullRequestData>(
      view,
      EVENTS.pullRequest,
      (pr) => {
        const { approved, why } = independentApproval(pr);
        const truncated = pr.reviewsTruncated && !approved ? ' (only the first 100 reviews were read)' : '';
        const bypass = protectionBypassed(pr) ? '; merged without the approval the branch requires (protection bypassed)' : '';
        return { status: approved ? 'pass' : 'fail', message: `${prLabel(pr)}: ${why}${truncated}${bypass}.` };
      },
      (org) => `No pull request merged into a default branch of ${org} in the span read lacked an independent approval.`,
    );
  },
};

export const pullRequestChecksPassed: CheckDefinition<GitHubOptions> = {
  id: 'github_pull_request_checks_passed',
  title: 'Each merged change passed its checks',
  severity: 'medium',
  description:
    'For every pull request merged into a default branch: the checks on its last commit were green. The checks the ' +
      'default branch requires are judged when known, else every check that ran; no check at all fails when ' +
      'changes.requireChecks is on.',
  remediation: 'Require status checks before merging; for this change, record why it merged with failing or missing checks.',
  resourceTypes: [EVENTS.pullRequest, EVIDENCE.changes],
  judgesEvents: true,
  evaluate(view, options) {
    return judgeEvents<PullRequestData>(
      view,
      EVENTS.pullRequest,
      (pr) => {
        const contexts = pr.checks.contexts;
        const required = pr.requiredChecks && pr.requiredChecks.length > 0 ? pr.requiredChecks : null;
        const judged = required ? required.map((name) => contexts.find((c) => c.name === name) ?? { name, result: 'missing' }) : contexts;
        if (judged.length === 0) {
          return options.changes.requireChecks ? { status: 'fail', message: `${prLabel(pr)}: no check ran on its last commit.` } : undefined;
        }
        const red = judged.filter((c) => !GREEN.has(c.result));
        const scope = required ? 'required checks' : 'checks';
        return red.length > 0
          ? { status: 'fail', message: `${prLabel(pr)}: ${scope} not green: ${red.map((c) => `${c.name} (${c.result})`).join(', ')}.` }
          : { status: 'pass', message: `${prLabel(pr)}: ${scope} green: ${judged.map((c) => c.name).join(', ')}.` };
      },
      (org) => `No pull request merged into a default branch of ${org} in the span read had failing checks.`,
    );
  },
};

export const defaultBranchDirectPushesAbsent: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_direct_pushes_absent',
  title: 'No commit reached a default branch without a pull request',
  severity: 'high',
  description:
    'A commit on a default branch that no merged pull request into that branch contains was pushed directly, ' +
      'bypassing review. Read from the history of default branches pushed to since the last read.',
  remediation: 'Protect the branch against direct pushes; review the commit after the fact and record the review.',
  resourceTypes: [EVENTS.commit, EVIDENCE.changes],
  judgesEvents: true,
  evaluate(view) {
    return judgeEvents<DirectCommitData>(
      view,
      EVENTS.commit,
      (commit) => ({
        status: 'fail',
        message: `${commit.repository}@${commit.sha.slice(0, 7)} "${commit.headline}" by ${commit.author ?? 'unknown'} reached ${commit.branch} at ${commit.committedAt} without a pull request.`,
      }),
      (org) => `Every commit on the default branches of ${org} in the span read came through a merged pull request.`,
    );
  },
};
