// Administrators cannot go around the pull request requirement of the default branch: at least one layer
// requiring pull requests binds them.
import type { CheckDefinition } from '../../../src/collector.js';
import { finding } from '../../../src/judging.js';
import type { GitHubOptions } from '../schema.js';
import { DEFAULT_BRANCH_TYPES, judgeBranches } from './default-branches.js';

export const repoAdminsCannotBypass: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_admins_cannot_bypass',
  title: 'Administrators cannot bypass the pull request requirement',
  severity: 'high',
  description:
    'If admins may skip the rules, the review control depends on who holds admin. Passes when a layer requiring ' +
    'pull requests binds admins: classic protection with "Do not allow bypassing" (enforce_admins), or a ruleset ' +
    'whose bypass list names neither organization admins nor the repository admin role.',
  remediation: 'Enable "Do not allow bypassing the above settings", or remove admin roles from the ruleset bypass list.',
  resourceTypes: DEFAULT_BRANCH_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) => {
      if (!p.pullRequestRequired) return finding(repo, 'fail', `Default branch of ${where} does not require pull requests, so there is nothing to bypass.`);
      if (p.adminsBoundToPullRequests === null) {
        return finding(
          repo,
          'error',
          `Who may bypass the rulesets of ${where} is not visible to the token (GitHub shows bypass lists to those with write access to the ruleset).`,
        );
      }
      return p.adminsBoundToPullRequests
        ? finding(repo, 'pass', `Administrators of ${where} must go through pull requests too.`)
        : finding(repo, 'fail', `Administrators of ${where} may bypass the pull request requirement.`);
    });
  },
};
