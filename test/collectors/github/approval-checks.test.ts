// The approval rules over real GraphQL replies (nock behind the real Octokit): per reviewer the latest
// review before the merge, on the merged head, by someone independent of the change, reaching the
// count the branch required. Each numbered case of issue 17 is a pull request as GitHub returns it:
// a withdrawn approval, an approval after the merge, a bot's approval, a co-author's approval, an
// approval of an earlier commit, a dismissed approval. The population row carries every fact used,
// so the verdict can be re-performed from the CSV.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readChanges } from '../../../collectors/github/change-reads.js';
import type { BranchRequirements, PullRequestData } from '../../../collectors/github/change-data.js';
import { changeRow } from '../../../collectors/github/change-population.js';
import { githubChecks } from '../../../collectors/github/checks/index.js';
import { createGitHubSession } from '../../../collectors/github/client.js';
import { github } from '../../../collectors/github/index.js';
import { githubOptionsSchema, orgSchema } from '../../../collectors/github/schema.js';
import type { GitHubOrg } from '../../../collectors/github/schema.js';
import type { EventItem } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { contextFor } from '../../helpers/collect-context.js';

const API = 'https://api.github.com';
const ORG = 'acme';
const TOKEN = 'ghp_approvals-test-token';
const NOW = new Date('2026-03-02T00:00:00Z');
const MERGED_AT = '2026-03-01T12:00:00Z';
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

const sha = (n: number) => n.toString(16).padStart(40, 'a');
const HEAD = sha(3);
/** The pull request's commits, oldest first: the head is the third. */
const COMMITS = [sha(1), sha(2), HEAD];

type Actor = { __typename: string; login: string } | null;
const user = (login: string): Actor => ({ __typename: 'User', login });
const bot = (login: string): Actor => ({ __typename: 'Bot', login });

interface Review {
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  author: Actor;
  submittedAt: string;
  commit: string;
}
const review = (state: Review['state'], author: Actor, submittedAt: string, commit = HEAD): Review => ({ state, author, submittedAt, commit });

/** A merged pull request exactly as EvidenceMergedPullRequests selects it. */
function pullRequest(number: number, options: { reviews: Review[]; coAuthors?: string[]; decision?: string; mergedBy?: string }) {
  const author = (oid: string, index: number) => ({
    totalCount: 1 + (index === 1 ? (options.coAuthors?.length ?? 0) : 0),
    nodes: [
      { name: 'Dana Dev', user: { login: 'dana-dev' } },
      ...(index === 1 ? (options.coAuthors ?? []).map((login) => ({ name: login.replace('-', ' '), user: { login } })) : []),
    ],
  });
  return {
    id: `PR_kwDOApprovals${number}`,
    number,
    url: `https://github.com/${ORG}/api/pull/${number}`,
    title: `Change ${number}`,
    repository: { name: 'api', defaultBranchRef: { name: 'main' } },
    baseRefName: 'main',
    author: user('dana-dev'),
    mergedBy: { login: options.mergedBy ?? 'dana-dev' },
    mergedAt: MERGED_AT,
    headRefOid: HEAD,
    mergeCommit: { oid: sha(900 + number) },
    reviewDecision: options.decision ?? 'APPROVED',
    reviews: { totalCount: options.reviews.length, nodes: options.reviews.map((r) => ({ ...r, commit: { oid: r.commit } })) },
    authoredCommits: { totalCount: COMMITS.length, nodes: COMMITS.map((oid, index) => ({ commit: { oid, authors: author(oid, index) } })) },
    commits: {
      nodes: [
        {
          commit: {
            oid: HEAD,
            committedDate: '2026-03-01T09:00:00Z',
            statusCheckRollup: {
              state: 'SUCCESS',
              contexts: { totalCount: 1, nodes: [{ __typename: 'CheckRun', name: 'ci/build', status: 'COMPLETED', conclusion: 'SUCCESS' }] },
            },
          },
        },
      ],
    },
  };
}

