// One collection of one GitHub organization: its settings and people, its repositories with the
// protection of their default branches, and the merged changes since the last read. A part that
// cannot be read becomes a resource error (or an incomplete window); bad credentials or an unknown
// organization fail the run.
import type { CollectContext, CollectResult, EvidenceItem } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';
import { accessEvidence, actionsEvidence, ssoEvidence } from './access-evidence.js';
import { readRepositoryAccess } from './access-reads.js';
import { readActions } from './actions-reads.js';
import type { BranchRequirements } from './change-data.js';
import { readChanges } from './change-reads.js';
import { effectiveProtection, pullRequestLayers } from './checks/effective-protection.js';
import { createGitHubSession } from './client.js';
import { settle } from './errors.js';
import { orgEvidence, repositoryEvidence } from './evidence.js';
import { readOrg } from './org-reads.js';
import { listRepositories, readRepositories } from './repo-reads.js';
import type { RepositoryReads } from './repo-reads.js';
import { EVIDENCE, EVIDENCE_SCHEMA_VERSION, orgSchema, PARTITIONS, resourceIds } from './schema.js';
import type { BranchProtection, ChangesEvidence, GitHubOptions, GitHubOrg } from './schema.js';
import { planWithoutSso, readSso } from './sso-reads.js';

/** Statuses of the organization read that mean nothing else can be read either. */
const FATAL_STATUSES = new Set([401, 404]);

export async function collectGitHub(ctx: CollectContext<GitHubOptions>): Promise<CollectResult> {
  const org = orgSchema.parse(ctx.scope.settings) as GitHubOrg;
  const { octokit, counts } = createGitHubSession(ctx, ctx.clientEnvironment.github);
  const { signal } = ctx;

  const orgReads = await readOrg(octokit, org.login, signal);
  if (!orgReads.settings.ok && orgReads.settings.status !== null && FATAL_STATUSES.has(orgReads.settings.status)) {
    throw new Error(`${orgReads.settings.reason} (check the token and the organization login)`);
  }
  const listing = await settle(`GET /orgs/${org.login}/repos`, listRepositories(octokit, org), signal);
  const repos: RepositoryReads | null = listing.ok ? await readRepositories(octokit, org, listing.value, signal) : null;
  const listed = listing.ok ? listing.value : null;
  const [access, actions, sso] = await Promise.all([
    listed
      ? readRepositoryAccess(octokit, org.login, listed, !(orgReads.outsideCollaborators.ok && orgReads.outsideCollaborators.value.length === 0), signal)
      : null,
    readActions(octokit, org.login, listed, signal),
    // SAML SSO is offered on GitHub Enterprise Cloud only: on another plan there is nothing to ask.
    planWithoutSso(orgReads.plan) ? null : settle(`GraphQL EvidenceOrganizationSso for ${org.login}`, readSso(octokit, org.login, signal), signal),
  ]);

  const parts = [
    orgEvidence(org.login, orgReads),
    repositoryEvidence(org.login, listing, repos),
    accessEvidence(org.login, orgReads, listing, access),
    actionsEvidence(org.login, listing, actions),
    ssoEvidence(org.login, orgReads, sso),
  ];
  const evidence: EvidenceItem[] = parts.flatMap((p) => p.evidence);
  const errors = parts.flatMap((p) => p.errors);

  let events: CollectResult['events'];
  let windows: CollectResult['windows'];
  let graphqlChangeQueries = 0;
  if (ctx.options.changes.enabled) {
    const requirements = (repo: string) => branchRequirements(repos?.protection.get(repo));
    const changes = await readChanges(octokit, org, listing.ok ? listing.value : null, requirements, ctx.watermarks, ctx.now(), ctx.options.changes, signal);
    events = changes.events;
    windows = changes.windows;
    graphqlChangeQueries = changes.queries;
    const failed = Object.values(changes.failures);
    if (failed.length === 0) {
      const data: ChangesEvidence = { login: org.login, partitions: Object.values(PARTITIONS).sort(compareStrings) };
      evidence.push({ type: EVIDENCE.changes, resourceId: resourceIds.changes(org.login), schemaVersion: EVIDENCE_SCHEMA_VERSION, data });
    } else {
      errors.push({ type: EVIDENCE.changes, resourceId: resourceIds.changes(org.login), error: failed.join('; ') });
    }
  }
  signal.throwIfAborted();

  evidence.sort((a, b) => compareStrings(a.type, b.type) || compareStrings(a.resourceId, b.resourceId));
  errors.sort((a, b) => compareStrings(a.type, b.type) || compareStrings(a.resourceId, b.resourceId));
  if (errors.length > 0) ctx.logger.warn({ org: org.login, errors: errors.length, first: errors[0] }, 'github: some resources could not be read');
  ctx.logger.info(
    { org: org.login, requests: counts.requests, charged: counts.charged, notModified: counts.notModified, rateLimited: counts.rateLimited },
    'github: collected',
  );
  return {
    evidence,
    errors,
    ...(events ? { events, windows } : {}),
    meta: {
      org: org.login,
      repositories: repos?.repositories.length ?? null,
      requests: counts.requests,
      // What GitHub charged against the rate limit: every reply but the 304s and rate-limit refusals (GraphQL included).
      chargedRequests: counts.charged,
      // What GitHub refused for a rate limit (each retried, or the read failed).
      rateLimitedRequests: counts.rateLimited,
      notModified: counts.notModified,
      rateLimitRemaining: counts.rateLimitRemaining,
      graphqlChangeQueries,
      graphqlSsoQueries: sso?.ok ? sso.value.queries : 0,
      ...(events ? { events: events.length } : {}),
    },
  };
}

/** The checks and approvals the default branch requires (all layers together); null when unknown. */
function branchRequirements(protection: { ok: true; value: BranchProtection | null } | { ok: false } | undefined): BranchRequirements | null {
  if (!protection?.ok || protection.value === null) return null;
  const effective = effectiveProtection(protection.value);
  return {
    requiredChecks: effective.requiredChecks,
    requiredApprovals: effective.pullRequestRequired ? effective.requiredApprovals : 0,
    requiredApprovalsFrom: pullRequestLayers(protection.value),
  };
}
