// A CODEOWNERS file names who reviews what, so sensitive code gets the right reviewer.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, RepositoryEvidence } from '../schema.js';

export const repoCodeownersPresent: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_codeowners_present',
  title: 'A CODEOWNERS file names the reviewers',
  severity: 'low',
  description:
    'CODEOWNERS assigns reviewers per path, so sensitive code gets the right reviewer (CIS GitHub 1.1.6). Looked up where GitHub does: .github/, the root, docs/.',
  remediation: 'Add a CODEOWNERS file to .github/ on the default branch.',
  resourceTypes: [EVIDENCE.repository, EVIDENCE.repositoryDetails],
  evaluate(view) {
    return evidenceOf<RepositoryEvidence>(view, EVIDENCE.repository).flatMap((repo) => {
      if (repo.data.defaultBranch === null) return [];
      return [
        repo.data.codeowners
          ? finding(repo, 'pass', `${repo.resourceId} has ${repo.data.codeowners}.`)
          : finding(repo, 'fail', `${repo.resourceId} has no CODEOWNERS file.`),
      ];
    });
  },
};
