// Each pull request merged into a default branch was approved by someone other than its author, on its
// final commit, as many times as the branch required (the rules: ../approvals.ts). One finding per change.
import type { CheckDefinition } from '../../../src/collector.js';
import { protectionBypassed } from '../approvals.js';
import type { PullRequestData } from '../change-data.js';
import { EVENTS, EVIDENCE } from '../schema.js';
import type { GitHubOptions } from '../schema.js';
import { independentApproval, judgeEvents, prLabel } from './merged-changes.js';

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
  remediation:
    'Require approvals in branch protection with stale approvals dismissed and bypass limited; for this change, record a retrospective review and its reason.',
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
