// Evidence of who may do what: each outside collaborator with their permission on every repository,
// each repository's administrators (owners, outside collaborators marked), the GitHub Actions token
// settings of the organization and its repositories, and the organization's SAML single sign-on.
// What could not be read is a resource error of its type, never a document that looks complete.
import type { EvidenceItem, ResourceError } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';
import type { RepositoryAccessReads } from './access-reads.js';
import type { ActionsReads } from './actions-reads.js';
import type { Outcome } from './errors.js';
import type { OrgReads } from './org-reads.js';
import type { ListedRepository } from './repo-reads.js';
import { EVIDENCE, EVIDENCE_SCHEMA_VERSION, OUTSIDE_COLLABORATOR_SCHEMA_VERSION, resourceIds } from './schema.js';
import type { ActionsPermissionsEvidence, Built, OutsideCollaboratorEvidence, RepositoryAccessEvidence, RepositoryPermission, SsoEvidence } from './schema.js';
import type { SsoRead } from './sso-reads.js';

const ALL = (org: string) => `${org}/*`;
const doc = (type: string, resourceId: string, data: unknown, schemaVersion = EVIDENCE_SCHEMA_VERSION): EvidenceItem => ({
  type,
  resourceId,
  schemaVersion,
  data,
});
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function accessEvidence(org: string, orgReads: OrgReads, listing: Outcome<ListedRepository[]>, access: RepositoryAccessReads | null): Built {
  const evidence: EvidenceItem[] = [];
  const errors: ResourceError[] = [];
  const repositories = listing.ok ? listing.value : null;

  const outsiders = orgReads.outsideCollaborators;
  if (outsiders.ok) {
    for (const login of outsiders.value) {
      const held: RepositoryPermission[] = [];
      const unread: string[] = [];
      for (const repo of repositories ?? []) {
        const read = access?.outside.get(repo.name);
        if (!read?.ok) {
          unread.push(repo.name);
          continue;
        }
        const grant = read.value.find((c) => same(c.login, login));
        if (grant) held.push({ name: repo.name, permission: grant.permission, role: grant.role });
      }
      const data: OutsideCollaboratorEvidence = { login, repositories: repositories ? held : null, unreadRepositories: unread };
      evidence.push(doc(EVIDENCE.outsideCollaborator, resourceIds.member(org, login), data, OUTSIDE_COLLABORATOR_SCHEMA_VERSION));
    }
  } else {
    errors.push({ type: EVIDENCE.outsideCollaborator, resourceId: ALL(org), error: outsiders.reason });
  }

  if (!repositories) {
    if (!listing.ok) errors.push({ type: EVIDENCE.repositoryAccess, resourceId: ALL(org), error: listing.reason });
    return { evidence, errors };
  }
  for (const repo of repositories) {
    const id = resourceIds.repository(org, repo.name);
    const admins = access?.admins.get(repo.name);
    // Telling an owner's standing admin from a granted one needs the owner list.
    const owners = orgReads.owners;
    if (!admins?.ok || !owners.ok) {
      const reason = !admins ? `${id}: not read` : !admins.ok ? admins.reason : (owners as { reason: string }).reason;
      errors.push({ type: EVIDENCE.repositoryAccess, resourceId: id, error: reason });
      continue;
    }
    const outside = outsiders.ok ? outsiders.value : [];
    const data: RepositoryAccessEvidence = {
      name: repo.name,
      admins: admins.value.map((a) => ({
        login: a.login,
        role: a.role,
        owner: owners.value.some((o) => same(o, a.login)),
        outside: outside.some((o) => same(o, a.login)),
      })),
    };
    evidence.push(doc(EVIDENCE.repositoryAccess, id, data));
  }
  return { evidence, errors };
}

export function actionsEvidence(org: string, listing: Outcome<ListedRepository[]>, actions: ActionsReads): Built {
  const evidence: EvidenceItem[] = [];
  const errors: ResourceError[] = [];
  const { enabled, organization } = actions;
  const off = (scope: ActionsPermissionsEvidence['scope'], name: string): ActionsPermissionsEvidence => ({
    scope,
    name,
    actionsEnabled: false,
    defaultWorkflowPermissions: null,
    canApprovePullRequestReviews: null,
  });

  if (!enabled.ok || (enabled.value !== 'none' && !organization.ok)) {
    errors.push({ type: EVIDENCE.actionsPermissions, resourceId: org, error: enabled.ok ? (organization as { reason: string }).reason : enabled.reason });
  } else if (enabled.value === 'none') {
    evidence.push(doc(EVIDENCE.actionsPermissions, org, off('organization', org)));
  } else if (organization.ok) {
    const data: ActionsPermissionsEvidence = { scope: 'organization', name: org, actionsEnabled: true, ...organization.value };
    evidence.push(doc(EVIDENCE.actionsPermissions, org, data));
  }

  if (!listing.ok) {
    errors.push({ type: EVIDENCE.actionsPermissions, resourceId: ALL(org), error: listing.reason });
    return { evidence, errors };
  }
  for (const repo of listing.value) {
    const id = resourceIds.repository(org, repo.name);
    if (!enabled.ok) {
      errors.push({ type: EVIDENCE.actionsPermissions, resourceId: id, error: enabled.reason });
      continue;
    }
    const read = actions.repositories.get(repo.name);
    if (!read) {
      evidence.push(doc(EVIDENCE.actionsPermissions, id, off('repository', repo.name)));
    } else if (read.ok) {
      const data: ActionsPermissionsEvidence = { scope: 'repository', name: repo.name, actionsEnabled: true, ...read.value };
      evidence.push(doc(EVIDENCE.actionsPermissions, id, data));
    } else {
      errors.push({ type: EVIDENCE.actionsPermissions, resourceId: id, error: read.reason });
    }
  }
  return { evidence, errors };
}

/** `sso` is null when nothing was asked because the plan offers no SAML SSO. */
export function ssoEvidence(org: string, reads: OrgReads, sso: Outcome<SsoRead> | null): Built {
  if (sso && !sso.ok) return { evidence: [], errors: [{ type: EVIDENCE.sso, resourceId: resourceIds.sso(org), error: sso.reason }] };
  const read = sso?.value ?? null;
  let without: string[] | null = null;
  if (read?.identityProvider && reads.members.ok) {
    const members = new Set([...reads.members.value, ...(reads.owners.ok ? reads.owners.value : [])]);
    const linked = new Set(read.linked.map((l) => l.toLowerCase()));
    without = [...members].filter((m) => !linked.has(m.toLowerCase())).sort(compareStrings);
  }
  const data: SsoEvidence = {
    login: org,
    plan: reads.plan,
    identityProvider: read?.identityProvider ?? null,
    membersWithoutIdentity: without,
    linkedMembers: read?.linked.length ?? 0,
  };
  return { evidence: [doc(EVIDENCE.sso, resourceIds.sso(org), data)], errors: [] };
}
