// Secret scanning enabled: credentials committed to the repository are found.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, RepositoryEvidence } from '../schema.js';

export const repoSecretScanningEnabled: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_secret_scanning_enabled',
  title: 'Secret scanning is enabled',
  severity: 'medium',
  description:
    'Secret scanning finds credentials committed to the repository. Judged by security_and_analysis.secret_scanning, which GitHub shows to admins and security managers.',
  remediation: 'Repository (or organization) settings → Code security → enable Secret scanning and push protection.',
  resourceTypes: [EVIDENCE.repository],
  evaluate(view) {
    return evidenceOf<RepositoryEvidence>(view, EVIDENCE.repository).map((repo) => {
      const status = repo.data.secretScanning;
      if (status === null)
        return finding(repo, 'error', `Secret scanning of ${repo.resourceId} is not visible to the token (admin or security manager needed).`);
      return status === 'enabled'
        ? finding(repo, 'pass', `Secret scanning is enabled on ${repo.resourceId}.`)
        : finding(repo, 'fail', `Secret scanning is ${status} on ${repo.resourceId}.`);
    });
  },
};
