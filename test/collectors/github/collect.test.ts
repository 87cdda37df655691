// The github collector against nock, through the real Octokit (REST with Link pagination and ETags,
// GraphQL): the org's settings (a recorded @octokit/fixtures reply), people, webhooks and teams; each
// repository's default-branch protection (classic, ruleset only, none, 403 for a missing permission);
// retry after a secondary rate limit; 304 answers from the stored validators; and the merged changes
// with the review edge cases the per-change checks judge.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubChecks } from '../../../collectors/github/checks/index.js';
import { collectGitHub } from '../../../collectors/github/collect.js';
import { github } from '../../../collectors/github/index.js';
import { withoutCredentials } from '../../../collectors/github/bare-url.js';
import { githubOptionsSchema } from '../../../collectors/github/schema.js';
import type { GitHubOptions, OrgEvidence, RepositoryEvidence, WebhookEvidence } from '../../../collectors/github/schema.js';
import type { CollectResult, EvidenceItem } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { contextFor, memoryHttpCache } from '../../helpers/collect-context.js';
import { FIXTURE_ORG as ORG, FIXTURE_TOKEN as TOKEN, replayRecorded } from '../../helpers/github-fixtures.js';

const API = 'https://api.github.com';
const NOW = new Date('2026-01-10T00:00:00Z');
type Json = nock.Body;
const json = (name: string): Json => JSON.parse(readFileSync(new URL(`../../fixtures/github/${name}`, import.meta.url), 'utf8'));
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** A REST GET with the token; `query` must match exactly (Octokit adds per_page to paginated lists). */
function get(path: string, query: Record<string, string> | true = true) {
  return nock(API).matchHeader('authorization', `token ${TOKEN}`).get(path).query(query);
}

const link = (path: string, page: number, last: number) =>
  `<${API}${path}?per_page=100&page=${page}>; rel="next", <${API}${path}?per_page=100&page=${last}>; rel="last"`;

/** A GraphQL operation, told apart by its name. */
function graphql(operation: string, matches: (variables: Record<string, unknown>) => boolean = () => true) {
  return nock(API)
    .matchHeader('authorization', `token ${TOKEN}`)
    .post('/graphql', (body: { query: string; variables: Record<string, unknown> }) => body.query.includes(`query ${operation}`) && matches(body.variables));
}