const CASES = {
  // Approved, then requested changes (their latest stance); another approved; two required; an admin merged.
  withdrawn: pullRequest(1, {
    reviews: [
      review('APPROVED', user('erin-eng'), '2026-03-01T09:30:00Z'),
      review('APPROVED', user('frank-ops'), '2026-03-01T10:00:00Z'),
      review('CHANGES_REQUESTED', user('erin-eng'), '2026-03-01T11:00:00Z'),
    ],
    decision: 'CHANGES_REQUESTED',
    mergedBy: 'octo-admin',
  }),
  // The only approval came five hours after the merge; GitHub's decision, read later, says APPROVED.
  afterMerge: pullRequest(2, { reviews: [review('APPROVED', user('erin-eng'), '2026-03-01T17:00:00Z')], mergedBy: 'octo-admin' }),
  // GitHub Actions approved (an App: __typename Bot, GraphQL login without "[bot]").
  bot: pullRequest(3, { reviews: [review('APPROVED', bot('github-actions'), '2026-03-01T10:00:00Z')] }),
  // The approver is a co-author of the second commit (Co-authored-by).
  coAuthor: pullRequest(4, { reviews: [review('APPROVED', user('gita-sec'), '2026-03-01T10:00:00Z')], coAuthors: ['gita-sec'] }),
  // Approved the first commit; two more were pushed and merged without another look.
  stale: pullRequest(5, { reviews: [review('APPROVED', user('erin-eng'), '2026-03-01T08:00:00Z', COMMITS[0])] }),
  // The approval was dismissed (GitHub turns the review itself to DISMISSED); the reviewer only commented after.
  dismissed: pullRequest(6, {
    reviews: [review('DISMISSED', user('erin-eng'), '2026-03-01T09:00:00Z'), review('COMMENTED', user('erin-eng'), '2026-03-01T10:00:00Z')],
    decision: 'REVIEW_REQUIRED',
    mergedBy: 'octo-admin',
  }),
  // Two independent approvals of the head before the merge: the control worked.
  clean: pullRequest(7, {
    reviews: [
      review('COMMENTED', user('erin-eng'), '2026-03-01T09:00:00Z'),
      review('APPROVED', user('erin-eng'), '2026-03-01T10:00:00Z'),
      review('APPROVED', user('frank-ops'), '2026-03-01T10:30:00Z'),
    ],
  }),
} as const;

/** How many approvals each case's branch required (read in the same run from its protection). */
const REQUIRED: Record<number, number> = { 1: 2, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 2 };

function mockSearch(nodes: unknown[]) {
  nock(API)
    .matchHeader('authorization', `token ${TOKEN}`)
    .post('/graphql', (body: { query: string; variables: Record<string, unknown> }) => {
      // The query asks for what the rules need: account types, commits with their authors.
      return (
        body.query.includes('query EvidenceMergedPullRequests') &&
        body.query.includes('author { __typename login }') &&
        body.query.includes('authors(first: 10)') &&
        String(body.variables['search']).startsWith(`org:${ORG} is:pr is:merged merged:`)
      );
    })
    .reply(200, { data: { search: { issueCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: 'Y3Vyc29yOjc=' }, nodes } } }, JSON_HEADERS);
}

async function read(
  nodes: unknown[],
  changes: Record<string, unknown> = {},
): Promise<{ events: EventItem[]; options: ReturnType<typeof githubOptionsSchema.parse> }> {
  const options = githubOptionsSchema.parse({ auth: { token: TOKEN }, orgs: [ORG], changes });
  const { ctx } = contextFor(github, options, { now: NOW, clientEnvironment: { github: { retryAfterBaseMs: 1, unlimitedRate: true } } });
  const { octokit } = createGitHubSession(ctx, ctx.clientEnvironment.github);
  mockSearch(nodes);
  const org = orgSchema.parse(ORG) as GitHubOrg;
  const result = await readChanges(
    octokit,
    org,
    [],
    () => null,
    { 'merged-pull-requests': '2026-03-01T00:00:00Z', 'default-branch-commits': '2026-03-01T00:00:00Z' },
    NOW,
    options.changes,
    ctx.signal,
  );
  expect(nock.pendingMocks()).toEqual([]);
  expect(result.failures).toEqual({});
  return { events: result.events, options };
}

