// The GitHub sandbox through the real Octokit: its handler is served by nock on api.github.com, so
// requests are built, paginated and parsed exactly as the collector's are. Shows REST pagination by
// Link header, ETags and 304s, the protection shapes of the special repositories, the GraphQL
// operations (paging, search, default-branch history) with the special changes, and determinism.
import { GraphqlResponseError } from '@octokit/graphql';
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BRANCH_COMMITS_QUERY, MERGED_PULL_REQUESTS_QUERY, ORGANIZATION_SSO_QUERY, REPOSITORY_DETAILS_QUERY } from '../collectors/github/queries.js';
import type {
  DefaultBranchCommitsReply,
  MergedPullRequestNode,
  MergedPullRequestsReply,
  OrganizationSsoReply,
  RepositoryDetailsReply,
} from '../collectors/github/queries.js';
import {
  GitHubSandbox,
  MEMBERS_WITHOUT_SAML_IDENTITY,
  MEMBERS_WITHOUT_TWO_FACTOR,
  ORG_RULESET_ID,
  OUTSIDE_GRANTS,
  RELEASE_BRANCH,
  REPO_RULESET_ID,
  SANDBOX_ORG,
  SPECIAL_CHANGES,
  SPECIAL_REPOSITORIES,
} from '../sandbox/github/index.js';
import { serveGitHubSandbox } from './helpers/github-sandbox-nock.js';
import type { SpecialChange, SpecialKind } from '../sandbox/github/index.js';

const ORG = SANDBOX_ORG;
const END = new Date('2025-06-30T12:00:00Z');
const DAY = 86_400_000;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const serve = (sandbox: GitHubSandbox, clock: () => Date = () => END): void => void serveGitHubSandbox(sandbox, clock);

