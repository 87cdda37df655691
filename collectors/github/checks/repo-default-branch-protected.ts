// Default branch protected: classic protection or an active ruleset restricts changes to the branch that
// is deployed; either counts, and the finding names the layers.
import type { CheckDefinition } from '../../../src/collector.js';
import { finding } from '../../../src/judging.js';
import type { GitHubOptions } from '../schema.js';
import { DEFAULT_BRANCH_TYPES, judgeBranches } from './default-branches.js';
import type { EffectiveProtection } from './effective-protection.js';

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
  resourceTypes: DEFAULT_BRANCH_TYPES,
  evaluate(view) {
    return judgeBranches(view, (repo, p, where) =>
      p.protected
        ? finding(repo, 'pass', `Default branch of ${where} is protected${by(p)}.`)
        : finding(repo, 'fail', `Default branch of ${where} is not protected.`),
    );
  },
};