/** Reads the cases with the branch requirement of each, as the collector joins them. */
async function readWithRequirements(nodes: unknown[], changes: Record<string, unknown> = {}) {
  const options = githubOptionsSchema.parse({ auth: { token: TOKEN }, orgs: [ORG], changes });
  const { ctx } = contextFor(github, options, { now: NOW, clientEnvironment: { github: { retryAfterBaseMs: 1, unlimitedRate: true } } });
  const { octokit } = createGitHubSession(ctx, ctx.clientEnvironment.github);
  mockSearch(nodes);
  // Every case is in one repository: the requirement is handed out per pull request, in reply order.
  let current = 0;
  const numbers = nodes.map((n) => (n as { number: number }).number);
  const requirement = (): BranchRequirements => ({
    requiredChecks: ['ci/build'],
    requiredApprovals: REQUIRED[numbers[current++]!]!,
    requiredApprovalsFrom: ['ruleset 42 (acme)'],
  });
  const result = await readChanges(
    octokit,
    orgSchema.parse(ORG) as GitHubOrg,
    [],
    requirement,
    { 'merged-pull-requests': '2026-03-01T00:00:00Z', 'default-branch-commits': '2026-03-01T00:00:00Z' },
    NOW,
    options.changes,
    ctx.signal,
  );
  expect(nock.pendingMocks()).toEqual([]);
  expect(result.failures).toEqual({});
  return { events: result.events, options };
}

function verdicts(events: EventItem[], options: ReturnType<typeof githubOptionsSchema.parse>) {
  const { findings } = evaluateChecks(githubChecks, [], [], options, NOW, ORG, events);
  return Object.fromEntries(
    findings.filter((f) => f.checkId === 'github_pull_request_independently_approved').map((f) => [f.resourceId, { status: f.status, message: f.message }]),
  );
}

