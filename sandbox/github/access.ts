// Who may do what in the simulated organization, beyond teams: repository collaborators (owners are
// admin everywhere; a few people and one contractor were made admin of platform repositories; the
// outside collaborators' grants), the GitHub Actions settings (the organization lets workflows approve
// pull requests, which is how the Actions bot came to approve one; the deploy repository keeps write
// tokens), and SAML single sign-on (set up on Enterprise Cloud, not enforced: two recent joiners never
// linked their identity). Each is one of the demo's findings.
import { userJson } from './people.js';
import type { People, Person } from './people.js';
import { SPECIAL_REPOSITORIES } from './repositories.js';
import type { RepositorySpec } from './repositories.js';
import { PERMISSIONS_OF_ROLE } from './teams.js';
import type { RepositoryRole } from './teams.js';

/** People made admin of a repository directly: four on the deploy tools (more than three), one on the config, one on the runners. */
const DIRECT_ADMINS: Record<string, readonly string[]> = {
  [SPECIAL_REPOSITORIES.mixed]: ['omar-haddad', 'kwame-mensah', 'sofia-lund', 'ethan-wu'],
  [SPECIAL_REPOSITORIES.rulesetOnly]: ['omar-haddad'],
  [SPECIAL_REPOSITORIES.writeDeployKey]: ['kwame-mensah'],
};

/** What each outside collaborator holds: a consultant writes to the web app; a contractor administers the CI runners. */
export const OUTSIDE_GRANTS: Record<string, Record<string, RepositoryRole>> = {
  'jlee-consulting': { [SPECIAL_REPOSITORIES.classic]: 'write' },
  'avasquez-contractor': { [SPECIAL_REPOSITORIES.writeDeployKey]: 'admin', [SPECIAL_REPOSITORIES.noCodeowners]: 'read' },
};

/** Members who joined after SAML SSO was set up and never signed in through it (it is not enforced). */
export const MEMBERS_WITHOUT_SAML_IDENTITY = ['ethan-wu', 'fatima-zahra'];

/** The organization's base permission: every member reads every repository. */
const BASE_ROLE: RepositoryRole = 'read';

interface Grant {
  person: Person;
  role: RepositoryRole;
  /** Where the access comes from: the owner role, a grant on the repository, the base permission. */
  source: 'owner' | 'direct' | 'base' | 'outside';
}

function grantsOn(people: People, repo: RepositorySpec): Grant[] {
  const direct = new Set(DIRECT_ADMINS[repo.name] ?? []);
  const members = people.members.map((person): Grant => {
    if (person.owner) return { person, role: 'admin', source: 'owner' };
    return direct.has(person.login) ? { person, role: 'admin', source: 'direct' } : { person, role: BASE_ROLE, source: 'base' };
  });
  const outside = people.outsideCollaborators.flatMap((person): Grant[] => {
    const role = OUTSIDE_GRANTS[person.login]?.[repo.name];
    return role ? [{ person, role, source: 'outside' }] : [];
  });
  return [...members, ...outside];
}

const FLAG_OF_PERMISSION: Record<string, keyof (typeof PERMISSIONS_OF_ROLE)['read']> = {
  pull: 'pull',
  triage: 'triage',
  push: 'push',
  maintain: 'maintain',
  admin: 'admin',
};

/**
 * GET /repos/{owner}/{repo}/collaborators: affiliation outside|direct|all; permission keeps those whose
 * permissions include that level (the flags are cumulative: admin implies the rest).
 */
export function collaboratorsJson(people: People, repo: RepositorySpec, query: URLSearchParams): Record<string, unknown>[] | null {
  const affiliation = query.get('affiliation') ?? 'all';
  const permission = query.get('permission');
  if (!['outside', 'direct', 'all'].includes(affiliation)) return null;
  const flag = permission === null ? null : FLAG_OF_PERMISSION[permission];
  if (flag === undefined) return null;
  return grantsOn(people, repo)
    .filter((g) => (affiliation === 'outside' ? g.source === 'outside' : affiliation === 'direct' ? g.source === 'outside' || g.source === 'direct' : true))
    .filter((g) => flag === null || PERMISSIONS_OF_ROLE[g.role][flag])
    .sort((a, b) => a.person.id - b.person.id)
    .map((g) => ({ ...userJson(g.person), permissions: PERMISSIONS_OF_ROLE[g.role], role_name: g.role }));
}

/** GET /orgs/{org}/actions/permissions: Actions may run in every repository. */
export const actionsPolicyJson = (): Record<string, unknown> => ({ enabled_repositories: 'all', allowed_actions: 'all', sha_pinning_required: false });

/** GET /orgs/{org}/actions/permissions/workflow: read-only tokens, but workflows may approve pull requests. */
export const organizationWorkflowJson = (): Record<string, unknown> => ({ default_workflow_permissions: 'read', can_approve_pull_request_reviews: true });

/**
 * GET /repos/{owner}/{repo}/actions/permissions/workflow: repositories turned approvals off, but the
 * marketing site (where the bot approved) and the deploy tools, which also keep write tokens for their
 * release tags.
 */
export function repositoryWorkflowJson(repo: RepositorySpec): Record<string, unknown> {
  if (repo.name === SPECIAL_REPOSITORIES.mixed) return { default_workflow_permissions: 'write', can_approve_pull_request_reviews: true };
  return { default_workflow_permissions: 'read', can_approve_pull_request_reviews: repo.name === SPECIAL_REPOSITORIES.unprotected };
}

/** The members a SAML identity is linked to, by join order (GitHub lists external identities so). */
export const linkedMembers = (people: People): Person[] => people.members.filter((p) => !MEMBERS_WITHOUT_SAML_IDENTITY.includes(p.login));