const octokit = () => new Octokit({ auth: 'test-token', log: quiet });
const special = (sandbox: GitHubSandbox, kind: SpecialKind): SpecialChange => sandbox.specialChanges.find((c) => c.kind === kind)!;
const searchTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('REST', () => {
  it('pages members with a Link header that octokit.paginate follows', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox);
    const client = octokit();

    const first = await client.rest.orgs.listMembers({ org: ORG, per_page: 4 });
    expect(first.data).toHaveLength(4);
    expect(first.headers.link).toBe(
      `<https://api.github.com/orgs/${ORG}/members?per_page=4&page=2>; rel="next", <https://api.github.com/orgs/${ORG}/members?per_page=4&page=4>; rel="last"`,
    );
    const members = await client.paginate(client.rest.orgs.listMembers, { org: ORG, per_page: 4 });
    expect(members).toHaveLength(15);
    expect(new Set(members.map((m) => m.login)).size).toBe(15);
    expect(sandbox.requests.byRoute['GET /orgs/{org}/members']).toBe(1 + 4);

    const owners = await client.paginate(client.rest.orgs.listMembers, { org: ORG, role: 'admin', per_page: 100 });
    expect(owners.map((m) => m.login).sort()).toEqual(['dkowalski', 'maria-chen', 'priya-raman', 'sam-okafor']);
    const withoutTwoFactor = await client.paginate(client.rest.orgs.listMembers, { org: ORG, filter: '2fa_disabled', per_page: 100 });
    expect(withoutTwoFactor.map((m) => m.login).sort()).toEqual([...MEMBERS_WITHOUT_TWO_FACTOR].sort());
    const outside = await client.paginate(client.rest.orgs.listOutsideCollaborators, { org: ORG, per_page: 100 });
    expect(outside).toHaveLength(2);
  });

  it('builds Link URLs on the base the client called (the stripped /api/v3 kept), else on the host', () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    const link = (headers: Record<string, string>) =>
      sandbox.handle({ method: 'GET', path: `/orgs/${ORG}/members?per_page=10&page=2`, headers, body: '' }, END).headers['link'];
    expect(link({ host: '127.0.0.1:1234', 'x-sandbox-base': 'http://127.0.0.1:1234/api/v3' })).toBe(
      `<http://127.0.0.1:1234/api/v3/orgs/${ORG}/members?per_page=10&page=1>; rel="prev", <http://127.0.0.1:1234/api/v3/orgs/${ORG}/members?per_page=10&page=1>; rel="first"`,
    );
    expect(link({ host: '127.0.0.1:1234' })).toContain(`<http://127.0.0.1:1234/orgs/${ORG}/members?per_page=10&page=1>; rel="prev"`);
    expect(link({})).toContain(`<https://api.github.com/orgs/${ORG}/members?per_page=10&page=1>; rel="prev"`);
  });

  it('answers an unchanged resource with 304 to If-None-Match, and a changed one with 200', async () => {
    let now = END;
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox, () => now);
    const client = octokit();

    const first = await client.rest.repos.listForOrg({ org: ORG, type: 'all', per_page: 100 });
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    expect(first.headers['x-ratelimit-remaining']).toBe('4999');
    expect(first.headers['x-ratelimit-resource']).toBe('core');

    const again = client.rest.repos.listForOrg({ org: ORG, type: 'all', per_page: 100, headers: { 'if-none-match': etag } });
    await expect(again).rejects.toMatchObject({ name: 'HttpError', status: 304 });
    expect(sandbox.requests.notModified).toBe(1);

    // Earlier, fewer merges have happened: pushed_at differs, so does the tag.
    now = new Date(END.getTime() - 2 * DAY);
    const earlier = await client.rest.repos.listForOrg({ org: ORG, type: 'all', per_page: 100, headers: { 'if-none-match': etag } });
    expect(earlier.status).toBe(200);
    expect(earlier.headers.etag).not.toBe(etag);
    // 304s are not charged against the rate limit.
    expect(earlier.headers['x-ratelimit-used']).toBe('2');
  });

  it('lists repositories with their visibility, archive flag, default branch and security settings', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox);
    const client = octokit();
    const repos = await client.paginate(client.rest.repos.listForOrg, { org: ORG, type: 'all', per_page: 100 });
    expect(repos).toHaveLength(12);
    const byName = new Map(repos.map((r) => [r.name, r]));
    expect(byName.get(SPECIAL_REPOSITORIES.archived)?.archived).toBe(true);
    expect(byName.get(SPECIAL_REPOSITORIES.unprotected)).toMatchObject({ visibility: 'public', private: false });
    expect(byName.get(SPECIAL_REPOSITORIES.empty)?.default_branch).toBe('main');
    expect(byName.get(SPECIAL_REPOSITORIES.securityOff)?.security_and_analysis).toMatchObject({
      secret_scanning: { status: 'disabled' },
      secret_scanning_push_protection: { status: 'disabled' },
    });
    expect(byName.get(SPECIAL_REPOSITORIES.classic)?.security_and_analysis?.secret_scanning?.status).toBe('enabled');
    // pushed_at is the latest merge or push by now: deploy-tools has had the direct push, and nothing after the end.
    const pushed = byName.get(SPECIAL_REPOSITORIES.mixed)!.pushed_at!;
    expect(Date.parse(pushed)).toBeGreaterThanOrEqual(Date.parse(special(sandbox, 'direct-push').at));
    expect(Date.parse(pushed)).toBeLessThanOrEqual(END.getTime());
  });

  it('answers branch, protection and rules of the special repositories', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox);
    const client = octokit();
    const branch = (repo: string, name = 'main') => client.rest.repos.getBranch({ owner: ORG, repo, branch: name });
    const protection = (repo: string) => client.rest.repos.getBranchProtection({ owner: ORG, repo, branch: 'main' });
    const rules = (repo: string) => client.rest.repos.getBranchRules({ owner: ORG, repo, branch: 'main', per_page: 100 });

    // Classic protection, strict.
    expect((await branch(SPECIAL_REPOSITORIES.strictClassic)).data.protected).toBe(true);
    const strict = (await protection(SPECIAL_REPOSITORIES.strictClassic)).data;
    expect(strict.required_pull_request_reviews).toMatchObject({
      required_approving_review_count: 2,
      dismiss_stale_reviews: true,
      require_code_owner_reviews: true,
    });
    expect(strict.required_status_checks).toMatchObject({ strict: true, contexts: ['ci/build'] });
    expect(strict.enforce_admins?.enabled).toBe(true);
    expect(strict.allow_force_pushes?.enabled).toBe(false);
    expect(strict.allow_deletions?.enabled).toBe(false);
    expect((await rules(SPECIAL_REPOSITORIES.strictClassic)).data).toEqual([]);
    // The release branch exists and is not protected.
    expect((await branch(SPECIAL_REPOSITORIES.strictClassic, RELEASE_BRANCH)).data).toMatchObject({ name: RELEASE_BRANCH, protected: false });

    // Protected by an organization ruleset only.
    expect((await branch(SPECIAL_REPOSITORIES.rulesetOnly)).data.protected).toBe(true);
    await expect(protection(SPECIAL_REPOSITORIES.rulesetOnly)).rejects.toMatchObject({ status: 404, message: expect.stringContaining('Branch not protected') });
    const orgRules = (await rules(SPECIAL_REPOSITORIES.rulesetOnly)).data;
    expect(orgRules.map((r) => r.type)).toEqual(['deletion', 'non_fast_forward', 'pull_request', 'required_status_checks']);
    expect(orgRules.every((r) => r.ruleset_source_type === 'Organization' && r.ruleset_source === ORG && r.ruleset_id === ORG_RULESET_ID)).toBe(true);
    const orgRuleset = (await client.rest.repos.getOrgRuleset({ org: ORG, ruleset_id: ORG_RULESET_ID })).data;
    expect(orgRuleset).toMatchObject({ id: ORG_RULESET_ID, enforcement: 'active', source_type: 'Organization', bypass_actors: [] });

    // Mixed: classic without enforce_admins, and a repository ruleset organization admins bypass.
    expect((await protection(SPECIAL_REPOSITORIES.mixed)).data.enforce_admins?.enabled).toBe(false);
    const repoRules = (await rules(SPECIAL_REPOSITORIES.mixed)).data;
    expect(repoRules[0]).toMatchObject({
      ruleset_source_type: 'Repository',
      ruleset_source: `${ORG}/${SPECIAL_REPOSITORIES.mixed}`,
      ruleset_id: REPO_RULESET_ID,
    });
    const repoRuleset = (await client.rest.repos.getRepoRuleset({ owner: ORG, repo: SPECIAL_REPOSITORIES.mixed, ruleset_id: REPO_RULESET_ID })).data;
    expect(repoRuleset.bypass_actors).toContainEqual({ actor_id: null, actor_type: 'OrganizationAdmin', bypass_mode: 'always' });
    await expect(client.rest.repos.getRepoRuleset({ owner: ORG, repo: SPECIAL_REPOSITORIES.classic, ruleset_id: REPO_RULESET_ID })).rejects.toMatchObject({
      status: 404,
    });

    // Unprotected, and empty.
    expect((await branch(SPECIAL_REPOSITORIES.unprotected)).data).toMatchObject({ protected: false, protection: { enabled: false } });
    await expect(branch(SPECIAL_REPOSITORIES.empty)).rejects.toMatchObject({ status: 404, message: expect.stringContaining('Branch not found') });

    // Deploy keys (REST: all 22, one with write access), webhooks, teams.
    const keys = await client.paginate(client.rest.repos.listDeployKeys, { owner: ORG, repo: SPECIAL_REPOSITORIES.writeDeployKey, per_page: 100 });
    expect(keys).toHaveLength(22);
    expect(keys.filter((k) => !k.read_only).map((k) => k.title)).toEqual(['release-publisher']);
    const hooks = (await client.rest.orgs.listWebhooks({ org: ORG })).data;
    expect(hooks.map((h) => [h.config.url?.split(':')[0], h.config.secret ?? null, h.config.insecure_ssl])).toEqual([
      ['https', '********', '0'],
      ['http', null, '0'],
      ['https', '********', '1'],
    ]);
    const teams = (await client.rest.teams.list({ org: ORG })).data;
    expect(teams.map((t) => [t.slug, t.parent?.slug ?? null])).toEqual([
      ['backend', 'engineering'],
      ['engineering', null],
      ['frontend', 'engineering'],
      ['platform', null],
    ]);
    const platform = (await client.rest.teams.listReposInOrg({ org: ORG, team_slug: 'platform' })).data;
    expect(platform.find((r) => r.name === SPECIAL_REPOSITORIES.mixed)).toMatchObject({
      role_name: 'admin',
      permissions: { admin: true, push: true, pull: true },
    });

    // Anything else is GitHub's plain 404.
    await expect(client.request('GET /orgs/{org}/actions/secrets', { org: ORG })).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Not Found'),
    });
    await expect(client.rest.orgs.get({ org: 'someone-else' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('access and Actions', () => {
  it('lists collaborators by affiliation and permission, and the Actions settings of the org and its repositories', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox);
    const client = octokit();
    const collaborators = (repo: string, query: { affiliation?: 'outside' | 'direct' | 'all'; permission?: 'admin' | 'push' }) =>
      client.paginate(client.rest.repos.listCollaborators, { owner: ORG, repo, per_page: 100, ...query });

    const runners = SPECIAL_REPOSITORIES.writeDeployKey;
    expect((await collaborators(runners, { affiliation: 'outside' })).map((c) => [c.login, c.role_name, c.permissions?.admin])).toEqual([
      ['avasquez-contractor', 'admin', true],
    ]);
    expect((await collaborators(runners, { affiliation: 'direct' })).map((c) => c.login)).toEqual(['kwame-mensah', 'avasquez-contractor']);
    const admins = await collaborators(runners, { affiliation: 'all', permission: 'admin' });
    expect(admins.map((c) => c.login)).toEqual(['maria-chen', 'dkowalski', 'sam-okafor', 'priya-raman', 'kwame-mensah', 'avasquez-contractor']);
    // Everyone else reads through the base permission.
    expect(await collaborators(runners, { affiliation: 'all' })).toHaveLength(15 + 1);
    expect(Object.keys(OUTSIDE_GRANTS).sort()).toEqual(['avasquez-contractor', 'jlee-consulting']);
    await expect(collaborators(runners, { affiliation: 'everyone' as 'all' })).rejects.toMatchObject({ status: 422 });

    expect((await client.rest.actions.getGithubActionsPermissionsOrganization({ org: ORG })).data).toMatchObject({ enabled_repositories: 'all' });
    expect((await client.rest.actions.getGithubActionsDefaultWorkflowPermissionsOrganization({ org: ORG })).data).toEqual({
      default_workflow_permissions: 'read',
      can_approve_pull_request_reviews: true,
    });
    const workflow = async (repo: string) => (await client.rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository({ owner: ORG, repo })).data;
    expect(await workflow(SPECIAL_REPOSITORIES.mixed)).toEqual({ default_workflow_permissions: 'write', can_approve_pull_request_reviews: true });
    expect(await workflow(SPECIAL_REPOSITORIES.strictClassic)).toEqual({ default_workflow_permissions: 'read', can_approve_pull_request_reviews: false });
    expect((await client.rest.orgs.get({ org: ORG })).data.plan?.name).toBe('enterprise');
  });

  it('answers the SAML identity provider with every linked member, 100 a page', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END, repositories: 150 });
    serve(sandbox);
    const client = octokit();
    const linked: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const reply: OrganizationSsoReply = await client.graphql<OrganizationSsoReply>(ORGANIZATION_SSO_QUERY, { org: ORG, after });
      const idp = reply.organization!.samlIdentityProvider!;
      expect(idp.issuer).toBe('https://sso.example-co.com/saml2/metadata');
      linked.push(...idp.externalIdentities.nodes.map((n) => n!.user!.login));
      after = idp.externalIdentities.pageInfo.hasNextPage ? idp.externalIdentities.pageInfo.endCursor : null;
      pages++;
    } while (after);
    // 150 repositories bring 188 members: two pages; the two who never linked are missing.
    expect(pages).toBe(2);
    const members = await client.paginate(client.rest.orgs.listMembers, { org: ORG, per_page: 100 });
    expect(
      members
        .map((m) => m.login)
        .filter((m) => !linked.includes(m))
        .sort(),
    ).toEqual([...MEMBERS_WITHOUT_SAML_IDENTITY].sort());
  });
});

