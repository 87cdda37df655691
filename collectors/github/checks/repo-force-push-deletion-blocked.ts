// The default branch's history cannot be rewritten or deleted: force pushes and deletion are blocked.
import type { CheckDefinition } from '../../../src/collector.js';
import { finding } from '../../../src/judging.js';
import type { GitHubOptions } from '../schema.js';
import { DEFAULT_BRANCH_TYPES, judgeBranches } from './default-branches.js';

export const repoForcePushDeletionBlocked: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_force_push_deletion_blocked',
  title: 'Force pushes and deletion of the default branch are blocked',
  severity: 'high',
  description: 'A force push rewrites history (removing reviewed commits from the record); deleting the branch removes it entirely.',
  remediation: 'Block force pushes and restrict deletions in the ruleset (or disable "Allow force pushes" and "Allow deletions" in branch protection).',
  resourceTypes: DEFAULT_BRANCH_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) => {
      const allowed = [...(p.forcePushBlocked ? [] : ['force pushes']), ...(p.deletionBlocked ? [] : ['deletion'])];
      return allowed.length > 0
        ? finding(repo, 'fail', `Default branch of ${where} allows ${allowed.join(' and ')}.`)
        : finding(repo, 'pass', `Default branch of ${where} blocks force pushes and deletion.`);
    });
  },
};
