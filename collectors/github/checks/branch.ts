// Default-branch checks (CC8.1 change management): the branch is protected (classic protection or
// rulesets, either counts), changes need enough approvals that go stale on new pushes and green
// checks, admins cannot go around the pull request, and history cannot be rewritten or deleted.
import type { CheckDefinition, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import type { Judged } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, RepositoryEvidence } from '../schema.js';
import { effectiveProtection } from './protection.js';
import type { EffectiveProtection } from './protection.js';

const RESOURCE_TYPES = [EVIDENCE.repository, EVIDENCE.repositoryProtection];

/**
 * Runs `judge` on each repository with a default branch and known protection. An unprotected branch
 * fails every branch check but the "protected" one names it too, so each check stands on its own.
 */
function judgeBranches(
  view: Parameters<CheckDefinition<GitHubOptions>['evaluate']>[0],
  judge: (repo: Judged<RepositoryEvidence>, protection: EffectiveProtection, where: string) => FindingDraft,
): FindingDraft[] {
  return evidenceOf<RepositoryEvidence>(view, EVIDENCE.repository).flatMap((repo) => {
    const { defaultBranch, protection } = repo.data;
    if (defaultBranch === null) return [finding(repo, 'not_applicable', `Repository ${repo.resourceId} is empty: no default branch yet.`)];
    // Unknown protection comes with a resource error, which the runner turns into an `error` finding.
    if (protection === null) return [];
    return [judge(repo, effectiveProtection(protection), `${repo.resourceId} (${defaultBranch})`)];
  });
}

const by = (p: EffectiveProtection) => (p.sources.length > 0 ? ` by ${p.sources.join(' and ')}` : '');

export const repoDefaultBranchProtected: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_default_branch_protected',
  title: 'Default branch is protected',
  severity: 'high',
  description:
    'Without protection anyone with write access can push to the branch that is deployed, skipping review. Passes ' +
      'when classic branch protection or an active ruleset restricts changes to the default branch; a 404 "Branch ' +
      'not protected" with no ruleset is a fail.',
  remediation: 'Add a ruleset (or classic branch protection) targeting the default branch that requires pull requests.',
  resourceTypes: RESOURCE_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) =>
      p.protected ? finding(repo, 'pass', `Default branch of ${where} is protected${by(p)}.`) : finding(repo, 'fail', `Default branch of ${where} is not protected.`),
    );
  },
};

export const repoApprovalsRequired: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_approvals_required',
  title: 'Pull requests need enough approving reviews',
  severity: 'high',
  description:
    'A change to the default branch must go through a pull request approved by at least thresholds.minApprovals reviewers (default 1; CIS GitHub asks for 2), so no one ships code alone.',
  remediation: 'In the ruleset (or branch protection) require a pull request with the required number of approvals.',
  resourceTypes: RESOURCE_TYPES,
  evaluate(view, options) {
    const min = options.thresholds.minApprovals;
    return judgeBranches(view, (repo, p, where) => {
      if (!p.pullRequestRequired) return finding(repo, 'fail', `Default branch of ${where} does not require pull requests.`);
      const message = `Default branch of ${where} requires ${p.requiredApprovals} approving review(s) (minimum ${min}).`;
      return finding(repo, p.requiredApprovals >= min ? 'pass' : 'fail', message);
    });
  },
};

export const repoStaleApprovalsDismissed: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_stale_approvals_dismissed',
  title: 'Approvals are dismissed when new commits are pushed',
  severity: 'medium',
  description:
    'Without it, a pull request approved once can receive any later commit and still merge on the old approval. ' +
      'Passes when stale reviews are dismissed on push, or the last push must be approved by someone else.',
  remediation: 'Enable "Dismiss stale pull request approvals when new commits are pushed" (or "Require approval of the most recent reviewable push").',
  resourceTypes: RESOURCE_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) => {
      if (!p.pullRequestRequired) return finding(repo, 'fail', `Default branch of ${where} does not require pull requests.`);
      if (p.dismissStaleApprovals) return finding(repo, 'pass', `Default branch of ${where} dismisses stale approvals on push.`);
      if (p.requireLastPushApproval) return finding(repo, 'pass', `Default branch of ${where} requires approval of the last push.`);
      return finding(repo, 'fail', `Default branch of ${where} keeps approvals after new commits.`);
    });
  },
};

export const repoStatusChecksRequired: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_status_checks_required',
  title: 'Status checks must pass before merging',
  severity: 'medium',
  description: 'Required status checks (tests, builds, scans) stop a change that breaks them from merging. Fails when the default branch requires none.',
  remediation: 'In the ruleset (or branch protection) require the CI checks that must pass before merging.',
  resourceTypes: RESOURCE_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) =>
      p.requiredChecks.length > 0
        ? finding(repo, 'pass', `Default branch of ${where} requires checks: ${p.requiredChecks.join(', ')}.`)
        : finding(repo, 'fail', `Default branch of ${where} requires no status checks.`),
    );
  },
};

export const repoAdminsCannotBypass: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_admins_cannot_bypass',
  title: 'Administrators cannot bypass the pull request requirement',
  severity: 'high',
  description:
    'If admins may skip the rules, the review control depends on who holds admin. Passes when a layer requiring ' +
      'pull requests binds admins: classic protection with "Do not allow bypassing" (enforce_admins), or a ruleset ' +
      'whose bypass list names neither organization admins nor the repository admin role.',
  remediation: 'Enable "Do not allow bypassing the above settings", or remove admin roles from the ruleset bypass list.',
  resourceTypes: RESOURCE_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) => {
      if (!p.pullRequestRequired) return finding(repo, 'fail', `Default branch of ${where} does not require pull requests, so there is nothing to bypass.`);
      if (p.adminsBoundToPullRequests === null) {
        return finding(repo, 'error', `Who may bypass the rulesets of ${where} is not visible to the token (GitHub shows bypass lists to those with write access to the ruleset).`);
      }
      return p.adminsBoundToPullRequests
        ? finding(repo, 'pass', `Administrators of ${where} must go through pull requests too.`)
        : finding(repo, 'fail', `Administrators of ${where} may bypass the pull request requirement.`);
    });
  },
};

export const repoForcePushDeletionBlocked: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_force_push_deletion_blocked',
  title: 'Force pushes and deletion of the default branch are blocked',
  severity: 'high',
  description: 'A force push rewrites history (removing reviewed commits from the record); deleting the branch removes it entirely.',
  remediation: 'Block force pushes and restrict deletions in the ruleset (or disable "Allow force pushes" and "Allow deletions" in branch protection).',
  resourceTypes: RESOURCE_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) => {
      const allowed = [...(p.forcePushBlocked ? [] : ['force pushes']), ...(p.deletionBlocked ? [] : ['deletion'])];
      return allowed.length > 0
        ? finding(repo, 'fail', `Default branch of ${where} allows ${allowed.join(' and ')}.`)
        : finding(repo, 'pass', `Default branch of ${where} blocks force pushes and deletion.`);
    });
  },
};