describe('GraphQL', () => {
  it('pages repository details by 100, by name', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END, repositories: 150 });
    serve(sandbox);
    const client = octokit();
    const first = await client.graphql<RepositoryDetailsReply>(REPOSITORY_DETAILS_QUERY, { org: ORG, after: null });
    const page1 = first.organization!.repositories;
    expect(page1.nodes).toHaveLength(100);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await client.graphql<RepositoryDetailsReply>(REPOSITORY_DETAILS_QUERY, { org: ORG, after: page1.pageInfo.endCursor });
    const page2 = second.organization!.repositories;
    expect(page2.nodes).toHaveLength(50);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const nodes = [...page1.nodes, ...page2.nodes].map((n) => n!);
    const names = nodes.map((n) => n.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(150);
    const node = (name: string) => nodes.find((n) => n.name === name)!;
    expect(node(SPECIAL_REPOSITORIES.noCodeowners)).toMatchObject({ codeownersInGithub: null, codeownersInRoot: null, codeownersInDocs: null });
    expect(node(SPECIAL_REPOSITORIES.strictClassic).codeownersInGithub).toEqual({ id: expect.stringMatching(/^B_kwDO/) });
    expect(node(SPECIAL_REPOSITORIES.securityOff).hasVulnerabilityAlertsEnabled).toBe(false);
    expect(node(SPECIAL_REPOSITORIES.archived).isArchived).toBe(true);
    expect(node(SPECIAL_REPOSITORIES.writeDeployKey).deployKeys).toMatchObject({ totalCount: 22 });
    expect(node(SPECIAL_REPOSITORIES.writeDeployKey).deployKeys!.nodes).toHaveLength(20);
  });

  it('searches merged pull requests oldest first, 50 a page, with the special ones and their reviews', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox);
    const client = octokit();
    const from = END.getTime() - 20 * DAY;
    const search = `org:${ORG} is:pr is:merged merged:${searchTime(from)}..${searchTime(END.getTime())}`;
    const found: MergedPullRequestNode[] = [];
    let issueCount = 0;
    let after: string | null = null;
    let pages = 0;
    do {
      const reply: MergedPullRequestsReply = await client.graphql<MergedPullRequestsReply>(MERGED_PULL_REQUESTS_QUERY, { search, after });
      issueCount = reply.search.issueCount;
      expect(reply.search.nodes.length).toBeLessThanOrEqual(50);
      found.push(...(reply.search.nodes as MergedPullRequestNode[]));
      after = reply.search.pageInfo.hasNextPage ? reply.search.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBeGreaterThan(1);
    expect(found).toHaveLength(issueCount);
    const times = found.map((pr) => pr.mergedAt);
    expect(times).toEqual([...times].sort());

    const pr = (kind: SpecialKind) => {
      const change = special(sandbox, kind);
      return found.find((p) => p.repository.name === change.repository && p.number === change.number)!;
    };
    const selfApproved = pr('self-approved');
    expect(selfApproved.reviews.nodes).toEqual([
      {
        state: 'APPROVED',
        author: { __typename: 'User', login: selfApproved.author!.login },
        submittedAt: expect.any(String),
        commit: { oid: selfApproved.headRefOid },
      },
    ]);
    const stale = pr('approved-before-later-commit');
    expect(stale.reviews.nodes.map((r) => r.state)).toEqual(['APPROVED']);
    expect(stale.reviews.nodes[0]!.commit!.oid).not.toBe(stale.headRefOid);
    expect(stale.commits.nodes[0]!.commit.oid).toBe(stale.headRefOid);
    const bypass = pr('admin-bypass');
    expect(bypass).toMatchObject({ reviewDecision: 'REVIEW_REQUIRED', reviews: { totalCount: 0, nodes: [] } });
    expect(['dkowalski', 'maria-chen', 'priya-raman', 'sam-okafor']).toContain(bypass.mergedBy!.login);
    expect(pr('dismissed-and-commented').reviews.nodes.map((r) => r.state)).toEqual(['DISMISSED', 'COMMENTED']);
    const withdrawn = pr('withdrawn-approval');
    expect(withdrawn.reviews.nodes.map((r) => [r.state, r.author!.login])).toEqual([
      ['APPROVED', withdrawn.reviews.nodes[0]!.author!.login],
      ['CHANGES_REQUESTED', withdrawn.reviews.nodes[0]!.author!.login],
    ]);
    const late = pr('approved-after-merge');
    expect(late.reviews.nodes.map((r) => Date.parse(r.submittedAt!) - Date.parse(late.mergedAt))).toEqual([5 * 3_600_000]);
    expect(pr('bot-approved').reviews.nodes.map((r) => r.author)).toEqual([{ __typename: 'Bot', login: 'github-actions' }]);
    const paired = pr('co-author-approved');
    const approver = paired.reviews.nodes[0]!.author!.login;
    expect(paired.authoredCommits!.nodes[0]!.commit.authors.nodes.map((a) => a.user?.login)).toEqual([paired.author!.login, approver]);
    expect(paired.authoredCommits!.nodes.at(-1)!.commit.oid).toBe(paired.headRefOid);
    const failing = pr('failing-check').commits.nodes[0]!.commit.statusCheckRollup!;
    expect(failing.state).toBe('FAILURE');
    expect(failing.contexts.nodes).toContainEqual({ __typename: 'CheckRun', name: 'ci/build', status: 'COMPLETED', conclusion: 'FAILURE' });
    expect(pr('non-default-base')).toMatchObject({ baseRefName: RELEASE_BRANCH, repository: { defaultBranchRef: { name: 'main' } } });
    // Every other pull request is approved by someone else on its head, with green checks.
    const ordinary = found.filter((p) => !sandbox.specialChanges.some((c) => c.repository === p.repository.name && c.number === p.number));
    for (const p of ordinary) {
      expect(p.reviews.nodes.some((r) => r.state === 'APPROVED' && r.author!.login !== p.author!.login && r.commit!.oid === p.headRefOid)).toBe(true);
      expect(p.authoredCommits!.nodes.at(-1)!.commit.oid).toBe(p.headRefOid);
      expect(p.commits.nodes[0]!.commit.statusCheckRollup!.state).toBe('SUCCESS');
    }
  });

  it('bounds search by the range (inclusive to the second) and by now', async () => {
    let now = END;
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox, () => now);
    const client = octokit();
    const change = special(sandbox, 'self-approved');
    const at = Date.parse(change.at);
    const searchAround = async (from: number, to: number) =>
      (
        await client.graphql<MergedPullRequestsReply>(MERGED_PULL_REQUESTS_QUERY, {
          search: `org:${ORG} is:pr is:merged merged:${searchTime(from)}..${searchTime(to)}`,
          after: null,
        })
      ).search;
    const exact = await searchAround(at, at);
    expect(exact.issueCount).toBe(1);
    expect((exact.nodes[0] as MergedPullRequestNode).number).toBe(change.number);
    expect((await searchAround(at + 1000, at + 60_000)).nodes.map((n) => (n as MergedPullRequestNode).number)).not.toContain(change.number);
    now = new Date(at - 1000);
    expect((await searchAround(at - DAY, at + DAY)).nodes.map((n) => (n as MergedPullRequestNode).number)).not.toContain(change.number);
    expect((await searchAround(at, at)).issueCount).toBe(0);
  });

  it('lists default-branch commits newest first, the direct push with no pull request', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox);
    const client = octokit();
    const push = special(sandbox, 'direct-push');
    const pushedAt = Date.parse(push.at);
    const reply = await client.graphql<DefaultBranchCommitsReply>(DEFAULT_BRANCH_COMMITS_QUERY, {
      org: ORG,
      name: push.repository,
      since: new Date(pushedAt - 3 * DAY).toISOString(),
      until: new Date(pushedAt + 3 * DAY).toISOString(),
      after: null,
    });
    const ref = reply.repository!.defaultBranchRef!;
    expect(ref.name).toBe('main');
    const commits = ref.target!.history!.nodes;
    const dates = commits.map((c) => c.committedDate);
    expect(dates).toEqual([...dates].sort().reverse());
    const direct = commits.filter((c) => c.associatedPullRequests!.nodes.length === 0);
    expect(direct.map((c) => c.oid)).toEqual([push.commit]);
    expect(direct[0]).toMatchObject({ messageHeadline: SPECIAL_CHANGES.find((c) => c.kind === 'direct-push')!.title, committedDate: push.at });
    // The admin bypass was merged through a pull request: it is in the history with it.
    const bypass = special(sandbox, 'admin-bypass');
    expect(commits.find((c) => c.oid === bypass.commit)?.associatedPullRequests?.nodes).toEqual([
      { number: bypass.number, mergedAt: bypass.at, baseRefName: 'main' },
    ]);

    const empty = await client.graphql<DefaultBranchCommitsReply>(DEFAULT_BRANCH_COMMITS_QUERY, {
      org: ORG,
      name: SPECIAL_REPOSITORIES.empty,
      since: new Date(END.getTime() - 90 * DAY).toISOString(),
      until: END.toISOString(),
      after: null,
    });
    expect(empty).toEqual({ repository: { defaultBranchRef: null } });
  });

  it('answers an unknown operation with errors', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    serve(sandbox);
    const failure = await octokit()
      .graphql('query Viewer { viewer { login } }')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphqlResponseError);
    expect((failure as GraphqlResponseError<unknown>).errors?.[0]?.message).toContain('Viewer');
    expect(sandbox.requests.byRoute['POST /graphql Viewer']).toBe(1);
  });
});

