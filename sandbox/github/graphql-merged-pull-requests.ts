// EvidenceMergedPullRequests: the org's pull requests merged in the searched range (and by now), oldest
// first, 50 a page, with issueCount the number of matches; like GitHub search, only the first 1,000
// are reachable, which is why the collector splits a range that holds more.
import { githubTime } from './clock.js';
import { pullRequestDetail } from './change-details.js';
import { connectionPage, decodeCursor, invalidCursorError } from './graphql-connection.js';
import type { GraphqlResult } from './graphql-connection.js';
import type { Change } from './history.js';
import type { OrgModel } from './model.js';
import { parseMergedSearch } from './search-query.js';
import { SANDBOX_ORG, WEB_ROOT } from './urls.js';

const PAGE_SIZE = 50;

/** The name in a commit: the login's words, capitalised (`maria-chen` → `Maria Chen`). */
const displayName = (login: string) =>
  login
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
const SEARCH_REACH = 1000;

function pullRequestNode(model: OrgModel, change: Change, now: number) {
  const repo = model.repositories[change.repo]!;
  const detail = pullRequestDetail(model.seed, model.people, repo, change);
  // A review submitted after the merge exists only once its time has come.
  const pr = { ...detail, reviews: detail.reviews.filter((r) => r.submittedAt <= now) };
  const failed = pr.checks.some((c) => c.result === 'FAILURE');
  return {
    id: pr.id,
    number: change.number,
    url: `${WEB_ROOT}/${SANDBOX_ORG}/${repo.name}/pull/${change.number}`,
    title: pr.title,
    repository: { name: repo.name, defaultBranchRef: repo.empty ? null : { name: repo.defaultBranch } },
    baseRefName: change.branch,
    author: { __typename: 'User', login: pr.author },
    mergedBy: { login: pr.mergedBy },
    mergedAt: githubTime(change.at),
    headRefOid: pr.headOid,
    mergeCommit: { oid: pr.mergeCommitOid },
    reviewDecision: pr.reviewDecision,
    reviews: {
      totalCount: pr.reviews.length,
      nodes: pr.reviews.map((r) => ({
        state: r.state,
        author: { __typename: r.authorType, login: r.author },
        submittedAt: githubTime(r.submittedAt),
        commit: { oid: r.commit },
      })),
    },
    authoredCommits: {
      totalCount: pr.commits.length,
      nodes: pr.commits.map((c) => ({
        commit: {
          oid: c.oid,
          authors: { totalCount: c.authors.length, nodes: c.authors.map((login) => ({ name: displayName(login), user: { login } })) },
        },
      })),
    },
    commits: {
      nodes: [
        {
          commit: {
            oid: pr.headOid,
            committedDate: githubTime(pr.headCommittedAt),
            statusCheckRollup: {
              state: failed ? 'FAILURE' : 'SUCCESS',
              contexts: {
                totalCount: pr.checks.length,
                nodes: pr.checks.map((c) =>
                  c.kind === 'check-run'
                    ? { __typename: 'CheckRun', name: c.name, status: 'COMPLETED', conclusion: c.result }
                    : { __typename: 'StatusContext', context: c.name, state: c.result },
                ),
              },
            },
          },
        },
      ],
    },
  };
}

export function mergedPullRequests(model: OrgModel, variables: Record<string, unknown>, now: number): GraphqlResult {
  const text = variables['search'];
  if (typeof text !== 'string') return { errors: [{ message: 'Variable $search of type String! was provided invalid value' }] };
  const search = parseMergedSearch(text);
  if ('error' in search) return { data: { search: null }, errors: [{ message: search.error, path: ['search'] }] };
  const start = decodeCursor(variables['after']);
  if (start === null) return { data: { search: null }, errors: [invalidCursorError(variables['after'], ['search'])] };

  const ours = search.org === null ? search.repository?.startsWith(`${SANDBOX_ORG}/`) === true : search.org === SANDBOX_ORG;
  const found =
    !ours || search.excludesMergedPullRequests
      ? []
      : model.history
          .mergedPullRequests(search.from, search.to, now)
          .filter((c) => search.repository === null || `${SANDBOX_ORG}/${model.repositories[c.repo]!.name}` === search.repository);
  const page = connectionPage(found, start, PAGE_SIZE, (change) => pullRequestNode(model, change, now), SEARCH_REACH);
  return { data: { search: { issueCount: found.length, pageInfo: page.pageInfo, nodes: page.nodes } } };
}
