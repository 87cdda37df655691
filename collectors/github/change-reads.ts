// The change population of one organization, read incrementally: every pull request merged into a
// repository's default branch in [watermark, now − settle), with its reviews, its commits' authors and
// co-authors, what its branch required, and the checks of its last commit (GraphQL search, 50 per
// request, spans of more than 1,000 results split), and the commits of default branches in the same
// span that no merged pull request accounts for (direct pushes).
import type { EventItem, EventWindow } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';
import { protectionBypassed } from './approvals.js';
import type { ApprovalRules, BranchRequirements, CommitAuthor, DirectCommitData, PullRequestData } from './change-data.js';
import type { GitHubClient } from './client.js';
import { MalformedReplyError, describeGitHubFailure } from './errors.js';
import { DEFAULT_BRANCH_COMMITS_QUERY, MERGED_PULL_REQUESTS_QUERY } from './queries.js';
import type { CommitNode, DefaultBranchCommitsReply, MergedPullRequestNode, MergedPullRequestsReply } from './queries.js';
import { cursorGuard } from './pagination.js';
import { selected } from './repo-reads.js';
import type { ListedRepository } from './repo-reads.js';
import { EVENT_SCHEMA_VERSION, EVENTS, PARTITIONS } from './schema.js';
import type { GitHubOptions, GitHubOrg } from './schema.js';

const DAY_MS = 86_400_000;
/** GitHub search returns at most 1,000 results per query. */
export const SEARCH_RESULT_CAP = 1000;

export interface ChangeReads {
  events: EventItem[];
  windows: EventWindow[];
  /** Per partition, why its window is incomplete. */
  failures: Partial<Record<(typeof PARTITIONS)[keyof typeof PARTITIONS], string>>;
  /** GraphQL requests spent (for the run's meta). */
  queries: number;
}

/** The span to read per partition: from its watermark (or the backfill) to now − settle. */
export function changeSpan(watermark: string | undefined, now: Date, changes: GitHubOptions['changes']): { from: Date; to: Date } {
  const to = new Date(now.getTime() - changes.settleMinutes * 60_000);
  const parsed = watermark ? new Date(watermark) : undefined;
  const from = parsed && !Number.isNaN(parsed.getTime()) ? parsed : new Date(now.getTime() - changes.backfillDays * DAY_MS);
  return { from: from > to ? to : from, to };
}

export async function readChanges(
  octokit: GitHubClient,
  org: GitHubOrg,
  repositories: ListedRepository[] | null,
  requirements: (repo: string) => BranchRequirements | null,
  watermarks: Record<string, string>,
  now: Date,
  changes: GitHubOptions['changes'],
  signal: AbortSignal,
): Promise<ChangeReads> {
  const counter = { queries: 0 };
  const prSpan = changeSpan(watermarks[PARTITIONS.pullRequests], now, changes);
  const pushSpan = changeSpan(watermarks[PARTITIONS.pushes], now, changes);
  const failures: ChangeReads['failures'] = {};
  const events: EventItem[] = [];
  const rules: ApprovalRules = { acceptStaleApprovals: changes.acceptStaleApprovals, independentBots: [...changes.independentBots].sort(compareStrings) };

  try {
    const prs = await searchMerged(octokit, org.login, prSpan.from, prSpan.to, counter, signal);
    for (const pr of prs) {
      const defaultBranch = pr.repository.defaultBranchRef?.name;
      if (!defaultBranch || pr.baseRefName !== defaultBranch || !selected(org, pr.repository.name)) continue;
      events.push(pullRequestEvent(pr, requirements(pr.repository.name), rules));
    }
  } catch (error) {
    signal.throwIfAborted();
    failures[PARTITIONS.pullRequests] = describeGitHubFailure(`GraphQL EvidenceMergedPullRequests for ${org.login}`, error);
  }

  if (repositories === null) {
    failures[PARTITIONS.pushes] = 'the repositories could not be listed';
  } else {
    // Only a repository pushed to since the span began can have new commits on its default branch.
    const pushed = repositories.filter((r) => r.defaultBranch && r.pushedAt && new Date(r.pushedAt) >= pushSpan.from);
    for (const repo of pushed) {
      try {
        events.push(...(await directCommits(octokit, org.login, repo.name, pushSpan.from, pushSpan.to, counter, signal)));
      } catch (error) {
        signal.throwIfAborted();
        failures[PARTITIONS.pushes] = describeGitHubFailure(`GraphQL EvidenceDefaultBranchCommits for ${org.login}/${repo.name}`, error);
        break;
      }
    }
  }

  const window = (partition: (typeof PARTITIONS)[keyof typeof PARTITIONS], span: { from: Date; to: Date }): EventWindow => ({
    partition,
    from: span.from.toISOString(),
    to: span.to.toISOString(),
    complete: failures[partition] === undefined,
    ...(failures[partition] ? { error: failures[partition] } : {}),
  });
  return {
    events: events.sort((a, b) => compareStrings(a.occurredAt, b.occurredAt) || compareStrings(a.eventId, b.eventId)),
    windows: [window(PARTITIONS.pullRequests, prSpan), window(PARTITIONS.pushes, pushSpan)],
    failures,
    queries: counter.queries,
  };
}