describe('the organization', () => {
  it('is a pure function of the options and now', () => {
    const requests = [
      { method: 'GET', path: `/orgs/${ORG}/repos?type=all&per_page=100`, body: '' },
      { method: 'GET', path: `/repos/${ORG}/${SPECIAL_REPOSITORIES.classic}/branches/main`, body: '' },
      { method: 'GET', path: `/orgs/${ORG}/teams/backend/repos`, body: '' },
      {
        method: 'POST',
        path: '/graphql',
        body: JSON.stringify({
          query: MERGED_PULL_REQUESTS_QUERY,
          variables: { search: `org:${ORG} is:pr is:merged merged:2025-04-01T00:00:00Z..2025-07-01T00:00:00Z`, after: null },
        }),
      },
    ];
    const bodies = (sandbox: GitHubSandbox, now: Date) => requests.map((r) => sandbox.handle({ ...r, headers: {} }, now).body);
    const a = bodies(new GitHubSandbox({ historyEnd: END, seed: 7 }), END);
    expect(bodies(new GitHubSandbox({ historyEnd: END, seed: 7 }), END)).toEqual(a);
    expect(bodies(new GitHubSandbox({ historyEnd: END, seed: 8 }), END)).not.toEqual(a);
    expect(bodies(new GitHubSandbox({ historyEnd: END, seed: 7 }), new Date(END.getTime() - 30 * DAY))).not.toEqual(a);
    expect(new GitHubSandbox({ historyEnd: END, seed: 7 }).specialChanges).toEqual(new GitHubSandbox({ historyEnd: END, seed: 7 }).specialChanges);
  });

  it('puts the special changes at their days before the end', () => {
    const sandbox = new GitHubSandbox({ historyEnd: END });
    expect(sandbox.specialChanges.map((c) => [c.kind, c.repository])).toEqual(
      [...SPECIAL_CHANGES].sort((a, b) => b.daysBeforeEnd - a.daysBeforeEnd).map((c) => [c.kind, c.repository]),
    );
    for (const change of sandbox.specialChanges) {
      expect(change.at.slice(0, 10)).toBe(new Date(END.getTime() - change.daysBeforeEnd * DAY).toISOString().slice(0, 10));
      expect(change.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('scales to 200 repositories and a busy history cheaply', () => {
    const started = performance.now();
    const sandbox = new GitHubSandbox({ historyEnd: END, repositories: 200, pullRequestsPerDay: 40 });
    const list = sandbox.handle({ method: 'GET', path: `/orgs/${ORG}/repos?type=all&per_page=100&page=2`, headers: {}, body: '' }, END);
    expect(JSON.parse(list.body)).toHaveLength(100);
    expect(list.headers['link']).toContain('rel="prev"');
    expect(sandbox.repositoryNames).toHaveLength(200);
    expect(new Set(sandbox.repositoryNames).size).toBe(200);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
