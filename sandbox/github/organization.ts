// The organization itself: its settings (GitHub Enterprise Cloud; base permission read, members may
// create private repositories only, 2FA not required, which is how two members come to lack it) and
// its webhooks: one well set up, one over plain http without a secret, one that skips certificate
// checks (and carries a token in its URL, which the collector must not keep).
import { between, legacyNodeId } from './chance.js';
import { DAY_MS, githubTime } from './clock.js';
import type { People } from './people.js';
import type { RepositorySpec } from './repositories.js';
import { accountLinks, API_ROOT, ORG_API, SANDBOX_ORG, WEB_ROOT } from './urls.js';

export interface OrganizationFacts {
  id: number;
  createdAt: number;
}

export function organizationFacts(seed: number, historyStart: number): OrganizationFacts {
  return { id: 71_000_000 + between(seed, 'org-id', 0, 9_999_999), createdAt: historyStart - 3100 * DAY_MS + between(seed, 'org-created', 0, 86_399) * 1000 };
}

/** GET /orgs/{org}, as an owner sees it. */
export function organizationJson(
  facts: OrganizationFacts,
  people: People,
  repositories: readonly RepositorySpec[],
  updatedAt: number,
): Record<string, unknown> {
  const publicRepos = repositories.filter((r) => r.visibility === 'public').length;
  const privateRepos = repositories.length - publicRepos;
  return {
    login: SANDBOX_ORG,
    id: facts.id,
    node_id: legacyNodeId('Organization', facts.id),
    url: ORG_API,
    repos_url: `${ORG_API}/repos`,
    events_url: `${ORG_API}/events`,
    hooks_url: `${ORG_API}/hooks`,
    issues_url: `${ORG_API}/issues`,
    members_url: `${ORG_API}/members{/member}`,
    public_members_url: `${ORG_API}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${facts.id}?v=4`,
    description: 'Example Co builds payment software for small businesses.',
    name: 'Example Co',
    company: null,
    blog: 'https://example-co.com',
    location: 'Berlin, Germany',
    email: 'engineering@example-co.com',
    twitter_username: null,
    is_verified: true,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: publicRepos,
    public_gists: 0,
    followers: 38,
    following: 0,
    html_url: `${WEB_ROOT}/${SANDBOX_ORG}`,
    created_at: githubTime(facts.createdAt),
    updated_at: githubTime(updatedAt),
    archived_at: null,
    type: 'Organization',
    total_private_repos: privateRepos,
    owned_private_repos: privateRepos,
    private_gists: 0,
    disk_usage: repositories.reduce((sum, r) => sum + r.sizeKb, 0),
    collaborators: people.outsideCollaborators.length,
    billing_email: 'billing@example-co.com',
    plan: { name: 'enterprise', space: 976_562_499, private_repos: 999_999, filled_seats: people.members.length, seats: people.members.length + 5 },
    default_repository_permission: 'read',
    members_can_create_repositories: true,
    two_factor_requirement_enabled: false,
    members_allowed_repository_creation_type: 'private',
    members_can_create_public_repositories: false,
    members_can_create_private_repositories: true,
    members_can_create_internal_repositories: false,
    members_can_create_pages: true,
    members_can_create_public_pages: false,
    members_can_create_private_pages: true,
    members_can_fork_private_repositories: false,
    web_commit_signoff_required: false,
    deploy_keys_enabled_for_repositories: true,
    dependency_graph_enabled_for_new_repositories: true,
    dependabot_alerts_enabled_for_new_repositories: true,
    dependabot_security_updates_enabled_for_new_repositories: true,
    advanced_security_enabled_for_new_repositories: false,
    secret_scanning_enabled_for_new_repositories: true,
    secret_scanning_push_protection_enabled_for_new_repositories: true,
    secret_scanning_push_protection_custom_link_enabled: false,
    secret_scanning_push_protection_custom_link: null,
  };
}

interface WebhookSpec {
  url: string;
  secret: boolean;
  insecureSsl: boolean;
  contentType: 'json' | 'form';
  events: string[];
  active: boolean;
  ageDays: number;
}

const WEBHOOKS: WebhookSpec[] = [
  {
    url: 'https://ci.example-co.com/github/webhook',
    secret: true,
    insecureSsl: false,
    contentType: 'json',
    events: ['pull_request', 'push'],
    active: true,
    ageDays: 1400,
  },
  {
    url: 'http://legacy-jenkins.example-co.internal:8080/github-webhook/',
    secret: false,
    insecureSsl: false,
    contentType: 'form',
    events: ['push'],
    active: true,
    ageDays: 2600,
  },
  {
    url: 'https://audit-sink.example-co.com/hooks/github?token=8c1f0a7e2d',
    secret: true,
    insecureSsl: true,
    contentType: 'json',
    events: ['*'],
    active: true,
    ageDays: 700,
  },
];

/** GET /orgs/{org}/hooks: the secret is never shown, only masked when set. */
export function webhooksJson(seed: number, historyStart: number): Record<string, unknown>[] {
  return WEBHOOKS.map((hook, index) => {
    const id = 412_000_000 + index * 7_919_313 + between(seed, `hook-id:${index}`, 0, 9_999);
    const created = historyStart - hook.ageDays * DAY_MS + between(seed, `hook-created:${index}`, 0, 86_399) * 1000;
    const url = `${ORG_API}/hooks/${id}`;
    return {
      type: 'Organization',
      id,
      name: 'web',
      active: hook.active,
      events: hook.events,
      config: {
        content_type: hook.contentType,
        insecure_ssl: hook.insecureSsl ? '1' : '0',
        ...(hook.secret ? { secret: '********' } : {}),
        url: hook.url,
      },
      updated_at: githubTime(created + 30 * DAY_MS),
      created_at: githubTime(created),
      url,
      ping_url: `${url}/pings`,
      deliveries_url: `${url}/deliveries`,
    };
  });
}

/** The `owner` of every repository: the organization as a simple user. */
export function organizationOwnerJson(facts: OrganizationFacts): Record<string, unknown> {
  const url = `${API_ROOT}/users/${SANDBOX_ORG}`;
  return {
    login: SANDBOX_ORG,
    id: facts.id,
    node_id: legacyNodeId('Organization', facts.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${facts.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${WEB_ROOT}/${SANDBOX_ORG}`,
    ...accountLinks(url),
    type: 'Organization',
    user_view_type: 'public',
    site_admin: false,
  };
}
