// Approvals do not outlive new commits: stale approvals are dismissed on push, or the last push needs
// approval.
import type { CheckDefinition } from '../../../src/collector.js';
import { finding } from '../../../src/judging.js';
import type { GitHubOptions } from '../schema.js';
import { DEFAULT_BRANCH_TYPES, judgeBranches } from './default-branches.js';

export const repoStaleApprovalsDismissed: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_stale_approvals_dismissed',
  title: 'Approvals are dismissed when new commits are pushed',
  severity: 'medium',
  description:
    'Without it, a pull request approved once can receive any later commit and still merge on the old approval. ' +
    'Passes when stale reviews are dismissed on push, or the last push must be approved by someone else.',
  remediation: 'Enable "Dismiss stale pull request approvals when new commits are pushed" (or "Require approval of the most recent reviewable push").',
  resourceTypes: DEFAULT_BRANCH_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) => {
      if (!p.pullRequestRequired) return finding(repo, 'fail', `Default branch of ${where} does not require pull requests.`);
      if (p.dismissStaleApprovals) return finding(repo, 'pass', `Default branch of ${where} dismisses stale approvals on push.`);
      if (p.requireLastPushApproval) return finding(repo, 'pass', `Default branch of ${where} requires approval of the last push.`);
      return finding(repo, 'fail', `Default branch of ${where} keeps approvals after new commits.`);
    });
  },
};
