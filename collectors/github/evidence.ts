// Turns the reads of one organization into evidence documents (sorted, so an unchanged org yields
// identical documents) and resource errors for what could not be read.
import type { EvidenceItem, ResourceError } from '../../src/collector.js';
import type { Outcome } from './errors.js';
import type { OrgReads } from './org-reads.js';
import type { RepositoryReads } from './repo-reads.js';
import { EVIDENCE, EVIDENCE_SCHEMA_VERSION, resourceIds } from './schema.js';
import type { Built, MemberEvidence, OrgEvidence, RepositoryEvidence } from './schema.js';

/** Resource errors of a list that could not be read at all name the list: `<org>/*`. */
const ALL = (org: string) => `${org}/*`;

const doc = (type: string, resourceId: string, data: unknown): EvidenceItem => ({ type, resourceId, schemaVersion: EVIDENCE_SCHEMA_VERSION, data });

export function orgEvidence(org: string, reads: OrgReads): Built {
  const evidence: EvidenceItem[] = [];
  const errors: ResourceError[] = [];
  const fail = (type: string, resourceId: string, outcome: Outcome<unknown>) => {
    if (!outcome.ok) errors.push({ type, resourceId, error: outcome.reason });
  };

  // The org document needs its settings and its owners; without either it is an error, not a guess.
  if (reads.settings.ok && reads.owners.ok) {
    const data: OrgEvidence = {
      login: org,
      ...reads.settings.value,
      owners: reads.owners.value,
      membersWithoutTwoFactor: reads.withoutTwoFactor.ok ? reads.withoutTwoFactor.value : null,
    };
    evidence.push(doc(EVIDENCE.org, resourceIds.org(org), data));
  } else {
    fail(EVIDENCE.org, resourceIds.org(org), reads.settings.ok ? reads.owners : reads.settings);
  }

  if (reads.members.ok) {
    const owners = new Set(reads.owners.ok ? reads.owners.value : []);
    const without = reads.withoutTwoFactor.ok ? new Set(reads.withoutTwoFactor.value) : null;
    for (const login of new Set([...reads.members.value, ...owners])) {
      const data: MemberEvidence = {
        login,
        role: owners.has(login) ? 'owner' : 'member',
        twoFactorEnabled: without ? !without.has(login) : null,
      };
      evidence.push(doc(EVIDENCE.member, resourceIds.member(org, login), data));
    }
  } else {
    fail(EVIDENCE.member, ALL(org), reads.members);
  }

  // Outside collaborators, with their permission on each repository: access-evidence.ts.

  if (reads.webhooks.ok) {
    for (const hook of reads.webhooks.value) evidence.push(doc(EVIDENCE.webhook, resourceIds.webhook(org, hook.id), hook));
  } else {
    fail(EVIDENCE.webhook, ALL(org), reads.webhooks);
  }

  if (reads.teams.ok) {
    for (const team of reads.teams.value) evidence.push(doc(EVIDENCE.team, resourceIds.team(org, team.slug), team));
  } else {
    fail(EVIDENCE.team, ALL(org), reads.teams);
  }
  return { evidence, errors };
}

export function repositoryEvidence(org: string, listing: Outcome<unknown>, reads: RepositoryReads | null): Built {
  const evidence: EvidenceItem[] = [];
  const errors: ResourceError[] = [];
  if (!listing.ok || !reads) {
    if (!listing.ok) errors.push({ type: EVIDENCE.repository, resourceId: ALL(org), error: listing.reason });
    return { evidence, errors };
  }
  for (const repo of reads.repositories) {
    const id = resourceIds.repository(org, repo.name);
    const details = reads.details.get(repo.name);
    const protection = reads.protection.get(repo.name);
    const empty = protection?.ok === true && protection.value === null;
    const data: RepositoryEvidence = {
      name: repo.name,
      visibility: repo.visibility,
      defaultBranch: empty ? null : repo.defaultBranch,
      secretScanning: repo.secretScanning,
      secretScanningPushProtection: repo.secretScanningPushProtection,
      dependabotAlerts: details?.ok ? details.value.dependabotAlerts : null,
      codeowners: details?.ok ? details.value.codeowners : null,
      deployKeys: details?.ok ? details.value.deployKeys : [],
      // An empty repository has no default branch: nothing to protect yet.
      protection: protection?.ok ? (protection.value ?? { classic: null, rules: [] }) : repo.defaultBranch === null ? { classic: null, rules: [] } : null,
    };
    evidence.push(doc(EVIDENCE.repository, id, data));
    if (details && !details.ok) errors.push({ type: EVIDENCE.repositoryDetails, resourceId: id, error: details.reason });
    if (protection && !protection.ok) errors.push({ type: EVIDENCE.repositoryProtection, resourceId: id, error: protection.reason });
  }
  return { evidence, errors };
}