const rowOf = (events: EventItem[], number: number) => changeRow(events.find((e) => e.eventId === `api#${number}`)!)!;

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('the approval check over real GraphQL replies', () => {
  it('judges each reviewer by their latest review before the merge, on the merged head, independent, up to the count required', async () => {
    const { events, options } = await readWithRequirements(Object.values(CASES));
    const judged = verdicts(events, options);
    const label = (n: number) => `api#${n} "Change ${n}" merged by ${n === 1 || n === 2 || n === 6 ? 'octo-admin' : 'dana-dev'} at 2026-03-01T12:00:00.000Z: `;

    // 1. A withdrawn approval does not count; the other approval alone is short of the two required.
    expect(judged['api#1']).toEqual({
      status: 'fail',
      message:
        `${label(1)}only 1 of the 2 independent approvals required by ruleset 42 (acme): approved by frank-ops on the final commit; ` +
        'erin-eng withdrew the approval and requested changes at 2026-03-01T11:00:00Z; merged without the approval the branch requires (protection bypassed).',
    });
    // 2. An approval after the merge does not count, and the merge bypassed the rule, whatever the later decision says.
    expect(judged['api#2']).toEqual({
      status: 'fail',
      message: `${label(2)}approved by erin-eng only after the merge (at 2026-03-01T17:00:00Z); merged without the approval the branch requires (protection bypassed).`,
    });
    // 3. An App is not an independent reviewer.
    expect(judged['api#3']).toEqual({ status: 'fail', message: `${label(3)}approved by github-actions (Bot), a GitHub App, not a person.` });
    // 4. Nor is a co-author of the change.
    expect(judged['api#4']).toEqual({ status: 'fail', message: `${label(4)}approved by gita-sec, a co-author of its commits.` });
    // 5. Code pushed after the approval was not reviewed: the evidence names the commit approved and how many came after.
    expect(judged['api#5']).toEqual({
      status: 'fail',
      message: `${label(5)}approved by erin-eng only on an earlier commit ${sha(1).slice(0, 7)} (2 commits after it not reviewed), not on the merged head ${HEAD.slice(0, 7)}.`,
    });
    // 6. A dismissed approval does not count.
    expect(judged['api#6']).toEqual({
      status: 'fail',
      message: `${label(6)}the approval of erin-eng was dismissed; merged without the approval the branch requires (protection bypassed).`,
    });
    expect(judged['api#7']).toEqual({
      status: 'pass',
      message: `${label(7)}approved by erin-eng, frank-ops on the final commit (2 of the 2 required by ruleset 42 (acme)).`,
    });
  });

  it('puts every fact of the verdict in the population row, so it can be re-performed from the CSV', async () => {
    const { events } = await readWithRequirements(Object.values(CASES));
    expect(events.every((e) => e.schemaVersion === 2)).toBe(true);

    const withdrawn = rowOf(events, 1);
    expect(withdrawn).toMatchObject({
      approvedBy: 'frank-ops',
      protectionBypassed: 'yes',
      requiredApprovals: '2 (ruleset 42 (acme))',
      commitAuthors: 'dana-dev',
      reviews:
        `erin-eng [User] APPROVED at 2026-03-01T09:30:00Z on ${HEAD.slice(0, 7)}; frank-ops [User] APPROVED at 2026-03-01T10:00:00Z on ${HEAD.slice(0, 7)}; ` +
        `erin-eng [User] CHANGES_REQUESTED at 2026-03-01T11:00:00Z on ${HEAD.slice(0, 7)}`,
      reviewersAtMerge:
        `erin-eng: CHANGES_REQUESTED at 2026-03-01T11:00:00Z on ${HEAD.slice(0, 7)}, 0 commit(s) after it: not counted ` +
        `(erin-eng withdrew the approval and requested changes at 2026-03-01T11:00:00Z); ` +
        `frank-ops: APPROVED at 2026-03-01T10:00:00Z on ${HEAD.slice(0, 7)}, 0 commit(s) after it: counts`,
      approvalRules: 'stale approvals not accepted; Apps counted as reviewers: none',
    });
    expect(withdrawn['independentApproval']).toMatch(/^no: only 1 of the 2 independent approvals/);

    expect(rowOf(events, 2)).toMatchObject({
      approvedBy: '',
      protectionBypassed: 'yes',
      reviews: `erin-eng [User] APPROVED at 2026-03-01T17:00:00Z on ${HEAD.slice(0, 7)} (after merge)`,
      reviewersAtMerge:
        'erin-eng: no review before the merge (approved after it at 2026-03-01T17:00:00Z): not counted (approved by erin-eng only after the merge (at 2026-03-01T17:00:00Z))',
    });
    expect(rowOf(events, 3)).toMatchObject({
      approvedBy: '',
      protectionBypassed: 'no',
      reviews: `github-actions [Bot] APPROVED at 2026-03-01T10:00:00Z on ${HEAD.slice(0, 7)}`,
    });
    expect(rowOf(events, 4)).toMatchObject({ approvedBy: '', commitAuthors: 'dana-dev gita-sec (co-author)' });
    expect(rowOf(events, 5)['reviewersAtMerge']).toBe(
      `erin-eng: APPROVED at 2026-03-01T08:00:00Z on ${sha(1).slice(0, 7)}, 2 commit(s) after it: not counted ` +
        `(approved by erin-eng only on an earlier commit ${sha(1).slice(0, 7)} (2 commits after it not reviewed), not ` +
        `on the merged head ${HEAD.slice(0, 7)})`,
    );
    expect(rowOf(events, 6)).toMatchObject({ approvedBy: '', protectionBypassed: 'yes', independentApproval: 'no: the approval of erin-eng was dismissed' });
    expect(rowOf(events, 7)).toMatchObject({ approvedBy: 'erin-eng frank-ops', independentApproval: 'yes', protectionBypassed: 'no' });
  });

  it('counts an approval of an earlier commit only when the config accepts stale approvals, and still says how many came after', async () => {
    const { events, options } = await readWithRequirements([CASES.stale], { acceptStaleApprovals: true });
    expect(verdicts(events, options)['api#5']).toMatchObject({
      status: 'pass',
      message: expect.stringContaining(`approved by erin-eng on the earlier commit ${sha(1).slice(0, 7)} (2 commits after it; stale approvals accepted)`),
    });
    expect(rowOf(events, 5)['approvalRules']).toBe('stale approvals accepted; Apps counted as reviewers: none');
  });

  it('counts an App as a reviewer only when the config lists it (either spelling of its login)', async () => {
    for (const listed of ['github-actions', 'github-actions[bot]']) {
      nock.cleanAll();
      const { events, options } = await readWithRequirements([CASES.bot], { independentBots: [listed] });
      expect(verdicts(events, options)['api#3']).toMatchObject({
        status: 'pass',
        message: expect.stringContaining('approved by github-actions on the final commit'),
      });
    }
    const { events, options } = await read([CASES.bot], { independentBots: ['renovate-approve[bot]'] });
    expect(verdicts(events, options)['api#3']?.status).toBe('fail');
  });

  it('passes none of them when the protection was not read, and says the requirement is unknown', async () => {
    const { events, options } = await read([CASES.clean]);
    expect(verdicts(events, options)['api#7']).toEqual({
      status: 'pass',
      message:
        'api#7 "Change 7" merged by dana-dev at 2026-03-01T12:00:00.000Z: approved by erin-eng, frank-ops on the final commit (the approvals the branch required were not recorded).',
    });
    expect(rowOf(events, 7)).toMatchObject({ requiredApprovals: 'unknown (the branch protection was not read)', protectionBypassed: 'unknown' });
  });

  it('judges an event stored before schema 2 (no commit authors, no requirement) as not shown, never as approved', () => {
    const old: PullRequestData = {
      repository: 'api',
      number: 9,
      title: 'Old',
      url: `https://github.com/${ORG}/api/pull/9`,
      author: 'dana-dev',
      mergedBy: 'dana-dev',
      mergedAt: '2025-12-01T12:00:00.000Z',
      baseRef: 'main',
      headSha: HEAD,
      mergeCommitSha: sha(999),
      reviewDecision: 'APPROVED',
      reviews: [{ state: 'APPROVED', author: 'erin-eng', submittedAt: '2025-12-01T10:00:00Z', commit: HEAD }],
      reviewsTruncated: false,
      lastCommit: { sha: HEAD, committedAt: '2025-12-01T09:00:00.000Z' },
      checks: { state: 'success', contexts: [], truncated: false },
      requiredChecks: ['ci/build'],
      protectionBypassed: false,
    };
    const event: EventItem = {
      type: 'github.pull-request',
      eventId: 'api#9',
      occurredAt: old.mergedAt,
      partition: 'merged-pull-requests',
      schemaVersion: 1,
      data: old,
    };
    const row = changeRow(event)!;
    expect(row['independentApproval']).toBe(
      "no: approved by erin-eng, but the commits' authors were not recorded (event read before schema 2) (the approvals the branch required were not recorded)",
    );
    expect(row).toMatchObject({
      protectionBypassed: 'unknown',
      requiredApprovals: 'unknown (read before event schema 2)',
      commitAuthors: 'unknown (read before event schema 2)',
    });
  });
});
