// API faults in the github collector, injected in front of the sandbox organization through the real
// Octokit (throttling and retry plugins, Link pagination, GraphQL): each fault is retried within bounds,
// then makes the run partial (the organization part or repository it hides gets `error` findings,
// never `pass`) or failed, with the reason; none hangs.
import { describe, expect, it } from 'vitest';
import { demoGitHubOptions } from '../../../collectors/github/demo.js';
import { SANDBOX_ORG } from '../../../sandbox/github/index.js';
import { EVIDENCE } from '../../../collectors/github/schema.js';
import { MAX_PAGES } from '../../../collectors/github/pagination.js';
import { cutOffBody, expectFaultHandled, expectRequests, fault } from '../../helpers/api-faults.js';
import type { Affected, FaultCase, Intercept, Reply } from '../../helpers/api-faults.js';
import { collect, configured, useFaultBench } from '../../helpers/fault-harness.js';

const bench = useFaultBench();
const REST = `/api/v3`;
const ORG = SANDBOX_ORG;
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** GETs of the REST API whose path (query string included) starts with `prefix`, or is `exactly` it. */
const get =
  (prefix: string, exactly = false): Intercept =>
  (scope, active) =>
    scope.get((path: string) => active() && (exactly ? path === `${REST}${prefix}` : path.startsWith(`${REST}${prefix}`)));
/** A GraphQL operation, by its name. */
const graphql =
  (operation: string): Intercept =>
  (scope, active) =>
    scope.post('/api/graphql', (body: { query?: string }) => active() && String(body.query).includes(`query ${operation}`));

const message = (status: number, text: string, headers: Record<string, string> = {}): Reply => [
  status,
  JSON.stringify({ message: text, documentation_url: 'https://docs.github.com/rest' }),
  { ...JSON_TYPE, ...headers },
];
/** The primary rate limit: nothing left until the reset (a second from now). */
const primaryLimit = (status: 403 | 429): Reply =>
  message(status, 'API rate limit exceeded for installation ID 1.', {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
  });
