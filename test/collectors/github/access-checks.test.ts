// The access checks of the github collector over real REST and GraphQL replies (nock behind the real
// Octokit): outside collaborators with admin or maintain, repository admins, the Actions token
// settings, and SAML single sign-on, each with its pass, fail, error and not-applicable case.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessEvidence, actionsEvidence, ssoEvidence } from '../../../collectors/github/access-evidence.js';
import { readRepositoryAccess } from '../../../collectors/github/access-reads.js';
import { readActions } from '../../../collectors/github/actions-reads.js';
import { githubChecks } from '../../../collectors/github/checks/index.js';
import { createGitHubSession } from '../../../collectors/github/client.js';
import { settle } from '../../../collectors/github/errors.js';
import type { Outcome } from '../../../collectors/github/errors.js';
import { github } from '../../../collectors/github/index.js';
import type { OrgReads } from '../../../collectors/github/org-reads.js';
import type { ListedRepository } from '../../../collectors/github/repo-reads.js';
import { EVIDENCE, githubOptionsSchema } from '../../../collectors/github/schema.js';
import type { GitHubOptions } from '../../../collectors/github/schema.js';
import { readSso } from '../../../collectors/github/sso-reads.js';
import type { EvidenceItem, ResourceError } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { contextFor } from '../../helpers/collect-context.js';

const API = 'https://api.github.com';
const ORG = 'acme';
const TOKEN = 'ghp_access-test-token';
const NOW = new Date('2026-03-02T00:00:00Z');
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

const options = (thresholds: Record<string, unknown> = {}): GitHubOptions => githubOptionsSchema.parse({ auth: { token: TOKEN }, orgs: [ORG], thresholds });

function session() {
  const { ctx } = contextFor(github, options(), { now: NOW, clientEnvironment: { github: { retryAfterBaseMs: 1, unlimitedRate: true } } });
  return { octokit: createGitHubSession(ctx, ctx.clientEnvironment.github).octokit, signal: ctx.signal };
}

const get = (path: string, query: Record<string, string> | true = true) => nock(API).matchHeader('authorization', `token ${TOKEN}`).get(path).query(query);

