// Status checks must pass before a change merges into the default branch.
import type { CheckDefinition } from '../../../src/collector.js';
import { finding } from '../../../src/judging.js';
import type { GitHubOptions } from '../schema.js';
import { DEFAULT_BRANCH_TYPES, judgeBranches } from './default-branches.js';

export const repoStatusChecksRequired: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_status_checks_required',
  title: 'Status checks must pass before merging',
  severity: 'medium',
  description: 'Required status checks (tests, builds, scans) stop a change that breaks them from merging. Fails when the default branch requires none.',
  remediation: 'In the ruleset (or branch protection) require the CI checks that must pass before merging.',
  resourceTypes: DEFAULT_BRANCH_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) =>
      p.requiredChecks.length > 0
        ? finding(repo, 'pass', `Default branch of ${where} requires checks: ${p.requiredChecks.join(', ')}.`)
        : finding(repo, 'fail', `Default branch of ${where} requires no status checks.`),
    );
  },
};