const secondaryLimit = (): Reply =>
  message(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': '1' });
/** A page of users whose Link says the next page is `next`. */
const usersPage = (next: string): Reply => [200, JSON.stringify([{ login: 'someone', id: 1 }]), { ...JSON_TYPE, link: `<${next}>; rel="next"` }];

const BRANCH_CHECKS = [
  'github_repo_default_branch_protected',
  'github_repo_approvals_required',
  'github_repo_stale_approvals_dismissed',
  'github_repo_status_checks_required',
  'github_repo_admins_cannot_bypass',
  'github_repo_force_push_deletion_blocked',
];
const REPO = 'payments-api';
const repoProtectionUnread: Affected = { id: `${ORG}/${REPO}`, checks: BRANCH_CHECKS };
/** A repository whose admins and workflow token settings could not be read. */
const repoAccessUnread: Affected = { id: `${ORG}/${REPO}`, checks: ['github_repo_admins_limited', 'github_actions_workflow_permissions_restricted'] };
const collaboratorsUnread: Affected = { id: `${ORG}/*`, type: EVIDENCE.outsideCollaborator };
const webhooksUnread: Affected = { id: `${ORG}/*`, type: EVIDENCE.webhook };

/** The demo's options; merged changes only where the fault is in them. */
const withChanges = (enabled: boolean, extra: Record<string, unknown> = {}) => ({
  changes: { ...demoGitHubOptions().changes, enabled, backfillDays: 2 },
  ...extra,
});

const cases: FaultCase[] = [
  {
    name: 'the secondary rate limit twice, then answered: waited, retried, and the run is ok',
    inject: (o) => fault(get(`/orgs/${ORG}/hooks`), o, secondaryLimit, { times: 2 }),
    status: 'ok',
    reason: /^$/,
    requests: 2,
  },
  {
    name: 'the primary rate limit (403, x-ratelimit-remaining: 0) on every webhook read',
    inject: (o) => fault(get(`/orgs/${ORG}/hooks`), o, () => primaryLimit(403)),
    status: 'partial',
    reason: /GET \/orgs\/example-co\/hooks: HTTP 403: API rate limit exceeded/,
    affected: [webhooksUnread],
    // The first request and two retries after the reset.
    requests: 3,
  },
  {
    name: 'the primary rate limit as a 429 on every outside-collaborator read',
    inject: (o) => fault(get(`/orgs/${ORG}/outside_collaborators`), o, () => primaryLimit(429)),
    status: 'partial',
    reason: /outside_collaborators: HTTP 429: API rate limit exceeded/,
    affected: [collaboratorsUnread],
    // Waited out by the throttling plugin only (the retry plugin retried it as well, doubling this).
    requests: 3,
  },
  {
    name: 'the secondary rate limit (403, retry-after) on every outside-collaborator read',
    inject: (o) => fault(get(`/orgs/${ORG}/outside_collaborators`), o, secondaryLimit),
    status: 'partial',
    reason: /outside_collaborators: HTTP 403: You have exceeded a secondary rate limit/,
    affected: [collaboratorsUnread],
    requests: 3,
  },
  {
    name: `a 502 on every read of ${REPO}'s default branch`,
    inject: (o) => fault(get(`/repos/${ORG}/${REPO}/branches/`), o, () => message(502, 'Server Error')),
    status: 'partial',
    reason: new RegExp(`protection of ${ORG}/${REPO} branch \\S+: HTTP 502`),
    affected: [repoProtectionUnread],
    // The first request and the retry plugin's three retries.
    requests: 4,
  },
  {
    name: 'the connection reset on every webhook read',
    inject: (o) => fault(get(`/orgs/${ORG}/hooks`), o, 'reset'),
    status: 'partial',
    // Octokit reports a failed fetch as an HTTP 500 (with the network error's message, when it has one).
    reason: /GET \/orgs\/example-co\/hooks: HTTP 500/,
    affected: [webhooksUnread],
    // The first request and the retry plugin's three retries.
    requests: 4,
  },
  {
    name: 'truncated JSON in the outside-collaborator list',
    inject: (o) => fault(get(`/orgs/${ORG}/outside_collaborators`), o, () => [200, '[{"login":"avasq', JSON_TYPE]),
    status: 'partial',
    reason: /outside_collaborators: the reply is not valid JSON/,
    affected: [collaboratorsUnread],
    requests: 1,
  },
  {
    name: 'a body cut off mid-stream in the webhook list',
    inject: (o) => fault(get(`/orgs/${ORG}/hooks`), o, () => [200, cutOffBody('[{"id":412008664,"config":{"url":"https://'), JSON_TYPE]),
    status: 'partial',
    // Octokit took the cut-off body for an empty list: an org "without webhooks", and an ok run.
    reason: /GET \/orgs\/example-co\/hooks: the reply is (empty|not valid JSON)/,
    affected: [webhooksUnread],
    // fetch reports no error for a body cut off, so the read cannot tell it from a bad reply: not retried.
    requests: 1,
  },
  {
    name: 'a Link "next" that loops (the page names itself as the next one)',
    inject: (o) => fault(get(`/orgs/${ORG}/outside_collaborators`), o, () => usersPage(`${o}${REST}/orgs/${ORG}/outside_collaborators?per_page=100&page=2`)),
    status: 'partial',
    reason: /outside_collaborators: page 2 repeats the token of an earlier page/,
    affected: [collaboratorsUnread],
    requests: 2,
  },
  {
    // The listing stops at MAX_PAGES too (as the IAM listings do at theirs), but a thousand pages
    // through the fault harness take longer than a test should: here the run deadline ends it.
    name: 'pages that never end (a new Link "next" on every page): bounded by the run deadline',
    inject: (o) =>
      fault(get(`/orgs/${ORG}/outside_collaborators`), o, (n) => usersPage(`${o}${REST}/orgs/${ORG}/outside_collaborators?per_page=100&page=${n + 1}`)),
    status: 'aborted',
    reason: /run exceeded its timeout of 1 s/,
    requests: [MAX_PAGES],
    options: withChanges(false, { timeoutSeconds: 1 }),
  },
  {
    name: 'a GraphQL endCursor that loops (repository details)',
    inject: (o) =>
      fault(graphql('EvidenceRepositoryDetails'), o, () => [
        200,
        JSON.stringify({ data: { organization: { repositories: { pageInfo: { hasNextPage: true, endCursor: 'Y3Vyc29yOjE=' }, nodes: [] } } } }),
        JSON_TYPE,
      ]),
    status: 'partial',
    reason: /GraphQL EvidenceRepositoryDetails for example-co: .*repeats the token/,
    affected: [{ id: `${ORG}/${REPO}`, type: EVIDENCE.repositoryDetails }],
    requests: 2,
  },
  {
    name: 'bad credentials (401) from the first read: the run fails',
    inject: (o) => fault(get(`/orgs/${ORG}`), o, () => message(401, 'Bad credentials')),
    status: 'failed',
    reason: /HTTP 401: Bad credentials \(check the token/,
    // Never retried; the reads started alongside the organization's fail the same way.
    requests: [10],
  },
  {
    name: 'credentials revoked mid-run (401 on every repository read)',
    inject: (o) => fault(get(`/repos/`), o, () => message(401, 'Bad credentials')),
    status: 'partial',
    reason: /HTTP 401: Bad credentials/,
    affected: [repoProtectionUnread, repoAccessUnread],
    // Per repository, one request of each read (its branch, its two collaborator lists, its workflow
    // token settings) and the deploy keys past the GraphQL page: 11 × 4 + 1, none retried.
    requests: [45],
  },
  {
    name: `permission denied (403) on ${REPO}'s branch protection only`,
    inject: (o) =>
      fault(get(`/repos/${ORG}/${REPO}/branches/main/protection`), o, () =>
        message(403, 'Resource not accessible by integration', { 'x-accepted-github-permissions': 'administration=read' }),
      ),
    status: 'partial',
    reason: /HTTP 403: Resource not accessible by integration \(needs the permission administration=read\)/,
    affected: [repoProtectionUnread],
    requests: 1,
  },
  {
    name: 'a merged-pull-request search whose endCursor loops',
    inject: (o) =>
      fault(graphql('EvidenceMergedPullRequests'), o, () => [
        200,
        JSON.stringify({ data: { search: { issueCount: 1, pageInfo: { hasNextPage: true, endCursor: 'Y3Vyc29yOjI=' }, nodes: [] } } }),
        JSON_TYPE,
      ]),
    status: 'partial',
    reason: /GraphQL EvidenceMergedPullRequests for example-co: .*repeats the token/,
    affected: [{ id: `${ORG}/changes`, type: EVIDENCE.changes }],
    requests: 2,
    options: withChanges(true),
  },
  {
    name: 'a server that goes quiet on the webhook list: each attempt times out, and the rest is kept',
    inject: (o) => fault(get(`/orgs/${ORG}/hooks`), o, () => message(200, 'late'), { delayMs: 10_000 }),
    status: 'partial',
    reason: /GET \/orgs\/example-co\/hooks: HTTP 500: no reply within 300 ms/,
    affected: [webhooksUnread],
    // The first request and the retry plugin's three retries, each cut off at the request timeout.
    requests: 4,
    requestTimeoutMs: 300,
  },
  {
    name: 'the organization reply delayed beyond the run deadline',
    inject: (o) => fault(get(`/orgs/${ORG}`, true), o, () => message(200, 'late'), { delayMs: 10_000 }),
    status: 'aborted',
    reason: /run exceeded its timeout of 0.5 s/,
    requests: 1,
    options: withChanges(false, { timeoutSeconds: 0.5 }),
  },
];

describe('github under API faults', () => {
  it.each(cases)('$name', async (c) => {
    const counter = c.inject(bench.origin);
    const options: Record<string, unknown> = c.options ?? withChanges(false);
    const { run, findings, elapsedMs } = await collect(
      bench,
      [configured('github', options)],
      c.requestTimeoutMs ? { github: { requestTimeoutMs: c.requestTimeoutMs } } : {},
    );
    if (c.status === 'ok') expect({ status: run.status, error: run.error }).toEqual({ status: 'ok', error: null });
    else expectFaultHandled(run, findings, { status: c.status, reason: c.reason, affected: c.affected ?? [] });
    expectRequests(counter, c.requests);
    const timeoutSeconds = (options['timeoutSeconds'] as number | undefined) ?? 5;
    expect(elapsedMs).toBeLessThan((timeoutSeconds + 1) * 1000);
  });
});
