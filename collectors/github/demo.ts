// The demo's github settings: the sandbox organization, one of its two outside collaborators approved.
import { OUTSIDE_COLLABORATORS } from '../../sandbox/github/people.js';
import { SANDBOX_ORG } from '../../sandbox/github/urls.js';
import { githubOptionsSchema } from './schema.js';
import type { GitHubOptions } from './schema.js';

export function demoGitHubOptions(): GitHubOptions {
  return githubOptionsSchema.parse({
    auth: { token: 'demo-token-for-the-local-sandbox' },
    orgs: [SANDBOX_ORG],
    thresholds: { outsideCollaboratorAllowList: OUTSIDE_COLLABORATORS.slice(0, 1) },
  });
}