/** Merged pull requests in [from, to); a span with more results than search returns is halved. */
async function searchMerged(
  octokit: GitHubClient,
  org: string,
  from: Date,
  to: Date,
  counter: { queries: number },
  signal: AbortSignal,
): Promise<MergedPullRequestNode[]> {
  if (from >= to) return [];
  // The range is inclusive to the second; the half-open window is applied to mergedAt below.
  const search = `org:${org} is:pr is:merged merged:${searchTime(from)}..${searchTime(to)}`;
  const found: MergedPullRequestNode[] = [];
  let after: string | null = null;
  const guard = cursorGuard(`GraphQL EvidenceMergedPullRequests for ${org}`);
  do {
    signal.throwIfAborted();
    counter.queries++;
    const reply: MergedPullRequestsReply = await octokit.graphql<MergedPullRequestsReply>(MERGED_PULL_REQUESTS_QUERY, { search, after });
    const result = reply?.search;
    if (!result || !Array.isArray(result.nodes)) throw new MalformedReplyError('the reply has no search results');
    if (result.issueCount > SEARCH_RESULT_CAP && to.getTime() - from.getTime() > 1000) {
      const middle = new Date(from.getTime() + Math.floor((to.getTime() - from.getTime()) / 2000) * 1000);
      return [...(await searchMerged(octokit, org, from, middle, counter, signal)), ...(await searchMerged(octokit, org, middle, to, counter, signal))];
    }
    for (const item of result.nodes) {
      if (!item || !('number' in item)) continue;
      const node = item as MergedPullRequestNode;
      if (typeof node.mergedAt !== 'string' || typeof node.headRefOid !== 'string' || !node.repository?.name) {
        throw new MalformedReplyError(`pull request #${String(node.number)} has no mergedAt, headRefOid or repository`);
      }
      const merged = new Date(node.mergedAt);
      if (merged >= from && merged < to) found.push(node);
    }
    after = result.pageInfo?.hasNextPage ? result.pageInfo.endCursor : null;
    guard.page(after);
  } while (after);
  return found;
}

const searchTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

function pullRequestEvent(pr: MergedPullRequestNode, requirements: BranchRequirements | null, rules: ApprovalRules): EventItem {
  const last = pr.commits?.nodes?.[0]?.commit ?? null;
  const rollup = last?.statusCheckRollup ?? null;
  const contexts = (rollup?.contexts?.nodes ?? [])
    .map((c) =>
      c.__typename === 'CheckRun'
        ? { name: c.name, kind: 'check-run' as const, result: (c.conclusion ?? c.status).toLowerCase() }
        : { name: c.context, kind: 'status' as const, result: c.state.toLowerCase() },
    )
    .sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.kind, b.kind));
  const data: PullRequestData = {
    repository: pr.repository.name,
    number: pr.number,
    title: pr.title,
    url: pr.url,
    author: pr.author?.login ?? null,
    authorType: pr.author?.__typename ?? null,
    mergedBy: pr.mergedBy?.login ?? null,
    mergedAt: new Date(pr.mergedAt).toISOString(),
    baseRef: pr.baseRefName,
    headSha: pr.headRefOid,
    mergeCommitSha: pr.mergeCommit?.oid ?? null,
    reviewDecision: pr.reviewDecision ?? null,
    reviews: (pr.reviews?.nodes ?? [])
      .map((r) => ({
        state: r.state,
        author: r.author?.login ?? null,
        authorType: r.author?.__typename ?? null,
        submittedAt: r.submittedAt ?? null,
        commit: r.commit?.oid ?? null,
      }))
      .sort((a, b) => compareStrings(a.submittedAt ?? '', b.submittedAt ?? '')),
    reviewsTruncated: (pr.reviews?.totalCount ?? 0) > (pr.reviews?.nodes?.length ?? 0),
    ...commitsOf(pr),
    lastCommit: last ? { sha: last.oid, committedAt: new Date(last.committedDate).toISOString() } : null,
    checks: {
      state: rollup?.state?.toLowerCase() ?? null,
      contexts,
      truncated: (rollup?.contexts?.totalCount ?? 0) > contexts.length,
    },
    requiredChecks: requirements?.requiredChecks ?? null,
    requiredApprovals: requirements?.requiredApprovals ?? null,
    requiredApprovalsFrom: requirements?.requiredApprovalsFrom ?? [],
    approvalRules: rules,
    protectionBypassed: null,
  };
  data.protectionBypassed = protectionBypassed(data);
  return {
    type: EVENTS.pullRequest,
    eventId: `${pr.repository.name}#${pr.number}`,
    occurredAt: data.mergedAt,
    partition: PARTITIONS.pullRequests,
    schemaVersion: EVENT_SCHEMA_VERSION,
    data,
  };
}