/** A collaborator as GET /repos/{owner}/{repo}/collaborators lists one. */
function collaborator(login: string, id: number, level: 'admin' | 'maintain' | 'write' | 'read', role: string = level) {
  return {
    login,
    id,
    node_id: Buffer.from(`04:User${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${API}/users/${login}`,
    html_url: `https://github.com/${login}`,
    followers_url: `${API}/users/${login}/followers`,
    type: 'User',
    site_admin: false,
    permissions: {
      admin: level === 'admin',
      maintain: level === 'admin' || level === 'maintain',
      push: level !== 'read',
      triage: level !== 'read',
      pull: true,
    },
    role_name: role,
    user_view_type: 'public',
  };
}

const repo = (name: string): ListedRepository => ({
  name,
  visibility: 'private',
  defaultBranch: 'main',
  pushedAt: '2026-03-01T10:00:00Z',
  secretScanning: 'enabled',
  secretScanningPushProtection: 'enabled',
});
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** The organization reads the access evidence joins with: owners, members and outside collaborators. */
function orgReads(outside: string[], plan: string | null = 'enterprise', members: Outcome<string[]> = ok(['owner-olga', 'dev-dora', 'dev-dan'])): OrgReads {
  return {
    settings: ok({
      twoFactorRequirementEnabled: true,
      defaultRepositoryPermission: 'read',
      membersCanCreateRepositories: false,
      membersCanCreatePublicRepositories: false,
    }),
    plan,
    owners: ok(['owner-olga']),
    members,
    withoutTwoFactor: ok([]),
    outsideCollaborators: ok(outside),
    webhooks: ok([]),
    teams: ok([]),
  };
}

/** The org document the not-applicable findings hang on. */
const orgDoc: EvidenceItem = {
  type: EVIDENCE.org,
  resourceId: ORG,
  schemaVersion: 1,
  data: {
    login: ORG,
    twoFactorRequirementEnabled: true,
    defaultRepositoryPermission: 'read',
    membersCanCreateRepositories: false,
    membersCanCreatePublicRepositories: false,
    owners: ['owner-olga'],
    membersWithoutTwoFactor: [],
  },
};

function judge(checkId: string, evidence: EvidenceItem[], errors: ResourceError[], thresholds: Record<string, unknown> = {}) {
  const check = githubChecks.find((c) => c.id === checkId)!;
  return evaluateChecks([check], evidence, errors, options(thresholds), NOW, ORG).findings.map((f) => [f.resourceId, f.status, f.message]);
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('outside collaborators and repository admins', () => {
  const outside = { affiliation: 'outside', per_page: '100' };
  const admins = { affiliation: 'all', permission: 'admin', per_page: '100' };

  async function readAccess() {
    const { octokit, signal } = session();
    const reads = await readRepositoryAccess(octokit, ORG, [repo('billing'), repo('infra'), repo('website')], true, signal);
    expect(nock.pendingMocks()).toEqual([]);
    return reads;
  }

  it('records each collaborator per repository and judges the four cases', async () => {
    const owner = collaborator('owner-olga', 11, 'admin');
    // billing: one contractor writes, another holds a custom role based on maintain; two developers administer it.
    get(`/repos/${ORG}/billing/collaborators`, outside).reply(
      200,
      [collaborator('contractor-carl', 501, 'write'), collaborator('auditor-ann', 502, 'maintain', 'release-manager')],
      JSON_HEADERS,
    );
    get(`/repos/${ORG}/billing/collaborators`, admins).reply(
      200,
      [collaborator('dev-dan', 21, 'admin'), collaborator('dev-dora', 22, 'admin'), owner],
      JSON_HEADERS,
    );
    // infra: its lists are refused.
    const refused = {
      message: 'Must have push access to view repository collaborators.',
      documentation_url: 'https://docs.github.com/rest/collaborators/collaborators#list-repository-collaborators',
      status: '403',
    };
    get(`/repos/${ORG}/infra/collaborators`, outside).reply(403, refused, JSON_HEADERS);
    get(`/repos/${ORG}/infra/collaborators`, admins).reply(403, refused, JSON_HEADERS);
    // website: only the owner administers it; no outside collaborator.
    get(`/repos/${ORG}/website/collaborators`, outside).reply(200, [], JSON_HEADERS);
    get(`/repos/${ORG}/website/collaborators`, admins).reply(200, [owner], JSON_HEADERS);
    const reads = await readAccess();
    const built = accessEvidence(ORG, orgReads(['auditor-ann', 'contractor-carl']), ok([repo('billing'), repo('infra'), repo('website')]), reads);

    expect(built.evidence.find((e) => e.resourceId === `${ORG}/auditor-ann`)).toEqual({
      type: EVIDENCE.outsideCollaborator,
      resourceId: `${ORG}/auditor-ann`,
      schemaVersion: 2,
      data: { login: 'auditor-ann', repositories: [{ name: 'billing', permission: 'maintain', role: 'release-manager' }], unreadRepositories: ['infra'] },
    });
    expect(judge('github_org_outside_collaborators_not_privileged', built.evidence, built.errors)).toEqual([
      // Maintain is a finding even through a custom role; what could not be read does not hide it.
      [`${ORG}/auditor-ann`, 'fail', `Outside collaborator auditor-ann of ${ORG} holds maintain on billing (role release-manager).`],
      // Write where it could be read, unknown on infra: not a pass.
      [
        `${ORG}/contractor-carl`,
        'error',
        `The collaborators of infra could not be read, so the access of outside collaborator contractor-carl of ${ORG} there is unknown.`,
      ],
    ]);

    expect(judge('github_repo_admins_limited', built.evidence, built.errors, { maxRepositoryAdmins: 1 })).toEqual([
      [`${ORG}/billing`, 'fail', `${ORG}/billing is administered by dev-dan, dev-dora besides the owners (owner-olga): 2 besides the owners, more than 1.`],
      [
        `${ORG}/website`,
        'not_applicable',
        `Only the organization owners (owner-olga) administer ${ORG}/website: they are judged by github_org_owners_limited.`,
      ],
      [
        `${ORG}/infra`,
        'error',
        `Evidence for ${ORG}/infra could not be read: admins of ${ORG}/infra: HTTP 403: Must have push access to view repository collaborators.`,
      ],
    ]);
    expect(judge('github_repo_admins_limited', built.evidence, built.errors, { repositoryAdminAllowList: ['dev-dan'] })[0]).toEqual([
      `${ORG}/billing`,
      'fail',
      `${ORG}/billing is administered by dev-dan, dev-dora besides the owners (owner-olga): not on the admin allow-list: dev-dora.`,
    ]);
    expect(judge('github_repo_admins_limited', built.evidence, built.errors)[0]).toEqual([
      `${ORG}/billing`,
      'pass',
      `${ORG}/billing is administered by dev-dan, dev-dora besides the owners ` + `(owner-olga).`,
    ]);
  });

  it('passes an outside collaborator who only writes, and does not apply to an organization without any', async () => {
    get(`/repos/${ORG}/billing/collaborators`, outside).reply(200, [collaborator('contractor-carl', 501, 'write')], JSON_HEADERS);
    get(`/repos/${ORG}/billing/collaborators`, admins).reply(200, [collaborator('owner-olga', 11, 'admin')], JSON_HEADERS);
    const { octokit, signal } = session();
    const reads = await readRepositoryAccess(octokit, ORG, [repo('billing')], true, signal);
    const withOne = accessEvidence(ORG, orgReads(['contractor-carl']), ok([repo('billing')]), reads);
    expect(judge('github_org_outside_collaborators_not_privileged', [orgDoc, ...withOne.evidence], withOne.errors)).toEqual([
      [`${ORG}/contractor-carl`, 'pass', `Outside collaborator contractor-carl of ${ORG} holds write on billing: no admin or maintain.`],
    ]);
    // Without outside collaborators, no repository is asked for them.
    nock.cleanAll();
    get(`/repos/${ORG}/billing/collaborators`, admins).reply(200, [collaborator('owner-olga', 11, 'admin')], JSON_HEADERS);
    const adminsOnly = await readRepositoryAccess(octokit, ORG, [repo('billing')], false, signal);
    expect(nock.pendingMocks()).toEqual([]);
    expect(adminsOnly.outside.size).toBe(0);
    const none = accessEvidence(ORG, orgReads([]), ok([repo('billing')]), adminsOnly);
    expect(judge('github_org_outside_collaborators_not_privileged', [orgDoc, ...none.evidence], none.errors)).toEqual([
      [ORG, 'not_applicable', `Organization ${ORG} has no outside collaborators.`],
    ]);
    // A list that could not be read is an error, never "none".
    const unread = accessEvidence(
      ORG,
      { ...orgReads([]), outsideCollaborators: { ok: false, reason: `GET /orgs/${ORG}/outside_collaborators: HTTP 403: Forbidden`, status: 403 } },
      ok([repo('billing')]),
      reads,
    );
    expect(judge('github_org_outside_collaborators_not_privileged', [orgDoc, ...unread.evidence], unread.errors)).toEqual([
      [`${ORG}/*`, 'error', `Evidence for ${ORG}/* could not be read: GET ` + `/orgs/${ORG}/outside_collaborators: HTTP ` + `403: Forbidden`],
    ]);
  });
});

describe('GitHub Actions workflow permissions', () => {
  it('reads nothing per repository where the organization does not let Actions run: not applicable', async () => {
    get(`/orgs/${ORG}/actions/permissions`).reply(200, { enabled_repositories: 'none' }, JSON_HEADERS);
    get(`/orgs/${ORG}/actions/permissions/workflow`).reply(
      200,
      { default_workflow_permissions: 'write', can_approve_pull_request_reviews: true },
      JSON_HEADERS,
    );
    const { octokit, signal } = session();
    const reads = await readActions(octokit, ORG, [repo('billing')], signal);
    expect(nock.pendingMocks()).toEqual([]);
    const built = actionsEvidence(ORG, ok([repo('billing')]), reads);
    expect(judge('github_actions_workflow_permissions_restricted', built.evidence, built.errors)).toEqual([
      [ORG, 'not_applicable', `Organization ${ORG}: GitHub Actions may not run here (the organization's Actions policy).`],
      [`${ORG}/billing`, 'not_applicable', `Repository ${ORG}/billing: GitHub Actions may not run here (the organization's Actions policy).`],
    ]);
  });

  it('fails the organization and every repository when the token has write by default, and errors when the policy cannot be read', async () => {
    get(`/orgs/${ORG}/actions/permissions`).reply(200, { enabled_repositories: 'all', allowed_actions: 'all', sha_pinning_required: false }, JSON_HEADERS);
    get(`/orgs/${ORG}/actions/permissions/workflow`).reply(
      200,
      { default_workflow_permissions: 'write', can_approve_pull_request_reviews: false },
      JSON_HEADERS,
    );
    get(`/repos/${ORG}/billing/actions/permissions/workflow`).reply(
      200,
      { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false },
      JSON_HEADERS,
    );
    const { octokit, signal } = session();
    const built = actionsEvidence(ORG, ok([repo('billing')]), await readActions(octokit, ORG, [repo('billing')], signal));
    expect(judge('github_actions_workflow_permissions_restricted', built.evidence, built.errors)).toEqual([
      [ORG, 'fail', `Organization ${ORG}: workflow tokens get write permissions by default.`],
      [`${ORG}/billing`, 'pass', `Repository ${ORG}/billing: workflow tokens are read-only by default and workflows may not approve pull requests.`],
    ]);

    nock.cleanAll();
    get(`/orgs/${ORG}/actions/permissions`).reply(
      403,
      { message: 'Resource not accessible by integration', status: '403' },
      { ...JSON_HEADERS, 'x-accepted-github-permissions': 'organization_administration=read' },
    );
    get(`/orgs/${ORG}/actions/permissions/workflow`).reply(
      200,
      { default_workflow_permissions: 'read', can_approve_pull_request_reviews: false },
      JSON_HEADERS,
    );
    const denied = actionsEvidence(ORG, ok([repo('billing')]), await readActions(octokit, ORG, [repo('billing')], signal));
    const reason = `GET /orgs/${ORG}/actions/permissions: HTTP 403: Resource not accessible by integration (needs the permission organization_administration=read)`;
    expect(judge('github_actions_workflow_permissions_restricted', denied.evidence, denied.errors)).toEqual([
      [ORG, 'error', `Evidence for ${ORG} could not be read: ${reason}`],
      [`${ORG}/billing`, 'error', `Evidence for ${ORG}/billing could not be read: ${reason}`],
    ]);
  });
});

describe('SAML single sign-on', () => {
  const graphql = () =>
    nock(API)
      .matchHeader('authorization', `token ${TOKEN}`)
      .post(
        '/graphql',
        (body: { query: string }) =>
          body.query.includes('query EvidenceOrganizationSso') && body.query.includes('externalIdentities(first: 100, after: $after, membersOnly: true)'),
      );
  const page = (logins: string[], next: string | null) => ({
    data: {
      organization: {
        samlIdentityProvider: {
          issuer: 'https://sts.windows.net/5f1a3c2e-0000-4000-8000-000000000001/',
          ssoUrl: 'https://login.microsoftonline.com/5f1a3c2e-0000-4000-8000-000000000001/saml2?sso_token=should-not-be-kept',
          externalIdentities: { totalCount: 3, pageInfo: { hasNextPage: next !== null, endCursor: next }, nodes: logins.map((login) => ({ user: { login } })) },
        },
      },
    },
  });

  async function sso(plan: string | null, members?: Outcome<string[]>) {
    const { octokit, signal } = session();
    const read = await settle(`GraphQL EvidenceOrganizationSso for ${ORG}`, readSso(octokit, ORG, signal), signal);
    expect(nock.pendingMocks()).toEqual([]);
    const built = ssoEvidence(ORG, orgReads([], plan, members), read);
    return { built, findings: judge('github_org_saml_sso_enforced', built.evidence, built.errors) };
  }

  it('passes when a provider is configured and every member is linked (identities paged by 100)', async () => {
    graphql().reply(200, page(['dev-dan', 'dev-dora'], 'Y3Vyc29yOjI='), JSON_HEADERS);
    graphql().reply(200, page(['owner-olga'], null), JSON_HEADERS);
    const { built, findings } = await sso('enterprise');
    expect(findings).toEqual([
      [
        ORG,
        'pass',
        `Organization ${ORG} has a SAML identity provider ` +
          `(https://sts.windows.net/5f1a3c2e-0000-4000-8000-000000000001/ at login.microsoftonline.com) and all 3 ` +
          `members have a linked SAML identity.`,
      ],
    ]);
    // The sign-on URL's query string (it may carry a token) is not kept: only its host.
    expect(JSON.stringify(built.evidence)).not.toContain('should-not-be-kept');
  });

  it('fails when members have no linked identity, or an Enterprise Cloud organization has no provider', async () => {
    graphql().reply(200, page(['owner-olga'], null), JSON_HEADERS);
    expect((await sso('enterprise')).findings).toEqual([
      [
        ORG,
        'fail',
        `Organization ${ORG} has a SAML identity provider ` +
          `(https://sts.windows.net/5f1a3c2e-0000-4000-8000-000000000001/ at login.microsoftonline.com), but 2 member(s) ` +
          `have no linked SAML identity, so sign-in through it is not enforced: dev-dan, dev-dora.`,
      ],
    ]);
    graphql().reply(200, { data: { organization: { samlIdentityProvider: null } } }, JSON_HEADERS);
    expect((await sso('enterprise')).findings).toEqual([
      [
        ORG,
        'fail',
        `Organization ${ORG} has no SAML identity provider: members sign in with their GitHub accounts only (a ` +
          `provider set on the enterprise account is not shown at the organization level).`,
      ],
    ]);
  });

  it('errors when the provider is refused to the token, when the plan is not visible, or when members could not be read', async () => {
    graphql().reply(
      200,
      {
        data: { organization: { samlIdentityProvider: null } },
        errors: [
          {
            type: 'FORBIDDEN',
            path: ['organization', 'samlIdentityProvider'],
            extensions: { saml_failure: false },
            locations: [{ line: 4, column: 7 }],
            message: 'Resource not accessible by integration',
          },
        ],
      },
      JSON_HEADERS,
    );
    const refused = await sso('enterprise');
    expect(refused.findings).toEqual([
      [
        ORG,
        'error',
        'Evidence for acme could not be read: GraphQL EvidenceOrganizationSso for acme: GraphQL FORBIDDEN: Resource not accessible by integration',
      ],
    ]);

    graphql().reply(200, { data: { organization: { samlIdentityProvider: null } } }, JSON_HEADERS);
    expect((await sso(null)).findings).toEqual([[ORG, 'error', expect.stringContaining('is not visible to the token')]]);

    graphql().reply(200, page(['owner-olga'], null), JSON_HEADERS);
    expect((await sso('enterprise', { ok: false, reason: 'GET /orgs/acme/members: HTTP 502', status: 502 })).findings).toEqual([
      [ORG, 'error', expect.stringContaining('but its members could not be read')],
    ]);
  });

  it('does not apply on a plan without SAML single sign-on', () => {
    const built = ssoEvidence(ORG, orgReads([], 'team'), null);
    expect(judge('github_org_saml_sso_enforced', built.evidence, built.errors)).toEqual([
      [
        ORG,
        'not_applicable',
        `Organization ${ORG} is on the team plan, which offers no SAML single sign-on (GitHub Enterprise Cloud does): members sign in with their GitHub accounts.`,
      ],
    ]);
  });
});