function mockOrg(twoFactorFilter: 'owner' | 'not-owner' = 'owner') {
  replayRecorded('get-organization');
  get(`/orgs/${ORG}/members`, { role: 'admin', per_page: '100' }).reply(200, json('members-admins.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/members`, { role: 'all', per_page: '100' }).reply(200, json('members-page-1.json'), {
    ...JSON_HEADERS,
    link: `<${API}/organizations/1000/members?role=all&per_page=100&page=2>; rel="next", <${API}/organizations/1000/members?role=all&per_page=100&page=2>; rel="last"`,
  });
  nock(API).get('/organizations/1000/members').query({ role: 'all', per_page: '100', page: '2' }).reply(200, json('members-page-2.json'), JSON_HEADERS);
  if (twoFactorFilter === 'owner')
    get(`/orgs/${ORG}/members`, { filter: '2fa_disabled', per_page: '100' }).reply(200, json('members-2fa-disabled.json'), JSON_HEADERS);
  else get(`/orgs/${ORG}/members`, { filter: '2fa_disabled', per_page: '100' }).reply(422, json('error-2fa-filter-owners-only.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/outside_collaborators`, { per_page: '100' }).reply(200, json('outside-collaborators.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/hooks`, { per_page: '100' }).reply(200, json('hooks.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/teams`, { per_page: '100' }).reply(200, json('teams.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/teams/platform/repos`, { per_page: '100' }).reply(200, json('team-platform-repos.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/teams/platform-oncall/repos`, { per_page: '100' }).reply(200, json('team-platform-oncall-repos.json'), JSON_HEADERS);
}

function mockRepositories(skip: { infraRules?: boolean } = {}) {
  get(`/orgs/${ORG}/repos`, { type: 'all', per_page: '100' }).reply(200, json('repos-page-1.json'), {
    ...JSON_HEADERS,
    link: link(`/organizations/1000/repos`, 2, 2).replaceAll('?per_page', '?type=all&per_page'),
  });
  nock(API).get('/organizations/1000/repos').query({ type: 'all', per_page: '100', page: '2' }).reply(200, json('repos-page-2.json'), JSON_HEADERS);
  graphql('EvidenceRepositoryDetails', (v) => v['org'] === ORG && v['after'] === null).reply(200, json('graphql-repository-details.json'), JSON_HEADERS);
  // api: classic protection.
  get(`/repos/${ORG}/api/branches/main`).reply(200, json('branch-api-main.json'), JSON_HEADERS);
  get(`/repos/${ORG}/api/branches/main/protection`).reply(200, json('protection-api-main.json'), JSON_HEADERS);
  get(`/repos/${ORG}/api/rules/branches/main`, { per_page: '100' }).reply(200, [], JSON_HEADERS);
  // branch-protection: protected by an organization ruleset only; classic protection is the recorded 404.
  get(`/repos/${ORG}/branch-protection/branches/main`).reply(200, json('branch-branch-protection-main.json'), JSON_HEADERS);
  replayRecorded('branch-protection', (index) => index === 0);
  get(`/repos/${ORG}/branch-protection/rules/branches/main`, { per_page: '100' }).reply(200, json('rules-branch-protection-main.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/rulesets/73`).reply(200, json('org-ruleset-73.json'), JSON_HEADERS);
  // docs: nothing protects it.
  get(`/repos/${ORG}/docs/branches/main`).reply(200, json('branch-docs-main.json'), JSON_HEADERS);
  // infra: the app lacks Administration: read.
  get(`/repos/${ORG}/infra/branches/main`).reply(200, json('branch-infra-main.json'), JSON_HEADERS);
  get(`/repos/${ORG}/infra/branches/main/protection`).reply(403, json('error-forbidden-integration.json'), {
    ...JSON_HEADERS,
    'x-accepted-github-permissions': 'administration=read',
  });
  if (!skip.infraRules) get(`/repos/${ORG}/infra/rules/branches/main`, { per_page: '100' }).reply(200, [], JSON_HEADERS);
  mockAccessAndActions();
}

/**
 * Who administers each repository and the outside collaborators' permission on it; the Actions policy
 * (three selected repositories) and the workflow token settings of the org and of those repositories.
 */
function mockAccessAndActions() {
  const outside = { affiliation: 'outside', per_page: '100' };
  const admins = { affiliation: 'all', permission: 'admin', per_page: '100' };
  get(`/repos/${ORG}/api/collaborators`, outside).reply(200, json('collaborators-outside-api.json'), JSON_HEADERS);
  get(`/repos/${ORG}/api/collaborators`, admins).reply(200, json('collaborators-admins-api.json'), JSON_HEADERS);
  get(`/repos/${ORG}/branch-protection/collaborators`, outside).reply(200, json('collaborators-outside-branch-protection.json'), JSON_HEADERS);
  get(`/repos/${ORG}/branch-protection/collaborators`, admins).reply(200, json('collaborators-admins-branch-protection.json'), JSON_HEADERS);
  get(`/repos/${ORG}/docs/collaborators`, outside).reply(200, [], JSON_HEADERS);
  get(`/repos/${ORG}/docs/collaborators`, admins).reply(200, json('collaborators-admins-docs.json'), JSON_HEADERS);
  get(`/repos/${ORG}/infra/collaborators`, outside).reply(200, [], JSON_HEADERS);
  get(`/repos/${ORG}/infra/collaborators`, admins).reply(
    403,
    {
      message: 'Must have push access to view repository collaborators.',
      documentation_url: 'https://docs.github.com/rest/collaborators/collaborators#list-repository-collaborators',
      status: '403',
    },
    JSON_HEADERS,
  );
  get(`/orgs/${ORG}/actions/permissions`).reply(200, json('actions-permissions-org.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/actions/permissions/repositories`, { per_page: '100' }).reply(200, json('actions-selected-repositories.json'), JSON_HEADERS);
  get(`/orgs/${ORG}/actions/permissions/workflow`).reply(200, { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false }, JSON_HEADERS);
  get(`/repos/${ORG}/api/actions/permissions/workflow`).reply(
    200,
    { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false },
    JSON_HEADERS,
  );
  get(`/repos/${ORG}/branch-protection/actions/permissions/workflow`).reply(
    200,
    { default_workflow_permissions: 'write', can_approve_pull_request_reviews: true },
    JSON_HEADERS,
  );
  get(`/repos/${ORG}/infra/actions/permissions/workflow`).reply(403, json('error-forbidden-integration.json'), {
    ...JSON_HEADERS,
    'x-accepted-github-permissions': 'administration=read',
  });
}

/** The calls of mockAccessAndActions: 2 collaborator lists per repository, 3 org Actions reads, 3 repository workflow settings. */
const ACCESS_AND_ACTIONS_CALLS = 2 * 4 + 3 + 3;

function mockChanges() {
  graphql('EvidenceMergedPullRequests', (v) => String(v['search']).startsWith(`org:${ORG} is:pr is:merged merged:`)).reply(
    200,
    json('graphql-merged-pull-requests.json'),
    JSON_HEADERS,
  );
  // Every listed repository was pushed to within the backfill: its default branch history is read.
  graphql('EvidenceDefaultBranchCommits', (v) => v['name'] === 'api').reply(200, json('graphql-default-branch-commits-api.json'), JSON_HEADERS);
  for (const name of ['branch-protection', 'docs', 'infra']) {
    graphql('EvidenceDefaultBranchCommits', (v) => v['name'] === name).reply(
      200,
      { data: { repository: { defaultBranchRef: { name: 'main', target: { history: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } } } } } },
      JSON_HEADERS,
    );
  }
}

function collectContext(options: Record<string, unknown> = {}, httpCache = memoryHttpCache()) {
  const parsed = githubOptionsSchema.parse({
    auth: { token: TOKEN },
    orgs: [{ login: ORG, repositories: { exclude: ['sandbox-*'] } }],
    ...options,
  });
  return { ...contextFor(github, parsed, { now: NOW, clientEnvironment: { github: { retryAfterBaseMs: 1, unlimitedRate: true } }, httpCache }), httpCache };
}

const findingsOf = (result: CollectResult, options: GitHubOptions) =>
  evaluateChecks(githubChecks, result.evidence, result.errors, options, NOW, ORG, result.events ?? []).findings;
const data = <T>(result: CollectResult, type: string, id: string) =>
  result.evidence.find((e: EvidenceItem) => e.type === type && e.resourceId === id)?.data as T;

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('github collector: organization and repositories', () => {
  it('reads the org, its people, webhooks, teams and repositories, following Link pages', async () => {
    mockOrg();
    mockRepositories();
    const { ctx, apiCalls } = collectContext({ changes: { enabled: false } });
    const result = await collectGitHub(ctx);
    expect(nock.pendingMocks()).toEqual([]);

    expect(data<OrgEvidence>(result, 'github.org', ORG)).toEqual({
      login: ORG,
      twoFactorRequirementEnabled: false,
      defaultRepositoryPermission: 'read',
      membersCanCreateRepositories: true,
      membersCanCreatePublicRepositories: true,
      owners: ['hubot', 'octocat'],
      membersWithoutTwoFactor: ['zed-intern'],
    });
    expect(result.evidence.filter((e) => e.type === 'github.member').map((e) => [e.resourceId, e.data])).toEqual([
      [`${ORG}/alice-dev`, { login: 'alice-dev', role: 'member', twoFactorEnabled: true }],
      [`${ORG}/bob-ops`, { login: 'bob-ops', role: 'member', twoFactorEnabled: true }],
      [`${ORG}/hubot`, { login: 'hubot', role: 'owner', twoFactorEnabled: true }],
      [`${ORG}/octocat`, { login: 'octocat', role: 'owner', twoFactorEnabled: true }],
      [`${ORG}/zed-intern`, { login: 'zed-intern', role: 'member', twoFactorEnabled: false }],
    ]);
    const hook = data<WebhookEvidence>(result, 'github.webhook', `${ORG}/hooks/12345678`);
    // The query string (a token for the receiver) and the masked secret are not kept.
    expect(hook).toEqual({
      id: 12345678,
      url: 'https://ci.example.com/github/hook',
      https: true,
      sslVerification: true,
      secretSet: true,
      active: true,
      contentType: 'json',
      events: ['pull_request', 'push'],
    });
    expect(JSON.stringify(result.evidence)).not.toMatch(/s3cr3t|\*{8}/);
    expect(data(result, 'github.team', `${ORG}/teams/platform-oncall`)).toEqual({
      slug: 'platform-oncall',
      name: 'Platform Oncall',
      privacy: 'closed',
      parent: 'platform',
      repositories: [{ name: 'api', permission: 'write' }],
    });

    // legacy is archived, sandbox-play excluded by the config.
    expect(result.evidence.filter((e) => e.type === 'github.repository').map((e) => e.resourceId)).toEqual(
      ['api', 'branch-protection', 'docs', 'infra'].map((r) => `${ORG}/${r}`),
    );
    expect(data<RepositoryEvidence>(result, 'github.repository', `${ORG}/api`)).toMatchObject({
      visibility: 'private',
      secretScanning: 'enabled',
      dependabotAlerts: true,
      codeowners: '.github/CODEOWNERS',
      deployKeys: [{ title: 'ci-readonly', readOnly: true, createdOn: '2025-02-01' }],
      protection: {
        classic: {
          pullRequestReviews: { requiredApprovingReviewCount: 2, dismissStaleReviews: true, requireCodeOwnerReviews: true, requireLastPushApproval: false },
          requiredStatusChecks: { strict: true, contexts: ['ci/build'] },
          enforceAdmins: true,
          allowForcePushes: false,
          allowDeletions: false,
        },
        rules: [],
      },
    });
    const rulesetOnly = data<RepositoryEvidence>(result, 'github.repository', `${ORG}/branch-protection`);
    expect(rulesetOnly.protection?.classic).toBeNull();
    expect(rulesetOnly.protection?.rules.map((r) => [r.type, r.rulesetId, r.bypassActors])).toEqual([
      ['deletion', 73, [{ actorType: 'Integration', actorId: 2, bypassMode: 'always' }]],
      ['non_fast_forward', 73, [{ actorType: 'Integration', actorId: 2, bypassMode: 'always' }]],
      ['pull_request', 73, [{ actorType: 'Integration', actorId: 2, bypassMode: 'always' }]],
      ['required_status_checks', 73, [{ actorType: 'Integration', actorId: 2, bypassMode: 'always' }]],
    ]);
    expect(data<RepositoryEvidence>(result, 'github.repository', `${ORG}/docs`).protection).toEqual({ classic: null, rules: [] });
    expect(data<RepositoryEvidence>(result, 'github.repository', `${ORG}/infra`)).toMatchObject({ protection: null, secretScanning: null });
    expect(result.errors).toEqual([
      {
        type: 'github.actions-permissions',
        resourceId: `${ORG}/infra`,
        error: `GET /repos/${ORG}/infra/actions/permissions/workflow: HTTP 403: Resource not accessible by integration (needs the permission administration=read)`,
      },
      {
        type: 'github.repository-access',
        resourceId: `${ORG}/infra`,
        error: `admins of ${ORG}/infra: HTTP 403: Must have push access to view repository collaborators.`,
      },
      {
        type: 'github.repository-protection',
        resourceId: `${ORG}/infra`,
        error: `protection of ${ORG}/infra branch main: HTTP 403: Resource not accessible by integration (needs the permission administration=read)`,
      },
    ]);
    // Each collaborator's permission per repository, and each repository's admins, owners marked.
    expect(data(result, 'github.outside-collaborator', `${ORG}/contractor-kim`)).toEqual({
      login: 'contractor-kim',
      repositories: [
        { name: 'api', permission: 'write', role: 'write' },
        { name: 'branch-protection', permission: 'admin', role: 'admin' },
      ],
      unreadRepositories: [],
    });
    expect(data(result, 'github.repository-access', `${ORG}/docs`)).toEqual({
      name: 'docs',
      admins: [
        { login: 'alice-dev', role: 'admin', owner: false, outside: false },
        { login: 'hubot', role: 'admin', owner: true, outside: false },
        { login: 'octocat', role: 'admin', owner: true, outside: false },
      ],
    });
    expect(data(result, 'github.actions-permissions', ORG)).toEqual({
      scope: 'organization',
      name: ORG,
      actionsEnabled: true,
      defaultWorkflowPermissions: 'read',
      canApprovePullRequestReviews: false,
    });
    // The team plan offers no SAML SSO: nothing is asked, and the evidence says why.
    expect(data(result, 'github.org-sso', ORG)).toEqual({ login: ORG, plan: 'team', identityProvider: null, membersWithoutIdentity: null, linkedMembers: 0 });
    // The ruleset is read once however many rules cite it. 1 org + 2+1 member pages + 2FA + outside +
    // hooks + teams + 2 team repos + 2 repo pages + 1 GraphQL + api 3 + branch-protection 4 + docs 1 + infra 3,
    // then access and Actions.
    expect(apiCalls()).toBe(1 + 3 + 1 + 1 + 1 + 1 + 2 + 2 + 1 + 3 + 4 + 1 + 3 + ACCESS_AND_ACTIONS_CALLS);
    expect(result.meta).toMatchObject({ repositories: 4, requests: apiCalls(), chargedRequests: apiCalls(), rateLimitedRequests: 0, notModified: 0 });
  });

  it('judges protection from classic rules and rulesets alike, and names the missing permission', async () => {
    mockOrg();
    mockRepositories();
    const { ctx } = collectContext({ changes: { enabled: false }, thresholds: { minApprovals: 2 } });
    const result = await collectGitHub(ctx);
    const findings = findingsOf(result, ctx.options);
    const statuses = (checkId: string) =>
      Object.fromEntries(findings.filter((f) => f.checkId === checkId).map((f) => [f.resourceId.replace(`${ORG}/`, ''), f.status]));

    expect(statuses('github_repo_default_branch_protected')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'fail', infra: 'error' });
    expect(statuses('github_repo_approvals_required')).toEqual({ api: 'pass', 'branch-protection': 'fail', docs: 'fail', infra: 'error' });
    expect(statuses('github_repo_stale_approvals_dismissed')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'fail', infra: 'error' });
    expect(statuses('github_repo_status_checks_required')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'fail', infra: 'error' });
    // The org ruleset lets only an integration bypass: admins are bound.
    expect(statuses('github_repo_admins_cannot_bypass')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'fail', infra: 'error' });
    expect(statuses('github_repo_force_push_deletion_blocked')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'fail', infra: 'error' });
    expect(statuses('github_repo_secret_scanning_enabled')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'fail', infra: 'error' });
    expect(statuses('github_repo_dependabot_alerts_enabled')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'fail', infra: 'pass' });
    expect(statuses('github_repo_deploy_keys_read_only')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'pass', infra: 'fail' });
    expect(statuses('github_repo_codeowners_present')).toEqual({ api: 'pass', 'branch-protection': 'pass', docs: 'fail', infra: 'pass' });
    expect(findings.find((f) => f.checkId === 'github_repo_default_branch_protected' && f.resourceId === `${ORG}/infra`)?.message).toContain(
      'needs the permission administration=read',
    );
    expect(findings.find((f) => f.checkId === 'github_repo_default_branch_protected' && f.resourceId === `${ORG}/branch-protection`)?.message).toBe(
      `Default branch of ${ORG}/branch-protection (main) is protected by ruleset 73 (${ORG}).`,
    );
    expect(statuses('github_org_two_factor_required')).toEqual({ [ORG]: 'fail' });
    expect(statuses('github_org_owners_limited')).toEqual({ [ORG]: 'pass' });
    expect(statuses('github_org_base_permission_restricted')).toEqual({ [ORG]: 'pass' });
    expect(statuses('github_org_outside_collaborators_approved')).toEqual({ 'contractor-kim': 'fail' });
    expect(statuses('github_org_webhooks_secure')).toEqual({ 'hooks/12345678': 'pass', 'hooks/12345679': 'fail' });
    // The new access checks, each case from one collection.
    expect(statuses('github_org_outside_collaborators_not_privileged')).toEqual({ 'contractor-kim': 'fail' });
    expect(statuses('github_repo_admins_limited')).toEqual({ api: 'not_applicable', 'branch-protection': 'fail', docs: 'pass', infra: 'error' });
    expect(statuses('github_actions_workflow_permissions_restricted')).toEqual({
      [ORG]: 'pass',
      api: 'pass',
      'branch-protection': 'fail',
      docs: 'not_applicable',
      infra: 'error',
    });
    expect(statuses('github_org_saml_sso_enforced')).toEqual({ [ORG]: 'not_applicable' });
    const message = (checkId: string, id: string) => findings.find((f) => f.checkId === checkId && f.resourceId === id)?.message;
    expect(message('github_org_outside_collaborators_not_privileged', `${ORG}/contractor-kim`)).toBe(
      `Outside collaborator contractor-kim of ${ORG} holds admin on branch-protection.`,
    );
    expect(message('github_repo_admins_limited', `${ORG}/branch-protection`)).toBe(
      `${ORG}/branch-protection is administered by contractor-kim (outside collaborator) besides the owners (hubot, octocat): outside collaborators: contractor-kim.`,
    );
    expect(message('github_actions_workflow_permissions_restricted', `${ORG}/branch-protection`)).toBe(
      `Repository ${ORG}/branch-protection: workflow tokens get write permissions by default; workflows may create and approve pull requests.`,
    );
    expect(message('github_repo_admins_limited', `${ORG}/infra`)).toContain('Must have push access to view repository collaborators');
    expect(findings.find((f) => f.resourceId === `${ORG}/hooks/12345679`)?.message).toBe(
      `Webhook ${ORG}/hooks/12345679 to http://legacy.example.com/hook: not https, SSL verification off, no secret.`,
    );
  });

  it('waits out a secondary rate limit (retry-after) and counts both attempts', async () => {
    mockOrg();
    get(`/orgs/${ORG}/repos`, { type: 'all', per_page: '100' }).reply(403, json('error-secondary-rate-limit.json'), {
      ...JSON_HEADERS,
      'retry-after': '1',
      'x-ratelimit-remaining': '4990',
    });
    mockRepositories();
    const { ctx, apiCalls } = collectContext({ changes: { enabled: false } });
    const result = await collectGitHub(ctx);
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors.map((e) => e.resourceId)).toEqual([`${ORG}/infra`, `${ORG}/infra`, `${ORG}/infra`]);
    expect(apiCalls()).toBe(1 + 3 + 1 + 1 + 1 + 1 + 2 + (1 + 2) + 1 + 3 + 4 + 1 + 3 + ACCESS_AND_ACTIONS_CALLS);
  });

  it('keeps 2FA unknown, not failed, when the token may not use the owners-only filter', async () => {
    mockOrg('not-owner');
    mockRepositories();
    const { ctx } = collectContext({ changes: { enabled: false } });
    const result = await collectGitHub(ctx);
    expect(data<OrgEvidence>(result, 'github.org', ORG).membersWithoutTwoFactor).toBeNull();
    expect(result.evidence.filter((e) => e.type === 'github.member').every((e) => (e.data as { twoFactorEnabled: unknown }).twoFactorEnabled === null)).toBe(
      true,
    );
  });

  it('answers an unchanged resource from the stored body when GitHub says 304, which GitHub does not charge', async () => {
    const cache = memoryHttpCache();
    const etagged = (path: string, body: Json, query: Record<string, string> | true = true) => {
      const etag = `W/"${path.length}-etag"`;
      get(path, query).reply(200, body, { ...JSON_HEADERS, etag });
      get(path, query).matchHeader('if-none-match', etag).reply(304, '', { etag });
    };
    etagged(`/orgs/${ORG}/hooks`, json('hooks.json'), { per_page: '100' });
    const first = collectContext({}, cache);
    const { octokit } = (await import('../../../collectors/github/client.js')).createGitHubSession(first.ctx, { retryAfterBaseMs: 1 });
    const read1 = await octokit.paginate(octokit.rest.orgs.listWebhooks, { org: ORG, per_page: 100 });
    const second = (await import('../../../collectors/github/client.js')).createGitHubSession(first.ctx, { retryAfterBaseMs: 1 });
    const read2 = await second.octokit.paginate(second.octokit.rest.orgs.listWebhooks, { org: ORG, per_page: 100 });
    // The stored body keeps a webhook's URL as the evidence does, without the query string that may carry a token.
    const asStored = read1.map((hook) => ({ ...hook, config: { ...hook.config, url: withoutCredentials(String(hook.config.url)) } }));
    expect(read2).toEqual(asStored);
    expect(JSON.stringify([...cache.entries.values()])).not.toContain('s3cr3t-query-token');
    expect(second.counts).toMatchObject({ requests: 1, charged: 0, rateLimited: 0, notModified: 1 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('fails the run on bad credentials or an unknown organization', async () => {
    mockOrg();
    nock.cleanAll();
    get(`/orgs/${ORG}`).reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, JSON_HEADERS);
    nock(API).persist().get(/.*/).query(true).reply(401, { message: 'Bad credentials' }, JSON_HEADERS);
    const { ctx } = collectContext({ changes: { enabled: false } });
    await expect(collectGitHub(ctx)).rejects.toThrow(`GET /orgs/${ORG}: HTTP 401: Bad credentials (check the token and the organization login)`);
  });
});

describe('github collector: merged changes', () => {
  it('stores each merged pull request into a default branch and each direct push, judged one by one', async () => {
    mockOrg();
    mockRepositories();
    mockChanges();
    const { ctx } = collectContext();
    const result = await collectGitHub(ctx);
    expect(nock.pendingMocks()).toEqual([]);

    // #106 went to a release branch. #107 is in a repository archived since: it was still merged in the span.
    expect(result.events?.map((e) => [e.type, e.eventId])).toEqual([
      ['github.pull-request', 'api#101'],
      ['github.pull-request', 'api#102'],
      ['github.pull-request', 'branch-protection#103'],
      ['github.pull-request', 'api#104'],
      ['github.pull-request', 'api#105'],
      ['github.pull-request', 'legacy#107'],
      ['github.commit', expect.stringMatching(/^api@[0-9a-f]{40}$/)],
    ]);
    expect(result.windows).toEqual([
      { partition: 'merged-pull-requests', from: '2025-10-12T00:00:00.000Z', to: '2026-01-09T23:55:00.000Z', complete: true },
      { partition: 'default-branch-commits', from: '2025-10-12T00:00:00.000Z', to: '2026-01-09T23:55:00.000Z', complete: true },
    ]);
    const pr = (i: number) => result.events![i]!.data as { requiredChecks: string[] | null; protectionBypassed: boolean | null };
    expect(pr(0)).toMatchObject({ requiredChecks: ['ci/build'], protectionBypassed: false });
    // #104 merged with review required (decision REVIEW_REQUIRED) on a branch requiring 2 approvals.
    expect(pr(3)).toMatchObject({ protectionBypassed: true });
    // legacy is archived, so its protection was not read: unknown rather than guessed.
    expect(pr(5)).toMatchObject({ requiredChecks: null, protectionBypassed: null });

    const findings = findingsOf(result, ctx.options);
    const verdicts = (checkId: string) => findings.filter((f) => f.checkId === checkId).map((f) => [f.resourceId, f.status, f.message]);
    expect(verdicts('github_pull_request_independently_approved')).toEqual([
      ['api#101', 'pass', expect.stringContaining('approved by bob-ops, octocat on the final commit (2 of the 2 required by classic protection)')],
      ['api#102', 'fail', expect.stringContaining('approved by its author bob-ops (0 of the 2 required by classic protection); merged without the approval')],
      [
        'branch-protection#103',
        'fail',
        expect.stringContaining('approved by octocat only on an earlier commit ef0cdaa (1 commit after it not reviewed), not on the merged head d0dce8b'),
      ],
      [
        'api#104',
        'fail',
        expect.stringContaining(
          'the approval of bob-ops was dismissed (0 of the 2 required by classic protection); merged without the ' +
            'approval the branch requires (protection bypassed)',
        ),
      ],
      ['api#105', 'pass', expect.stringContaining('approved by octocat, hubot on the final commit')],
      ['legacy#107', 'fail', expect.stringContaining('no approving review (the approvals the branch required were not recorded)')],
    ]);
    expect(verdicts('github_pull_request_checks_passed').map(([id, status]) => [id, status])).toEqual([
      ['api#101', 'pass'],
      ['api#102', 'pass'],
      ['branch-protection#103', 'pass'],
      ['api#104', 'pass'],
      ['api#105', 'fail'],
      ['legacy#107', 'pass'],
    ]);
    expect(verdicts('github_pull_request_checks_passed')[4]![2]).toContain('required checks not green: ci/build (failure)');
    expect(verdicts('github_repo_direct_pushes_absent')).toEqual([
      [
        expect.stringMatching(/^api@/),
        'fail',
        expect.stringMatching(/^api@[0-9a-f]{7} "quick fix on prod" by octocat reached main at 2026-01-09T17:45:00.000Z without a pull request\.$/),
      ],
    ]);
  });

  it('records an incomplete window for the pull requests when the search fails, and keeps the rest', async () => {
    mockOrg();
    mockRepositories();
    graphql('EvidenceMergedPullRequests').reply(502, { message: 'Server Error' }, JSON_HEADERS).persist();
    for (const name of ['api', 'branch-protection', 'docs', 'infra']) {
      graphql('EvidenceDefaultBranchCommits', (v) => v['name'] === name).reply(200, { data: { repository: { defaultBranchRef: null } } }, JSON_HEADERS);
    }
    const { ctx } = collectContext();
    const result = await collectGitHub(ctx);
    nock.cleanAll();
    expect(result.windows?.map((w) => [w.partition, w.complete])).toEqual([
      ['merged-pull-requests', false],
      ['default-branch-commits', true],
    ]);
    expect(result.errors.find((e) => e.type === 'github.changes')?.error).toMatch(/^GraphQL EvidenceMergedPullRequests for octokit-fixture-org: HTTP 502/);
  });
});

describe('github collector: authentication and transport', () => {
  it('authenticates as a GitHub App installation: a signed JWT buys the installation token used for reads', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const installationToken = 'ghs_fake-installation-token-for-tests';
    nock(API)
      .matchHeader('authorization', /^bearer [\w-]+\.[\w-]+\.[\w-]+$/)
      .post('/app/installations/7654321/access_tokens')
      .reply(
        201,
        { token: installationToken, expires_at: '2026-01-10T01:00:00Z', permissions: { members: 'read' }, repository_selection: 'all' },
        JSON_HEADERS,
      );
    nock(API)
      .matchHeader('authorization', `token ${installationToken}`)
      .get(`/orgs/${ORG}/hooks`)
      .query({ per_page: '100' })
      .reply(200, json('hooks.json'), JSON_HEADERS);
    const options = githubOptionsSchema.parse({ auth: { appId: '123456', privateKey, installationId: 7654321 }, orgs: [ORG] });
    const { ctx } = contextFor(github, options, { now: NOW, clientEnvironment: { github: { retryAfterBaseMs: 1, unlimitedRate: true } } });
    const { createGitHubSession } = await import('../../../collectors/github/client.js');
    const { octokit, counts } = createGitHubSession(ctx, ctx.clientEnvironment.github);
    const hooks = await octokit.paginate(octokit.rest.orgs.listWebhooks, { org: ORG, per_page: 100 });
    expect(hooks.map((h) => h.id)).toEqual([12345678, 12345679]);
    expect(counts.requests).toBe(2);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('talks to GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql', async () => {
    const ghes = 'https://github.example.com';
    nock(ghes).get(`/api/v3/orgs/${ORG}/hooks`).query({ per_page: '100' }).reply(200, [], JSON_HEADERS);
    nock(ghes)
      .post('/api/graphql')
      .reply(200, { data: { viewer: { login: 'evidence-agent' } } }, JSON_HEADERS);
    const options = githubOptionsSchema.parse({ auth: { token: TOKEN }, orgs: [ORG], baseUrl: `${ghes}/api/v3` });
    const { ctx } = contextFor(github, options, { now: NOW, clientEnvironment: {} });
    const { createGitHubSession } = await import('../../../collectors/github/client.js');
    const { octokit } = createGitHubSession(ctx, {});
    expect(await octokit.paginate(octokit.rest.orgs.listWebhooks, { org: ORG, per_page: 100 })).toEqual([]);
    expect(await octokit.graphql('query { viewer { login } }')).toEqual({ viewer: { login: 'evidence-agent' } });
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('github options', () => {
  it.each([
    [{ orgs: ['acme'] }, 'auth', 'expected { token } or { appId, privateKey | privateKeyPath, installationId }'],
    [{ auth: { token: 't' }, orgs: [] }, 'orgs', 'expected at least one organization'],
    [{ auth: { token: 't' }, orgs: ['acme', 'ACME'] }, 'orgs.1', 'expected each organization once (orgs[0] is already acme)'],
    [{ auth: { token: 't' }, orgs: ['-bad-'] }, 'orgs.0.login', 'expected a GitHub login such as octo-org'],
    [{ auth: { appId: 1, installationId: 2 }, orgs: ['acme'] }, 'auth.privateKey', 'expected exactly one of privateKey or privateKeyPath'],
    [
      { auth: { token: 't' }, orgs: ['acme'], changes: { independentBots: ['renovate approve'] } },
      'changes.independentBots.0',
      'expected a bot login such as renovate-approve or ' + 'renovate-approve[bot]',
    ],
    [
      { auth: { token: 't' }, orgs: ['acme'], thresholds: { maxRepositoryAdmins: -1 } },
      'thresholds.maxRepositoryAdmins',
      'Too small: expected number to be >=0',
    ],
  ])('refuses %j', (input, path, message) => {
    const result = githubOptionsSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(path);
    expect(issue.message).toBe(message);
  });

  it('accepts the short org form and fills the defaults', () => {
    expect(githubOptionsSchema.parse({ auth: { token: 't' }, orgs: ['acme'] })).toMatchObject({
      baseUrl: 'https://api.github.com',
      orgs: [{ login: 'acme', repositories: { include: ['*'], exclude: [] } }],
      thresholds: { minApprovals: 1, maxOwners: 3, defaultPermissionsAllowed: ['none', 'read'], maxRepositoryAdmins: 3, repositoryAdminAllowList: [] },
      changes: { enabled: true, backfillDays: 90, requireChecks: true, settleMinutes: 5, acceptStaleApprovals: false, independentBots: [] },
    });
  });
});
