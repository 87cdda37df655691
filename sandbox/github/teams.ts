// The teams of the organization and what each reaches: everyone in engineering reads every live
// repository; backend, frontend (both under engineering) and platform hold the repositories of their
// area with write or admin access.
import { between, legacyNodeId } from './chance.js';
import type { RepositorySpec } from './repositories.js';
import { API_ROOT, SANDBOX_ORG, WEB_ROOT } from './urls.js';

export type RepositoryRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface TeamSpec {
  slug: string;
  name: string;
  description: string;
  parent: string | null;
  /** The team's role on a repository, or null when it has none. */
  roleOn(repo: RepositorySpec): RepositoryRole | null;
}

export const TEAMS: readonly TeamSpec[] = [
  {
    slug: 'engineering',
    name: 'Engineering',
    description: 'Everyone who ships code',
    parent: null,
    roleOn: (repo) => (repo.archived ? null : 'read'),
  },
  {
    slug: 'backend',
    name: 'Backend',
    description: 'Services, APIs and data pipelines',
    parent: 'engineering',
    roleOn: (repo) => (repo.area === 'backend' || repo.area === 'data' ? (repo.archived ? 'read' : 'write') : null),
  },
  {
    slug: 'frontend',
    name: 'Frontend',
    description: 'Web and marketing sites',
    parent: 'engineering',
    roleOn: (repo) => (repo.area === 'frontend' && !repo.archived ? 'write' : null),
  },
  {
    slug: 'platform',
    name: 'Platform',
    description: 'CI, deployment and infrastructure',
    parent: null,
    roleOn: (repo) => (repo.archived ? null : repo.area === 'platform' ? 'admin' : repo.area === 'backend' ? 'maintain' : null),
  },
];

const teamId = (seed: number, index: number) => 5_100_000 + index * 613_007 + between(seed, `team-id:${index}`, 0, 9_999);

function teamCore(seed: number, orgId: number, index: number): Record<string, unknown> {
  const team = TEAMS[index]!;
  const id = teamId(seed, index);
  const url = `${API_ROOT}/organizations/${orgId}/team/${id}`;
  return {
    name: team.name,
    id,
    node_id: legacyNodeId('Team', id),
    slug: team.slug,
    description: team.description,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    url,
    html_url: `${WEB_ROOT}/orgs/${SANDBOX_ORG}/teams/${team.slug}`,
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    permission: 'pull',
  };
}

/** GET /orgs/{org}/teams, by name. */
export function teamsJson(seed: number, orgId: number): Record<string, unknown>[] {
  const byName = TEAMS.map((team, index) => ({ team, index })).sort((a, b) => (a.team.name < b.team.name ? -1 : 1));
  return byName.map(({ team, index }) => {
    const parentIndex = TEAMS.findIndex((t) => t.slug === team.parent);
    return { ...teamCore(seed, orgId, index), parent: parentIndex >= 0 ? teamCore(seed, orgId, parentIndex) : null };
  });
}

export const PERMISSIONS_OF_ROLE: Record<RepositoryRole, Record<'admin' | 'maintain' | 'push' | 'triage' | 'pull', boolean>> = {
  admin: { admin: true, maintain: true, push: true, triage: true, pull: true },
  maintain: { admin: false, maintain: true, push: true, triage: true, pull: true },
  write: { admin: false, maintain: false, push: true, triage: true, pull: true },
  triage: { admin: false, maintain: false, push: false, triage: true, pull: true },
  read: { admin: false, maintain: false, push: false, triage: false, pull: true },
};

/** The repositories a team reaches, by name, with its role; null for an unknown team. */
export function teamRepositories(slug: string, repositories: readonly RepositorySpec[]): { repo: RepositorySpec; role: RepositoryRole }[] | null {
  const team = TEAMS.find((t) => t.slug === slug.toLowerCase());
  if (!team) return null;
  return repositories
    .flatMap((repo) => {
      const role = team.roleOn(repo);
      return role ? [{ repo, role }] : [];
    })
    .sort((a, b) => (a.repo.name < b.repo.name ? -1 : a.repo.name > b.repo.name ? 1 : 0));
}