/**
 * The pull request's commits (oldest first) and everyone who wrote or co-wrote them. GitHub lists a
 * commit's git author first, then its Co-authored-by co-authors.
 */
function commitsOf(pr: MergedPullRequestNode): Pick<PullRequestData, 'commits' | 'commitAuthors' | 'commitsTruncated'> {
  const connection = pr.authoredCommits;
  if (!connection || !Array.isArray(connection.nodes)) throw new MalformedReplyError(`pull request #${pr.number} has no commit list`);
  const authors = new Map<string, CommitAuthor>();
  let truncated = connection.totalCount > connection.nodes.length;
  for (const { commit } of connection.nodes) {
    const people = commit.authors?.nodes ?? [];
    truncated ||= (commit.authors?.totalCount ?? 0) > people.length;
    people.forEach((person, index) => {
      const login = person.user?.login ?? null;
      const key = login ? `@${login.toLowerCase()}` : `"${person.name ?? ''}`;
      const coAuthor = index > 0;
      const known = authors.get(key);
      authors.set(key, { login, name: login ? null : (person.name ?? null), coAuthor: known ? known.coAuthor && coAuthor : coAuthor });
    });
  }
  return {
    commits: connection.nodes.map(({ commit }) => commit.oid),
    commitAuthors: [...authors.values()].sort((a, b) => compareStrings(a.login ?? `~${a.name ?? ''}`, b.login ?? `~${b.name ?? ''}`)),
    commitsTruncated: truncated,
  };
}

/** Commits of the default branch in [from, to) that no pull request merged into that branch contains. */
async function directCommits(
  octokit: GitHubClient,
  org: string,
  repo: string,
  from: Date,
  to: Date,
  counter: { queries: number },
  signal: AbortSignal,
): Promise<EventItem[]> {
  const found: EventItem[] = [];
  let after: string | null = null;
  const guard = cursorGuard(`GraphQL EvidenceDefaultBranchCommits for ${org}/${repo}`);
  do {
    signal.throwIfAborted();
    counter.queries++;
    const reply: DefaultBranchCommitsReply = await octokit.graphql<DefaultBranchCommitsReply>(DEFAULT_BRANCH_COMMITS_QUERY, {
      org,
      name: repo,
      since: from.toISOString(),
      until: to.toISOString(),
      after,
    });
    const ref = reply?.repository?.defaultBranchRef;
    if (!ref) return found; // an empty repository has no default branch yet
    const history = ref.target?.history;
    if (!history || !Array.isArray(history.nodes)) throw new MalformedReplyError(`${repo}: the default branch has no commit history in the reply`);
    for (const commit of history.nodes) {
      const committed = new Date(commit.committedDate);
      if (!(committed >= from && committed < to) || viaPullRequest(commit, ref.name)) continue;
      found.push(commitEvent(repo, ref.name, commit));
    }
    after = history.pageInfo.hasNextPage ? history.pageInfo.endCursor : null;
    guard.page(after);
  } while (after);
  return found;
}

const viaPullRequest = (commit: CommitNode, branch: string) =>
  (commit.associatedPullRequests?.nodes ?? []).some((pr) => pr.mergedAt !== null && pr.baseRefName === branch);

function commitEvent(repo: string, branch: string, commit: CommitNode): EventItem {
  const data: DirectCommitData = {
    repository: repo,
    branch,
    sha: commit.oid,
    committedAt: new Date(commit.committedDate).toISOString(),
    headline: commit.messageHeadline,
    author: commit.author?.user?.login ?? null,
    committer: commit.committer?.user?.login ?? null,
  };
  return {
    type: EVENTS.commit,
    eventId: `${repo}@${commit.oid}`,
    occurredAt: data.committedAt,
    partition: PARTITIONS.pushes,
    schemaVersion: EVENT_SCHEMA_VERSION,
    data,
  };
}
