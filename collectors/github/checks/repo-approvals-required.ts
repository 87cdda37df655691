// Pull requests into the default branch need enough approving reviews, so no one ships code alone.
import type { CheckDefinition } from '../../../src/collector.js';
import { finding } from '../../../src/judging.js';
import type { GitHubOptions } from '../schema.js';
import { DEFAULT_BRANCH_TYPES, judgeBranches } from './default-branches.js';

export const repoApprovalsRequired: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_approvals_required',
  title: 'Pull requests need enough approving reviews',
  severity: 'high',
  description:
    'A change to the default branch must go through a pull request approved by at least thresholds.minApprovals reviewers (default 1; CIS GitHub asks for 2), so no one ships code alone.',
  remediation: 'In the ruleset (or branch protection) require a pull request with the required number of approvals.',
  resourceTypes: DEFAULT_BRANCH_TYPES,
  evaluate(view, options) {
    const min = options.thresholds.minApprovals;
    return judgeBranches(view, (repo, p, where) => {
      if (!p.pullRequestRequired) return finding(repo, 'fail', `Default branch of ${where} does not require pull requests.`);
      const message = `Default branch of ${where} requires ${p.requiredApprovals} approving review(s) (minimum ${min}).`;
      return finding(repo, p.requiredApprovals >= min ? 'pass' : 'fail', message);
    });
  },
};
