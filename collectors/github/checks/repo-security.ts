// Repository security settings: secret scanning and Dependabot alerts on (CC7.1), deploy keys
// read-only unless allowed (CC6.1), and a CODEOWNERS file naming who reviews what (CC8.1).
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { globMatches } from '../repo-reads.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, RepositoryEvidence } from '../schema.js';

const DETAIL_TYPES = [EVIDENCE.repository, EVIDENCE.repositoryDetails];

export const repoSecretScanningEnabled: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_secret_scanning_enabled',
  title: 'Secret scanning is enabled',
  severity: 'medium',
  description: 'Secret scanning finds credentials committed to the repository. Judged by security_and_analysis.secret_scanning, which GitHub shows to admins and security managers.',
  remediation: 'Repository (or organization) settings → Code security → enable Secret scanning and push protection.',
  resourceTypes: [EVIDENCE.repository],
  evaluate(view) {
    return evidenceOf<RepositoryEvidence>(view, EVIDENCE.repository).map((repo) => {
      const status = repo.data.secretScanning;
      if (status === null) return finding(repo, 'error', `Secret scanning of ${repo.resourceId} is not visible to the token (admin or security manager needed).`);
      return status === 'enabled'
        ? finding(repo, 'pass', `Secret scanning is enabled on ${repo.resourceId}.`)
        : finding(repo, 'fail', `Secret scanning is ${status} on ${repo.resourceId}.`);
    });
  },
};

export const repoDependabotAlertsEnabled: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_dependabot_alerts_enabled',
  title: 'Dependabot alerts are enabled',
  severity: 'medium',
  description: 'Dependabot alerts report dependencies with known vulnerabilities (CIS GitHub 1.5.5). Judged by hasVulnerabilityAlertsEnabled.',
  remediation: 'Repository (or organization) settings → Code security → enable Dependabot alerts.',
  resourceTypes: DETAIL_TYPES,
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

export const repoDeployKeysReadOnly: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_deploy_keys_read_only',
  title: 'Deploy keys are read-only unless allowed',
  severity: 'medium',
  description:
    'A deploy key with write access can push to the repository, outside of any person account and its 2FA. Fails ' +
      'for a key with write access unless `<repository>/<key title>` matches thresholds.deployKeyWriteAllowList.',
  remediation: 'Replace the key with a read-only one (or a GitHub App), or allow-list it with the reason recorded.',
  resourceTypes: DETAIL_TYPES,
  evaluate(view, options) {
    const allowed = options.thresholds.deployKeyWriteAllowList;
    return evidenceOf<RepositoryEvidence>(view, EVIDENCE.repository).map((repo) => {
      const writers = repo.data.deployKeys.filter((k) => !k.readOnly && !allowed.some((g) => globMatches(g, `${repo.data.name}/${k.title}`)));
      if (writers.length > 0) return finding(repo, 'fail', `${repo.resourceId} has deploy keys with write access: ${writers.map((k) => k.title).join(', ')}.`);
      const count = repo.data.deployKeys.length;
      return finding(repo, 'pass', count === 0 ? `${repo.resourceId} has no deploy keys.` : `${repo.resourceId} has no deploy key with write access beyond the allow-list.`);
    });
  },
};

export const repoCodeownersPresent: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_codeowners_present',
  title: 'A CODEOWNERS file names the reviewers',
  severity: 'low',
  description: 'CODEOWNERS assigns reviewers per path, so sensitive code gets the right reviewer (CIS GitHub 1.1.6). Looked up where GitHub does: .github/, the root, docs/.',
  remediation: 'Add a CODEOWNERS file to .github/ on the default branch.',
  resourceTypes: DETAIL_TYPES,
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
