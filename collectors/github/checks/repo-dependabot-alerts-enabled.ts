// Dependabot alerts enabled: dependencies with known vulnerabilities are reported.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, RepositoryEvidence } from '../schema.js';

export const repoDependabotAlertsEnabled: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_dependabot_alerts_enabled',
  title: 'Dependabot alerts are enabled',
  severity: 'medium',
  description: 'Dependabot alerts report dependencies with known vulnerabilities (CIS GitHub 1.5.5). Judged by hasVulnerabilityAlertsEnabled.',
  remediation: 'Repository (or organization) settings → Code security → enable Dependabot alerts.',
  resourceTypes: [EVIDENCE.repository, EVIDENCE.repositoryDetails],
  evaluate(view) {
    return evidenceOf<RepositoryEvidence>(view, EVIDENCE.repository).flatMap((repo) => {
      const enabled = repo.data.dependabotAlerts;
      if (enabled === null) return [finding(repo, 'error', `Dependabot alerts of ${repo.resourceId} are not visible to the token.`)];
      return [
        enabled
          ? finding(repo, 'pass', `Dependabot alerts are enabled on ${repo.resourceId}.`)
          : finding(repo, 'fail', `Dependabot alerts are disabled on ${repo.resourceId}.`),
      ];
    });
  },
};
