// Deploy keys read-only unless allow-listed: a key with write access pushes outside any person account and
// its 2FA.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { globMatches } from '../repo-reads.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, RepositoryEvidence } from '../schema.js';

export const repoDeployKeysReadOnly: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_deploy_keys_read_only',
  title: 'Deploy keys are read-only unless allowed',
  severity: 'medium',
  description:
    'A deploy key with write access can push to the repository, outside of any person account and its 2FA. Fails ' +
    'for a key with write access unless `<repository>/<key title>` matches thresholds.deployKeyWriteAllowList.',
  remediation: 'Replace the key with a read-only one (or a GitHub App), or allow-list it with the reason recorded.',
  resourceTypes: [EVIDENCE.repository, EVIDENCE.repositoryDetails],
  evaluate(view, options) {
    const allowed = options.thresholds.deployKeyWriteAllowList;
    return evidenceOf<RepositoryEvidence>(view, EVIDENCE.repository).map((repo) => {
      const writers = repo.data.deployKeys.filter((k) => !k.readOnly && !allowed.some((g) => globMatches(g, `${repo.data.name}/${k.title}`)));
      if (writers.length > 0) return finding(repo, 'fail', `${repo.resourceId} has deploy keys with write access: ${writers.map((k) => k.title).join(', ')}.`);
      const count = repo.data.deployKeys.length;
      return finding(
        repo,
        'pass',
        count === 0 ? `${repo.resourceId} has no deploy keys.` : `${repo.resourceId} has no deploy key with write access beyond the allow-list.`,
      );
    });
  },
};
