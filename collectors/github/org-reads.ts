// REST reads of one organization: settings, owners and members (with 2FA when the token may ask),
// outside collaborators, webhooks, and teams with the repositories each team reaches. Every list is
// read to its last page; each read settles on its own so one denied part keeps the others.
import { compareStrings } from '../../src/compare-strings.js';
import { withoutCredentials } from './bare-url.js';
import type { GitHubClient } from './client.js';
import { MalformedReplyError, settle } from './errors.js';
import { guardedPages } from './pagination.js';
import type { Outcome } from './errors.js';
import type { TeamEvidence, WebhookEvidence } from './schema.js';

const PAGE = { per_page: 100 } as const;

export interface OrgSettings {
  twoFactorRequirementEnabled: boolean | null;
  defaultRepositoryPermission: string | null;
  membersCanCreateRepositories: boolean | null;
  membersCanCreatePublicRepositories: boolean | null;
}

export interface OrgReads {
  settings: Outcome<OrgSettings>;
  /** The organization's plan (free, team, enterprise): GitHub shows it to owners only, null otherwise. */
  plan: string | null;
  owners: Outcome<string[]>;
  members: Outcome<string[]>;
  /** Owners only may filter by 2FA: anyone else gets 422, kept as an unknown, not a failure. */
  withoutTwoFactor: Outcome<string[]>;
  outsideCollaborators: Outcome<string[]>;
  webhooks: Outcome<WebhookEvidence[]>;
  teams: Outcome<TeamEvidence[]>;
}

export async function readOrg(octokit: GitHubClient, org: string, signal: AbortSignal): Promise<OrgReads> {
  const [orgRead, owners, members, withoutTwoFactor, outsideCollaborators, webhooks, teams] = await Promise.all([
    settle(`GET /orgs/${org}`, readSettings(octokit, org), signal),
    settle(
      `GET /orgs/${org}/members?role=admin`,
      logins(octokit.paginate(octokit.rest.orgs.listMembers, { org, role: 'admin', ...PAGE }, guardedPages(`GET /orgs/${org}/members?role=admin`))),
      signal,
    ),
    settle(
      `GET /orgs/${org}/members`,
      logins(octokit.paginate(octokit.rest.orgs.listMembers, { org, role: 'all', ...PAGE }, guardedPages(`GET /orgs/${org}/members`))),
      signal,
    ),
    settle(
      `GET /orgs/${org}/members?filter=2fa_disabled`,
      logins(
        octokit.paginate(octokit.rest.orgs.listMembers, { org, filter: '2fa_disabled', ...PAGE }, guardedPages(`GET /orgs/${org}/members?filter=2fa_disabled`)),
      ),
      signal,
    ),
    settle(
      `GET /orgs/${org}/outside_collaborators`,
      logins(octokit.paginate(octokit.rest.orgs.listOutsideCollaborators, { org, ...PAGE }, guardedPages(`GET /orgs/${org}/outside_collaborators`))),
      signal,
    ),
    settle(`GET /orgs/${org}/hooks`, readWebhooks(octokit, org), signal),
    settle(`GET /orgs/${org}/teams`, readTeams(octokit, org, signal), signal),
  ]);
  const settings: Outcome<OrgSettings> = orgRead.ok ? { ok: true, value: orgRead.value.settings } : orgRead;
  const plan = orgRead.ok ? orgRead.value.plan : null;
  return { settings, plan, owners, members, withoutTwoFactor, outsideCollaborators, webhooks, teams };
}

async function readSettings(octokit: GitHubClient, org: string): Promise<{ settings: OrgSettings; plan: string | null }> {
  const { data } = await octokit.rest.orgs.get({ org });
  if (typeof data !== 'object' || data === null || typeof data.login !== 'string') throw new MalformedReplyError('the reply is not an organization');
  const settings: OrgSettings = {
    twoFactorRequirementEnabled: booleanOrNull(data.two_factor_requirement_enabled),
    defaultRepositoryPermission: typeof data.default_repository_permission === 'string' ? data.default_repository_permission : null,
    membersCanCreateRepositories: booleanOrNull(data.members_can_create_repositories),
    membersCanCreatePublicRepositories: booleanOrNull(data.members_can_create_public_repositories),
  };
  return { settings, plan: typeof data.plan?.name === 'string' ? data.plan.name : null };
}

async function logins(read: Promise<readonly ({ login?: unknown } | null)[]>): Promise<string[]> {
  const users = await read;
  if (!Array.isArray(users)) throw new MalformedReplyError('the reply is not a list of users');
  return users
    .map((user, index) => {
      if (typeof user?.login !== 'string' || user.login === '') throw new MalformedReplyError(`user ${index + 1} has no login`);
      return user.login;
    })
    .sort(compareStrings);
}

async function readWebhooks(octokit: GitHubClient, org: string): Promise<WebhookEvidence[]> {
  const hooks = await octokit.paginate(octokit.rest.orgs.listWebhooks, { org, ...PAGE }, guardedPages(`GET /orgs/${org}/hooks`));
  return hooks
    .map((hook) => {
      const config = (hook.config ?? {}) as Record<string, unknown>;
      const rawUrl = typeof config['url'] === 'string' ? config['url'] : '';
      const url = withoutCredentials(rawUrl);
      return {
        id: hook.id,
        url,
        https: url.startsWith('https://'),
        // insecure_ssl is "0" or "1" (a number in some older replies).
        sslVerification: String(config['insecure_ssl'] ?? '0') === '0',
        secretSet: typeof config['secret'] === 'string' && config['secret'] !== '',
        active: hook.active === true,
        contentType: typeof config['content_type'] === 'string' ? config['content_type'] : null,
        events: [...(hook.events ?? [])].sort(compareStrings),
      } satisfies WebhookEvidence;
    })
    .sort((a, b) => a.id - b.id);
}

async function readTeams(octokit: GitHubClient, org: string, signal: AbortSignal): Promise<TeamEvidence[]> {
  const teams = await octokit.paginate(octokit.rest.teams.list, { org, ...PAGE }, guardedPages(`GET /orgs/${org}/teams`));
  const withRepos = await Promise.all(
    teams.map(async (team) => {
      signal.throwIfAborted();
      const repos = await octokit.paginate(
        octokit.rest.teams.listReposInOrg,
        { org, team_slug: team.slug, ...PAGE },
        guardedPages(`GET /orgs/${org}/teams/${team.slug}/repos`),
      );
      return {
        slug: team.slug,
        name: team.name,
        privacy: team.privacy ?? null,
        parent: team.parent?.slug ?? null,
        repositories: repos.map((repo) => ({ name: repo.name, permission: teamPermission(repo) })).sort((a, b) => compareStrings(a.name, b.name)),
      } satisfies TeamEvidence;
    }),
  );
  return withRepos.sort((a, b) => compareStrings(a.slug, b.slug));
}

/** The base level of a repository permission from its REST flags (admin, maintain, push, triage, pull). */
export function basePermission(flags: Partial<Record<'admin' | 'maintain' | 'push' | 'triage' | 'pull', boolean>> | undefined): string {
  const p = flags ?? {};
  if (p.admin) return 'admin';
  if (p.maintain) return 'maintain';
  if (p.push) return 'write';
  if (p.triage) return 'triage';
  return p.pull ? 'read' : 'none';
}

/** The team's role on a repository: role_name when given, else the highest permission flag. */
function teamPermission(repo: { role_name?: string; permissions?: Partial<Record<'admin' | 'maintain' | 'push' | 'triage' | 'pull', boolean>> }): string {
  return repo.role_name || basePermission(repo.permissions);
}

const booleanOrNull = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
