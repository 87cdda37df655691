// What a change looks like up close, derived from its key on demand: the author, the reviews and the
// commit each review was on, who merged, the head and merge commits, and the checks of the head.
// Ordinary pull requests are clean (approved by enough people other than their author, before the
// merge, on the merged head, checks green), so the only findings of the change checks are the special
// changes, each bent the one way it stands for.
import { between, draw, gitOid, graphNodeId, pick } from './chance.js';
import { HOUR_MS, MINUTE_MS, wholeSecond } from './clock.js';
import type { Change } from './history.js';
import type { People, Person } from './people.js';
import { REQUIRED_CHECK } from './repositories.js';
import type { CheckSpec, RepositorySpec } from './repositories.js';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';

export interface ReviewDetail {
  state: ReviewState;
  author: string;
  /** GraphQL's __typename of the reviewer: a person, or a GitHub App's bot. */
  authorType: 'User' | 'Bot';
  submittedAt: number;
  commit: string;
}

/** A commit of the pull request: its git author first, then its Co-authored-by co-authors. */
export interface CommitDetail {
  oid: string;
  authors: string[];
}

/** The GitHub Actions app's bot, as GraphQL names it (REST: github-actions[bot]). */
export const ACTIONS_BOT = 'github-actions';

export interface CheckResult extends CheckSpec {
  result: 'SUCCESS' | 'FAILURE';
}

export interface PullRequestDetail {
  id: string;
  title: string;
  author: string;
  mergedBy: string;
  headOid: string;
  headCommittedAt: number;
  mergeCommitOid: string;
  /** As GitHub shows it when read, after the merge. */
  reviewDecision: 'APPROVED' | 'CHANGES_REQUESTED' | 'REVIEW_REQUIRED' | null;
  reviews: ReviewDetail[];
  /** Oldest first; the last is the head. */
  commits: CommitDetail[];
  checks: CheckResult[];
}

export interface PushDetail {
  oid: string;
  headline: string;
  author: string;
}

const VERBS = ['Add', 'Fix', 'Refactor', 'Update', 'Remove', 'Improve', 'Document', 'Speed up', 'Harden', 'Simplify'];
const SUBJECTS = [
  'retry logic for webhook delivery',
  'pagination in the orders endpoint',
  'logging of failed logins',
  'the Dockerfile base image',
  'flaky integration test',
  'rate limiting on the public API',
  'error messages on the signup form',
  'database connection pooling',
  'feature flag for the new checkout',
  'timeouts in the HTTP client',
  'CSV export of invoices',
  'dependency versions',
  'metrics for queue depth',
  'input validation on the settings page',
  'the release notes template',
];

/** Squash merges: the commit a merged pull request put on its base branch. */
export const mergeCommitOid = (seed: number, change: Change): string => gitOid(seed, `merge:${change.key}`);
/** The commit a change put on its branch: the squash commit, or the pushed commit. */
export const landedCommitOid = (seed: number, change: Change): string =>
  change.kind === 'pull-request' ? mergeCommitOid(seed, change) : gitOid(seed, `push:${change.key}`);

/** `count` different people from `pool`, none of them in `exclude`, fixed by the key. */
function choosePeople(seed: number, key: string, pool: readonly Person[], count: number, exclude: readonly string[]): string[] {
  const chosen: string[] = [];
  for (let attempt = 0; chosen.length < count && attempt < count * 20; attempt++) {
    const login = pick(pool, draw(seed, `${key}:${attempt}`)).login;
    if (!exclude.includes(login) && !chosen.includes(login)) chosen.push(login);
  }
  return chosen;
}

export function pullRequestDetail(seed: number, people: People, repo: RepositorySpec, change: Change): PullRequestDetail {
  const key = change.key;
  const kind = change.special?.kind ?? null;
  const author = pick(people.nonOwners, draw(seed, `author:${key}`)).login;
  const reviewers = choosePeople(seed, `reviewer:${key}`, people.members, Math.max(2, repo.requiredApprovals), [author]);
  const headOid = gitOid(seed, `head:${key}`);
  // The last commit came 20 minutes to 6 hours before the merge; reviews fall in between.
  const headCommittedAt = wholeSecond(change.at - 20 * MINUTE_MS - draw(seed, `head-age:${key}`) * 6 * HOUR_MS);
  const during = (fraction: number) => wholeSecond(headCommittedAt + (change.at - headCommittedAt) * fraction);
  const approval = (login: string, i: number): ReviewDetail => ({
    state: 'APPROVED',
    author: login,
    authorType: 'User',
    submittedAt: during(0.4 + 0.5 * draw(seed, `review-time:${key}:${i}`)),
    commit: headOid,
  });
  const review = (state: ReviewState, login: string, submittedAt: number, commit = headOid, authorType: ReviewDetail['authorType'] = 'User'): ReviewDetail => ({
    state,
    author: login,
    authorType,
    submittedAt,
    commit,
  });

  let reviews = reviewers.slice(0, repo.requiredApprovals).map(approval);
  if (draw(seed, `comment:${key}`) < 0.25 && reviewers.length > repo.requiredApprovals) {
    reviews.unshift(review('COMMENTED', reviewers[repo.requiredApprovals]!, during(0.2)));
  }
  let mergedBy = draw(seed, `merger:${key}`) < 0.65 ? author : reviewers[0]!;
  let reviewDecision: PullRequestDetail['reviewDecision'] = repo.protection === 'none' ? null : 'APPROVED';
  let checkFails = false;
  // One to three commits, all by the author; the earlier ones come before the head.
  const earlierCount =
    kind === 'approved-before-later-commit' || kind === 'dismissed-and-commented' || kind === 'co-author-approved' ? 1 : between(seed, `commits:${key}`, 0, 2);
  const earlier = Array.from({ length: earlierCount }, (_, i) => gitOid(seed, `head-${earlierCount - i}:${key}`));
  const earlierOid = earlier.at(-1) ?? headOid;
  const commits: CommitDetail[] = [...earlier, headOid].map((oid) => ({ oid, authors: [author] }));
  const owner = () => pick(people.owners, draw(seed, `bypass-owner:${key}`)).login;

  switch (kind) {
    case 'self-approved':
      reviews = [review('APPROVED', author, during(0.6))];
      mergedBy = author;
      break;
    case 'approved-before-later-commit':
      // Approved on the earlier commit an hour before the last one was pushed; merged without a new look.
      reviews = [review('APPROVED', reviewers[0]!, wholeSecond(headCommittedAt - HOUR_MS), earlierOid)];
      mergedBy = author;
      break;
    case 'admin-bypass':
      reviews = [];
      reviewDecision = 'REVIEW_REQUIRED';
      mergedBy = owner();
      break;
    case 'dismissed-and-commented':
      reviews = [review('DISMISSED', reviewers[0]!, wholeSecond(headCommittedAt - 2 * HOUR_MS), earlierOid), review('COMMENTED', reviewers[1]!, during(0.5))];
      mergedBy = author;
      break;
    case 'withdrawn-approval':
      // Approved, then asked for changes (the latest stance); an owner merged anyway.
      reviews = [review('APPROVED', reviewers[0]!, during(0.3)), review('CHANGES_REQUESTED', reviewers[0]!, during(0.7))];
      reviewDecision = 'CHANGES_REQUESTED';
      mergedBy = owner();
      break;
    case 'approved-after-merge':
      // An owner merged first; the approval came five hours later, and the decision read later says APPROVED.
      reviews = [review('APPROVED', reviewers[0]!, wholeSecond(change.at + 5 * HOUR_MS))];
      mergedBy = owner();
      break;
    case 'bot-approved':
      // A workflow approved with the GITHUB_TOKEN (the organization lets Actions approve pull requests).
      reviews = [review('APPROVED', ACTIONS_BOT, during(0.6), headOid, 'Bot')];
      mergedBy = author;
      break;
    case 'co-author-approved':
      // The approver paired on the change: a co-author of its first commit.
      commits[0] = { oid: earlier[0]!, authors: [author, reviewers[0]!] };
      reviews = [review('APPROVED', reviewers[0]!, during(0.6))];
      mergedBy = author;
      break;
    case 'failing-check':
      checkFails = true;
      break;
    default:
      break;
  }

  const ran: CheckSpec[] = [{ kind: 'check-run', name: REQUIRED_CHECK }, ...repo.extraChecks];
  const checks = ran.map((check): CheckResult => ({
    ...check,
    result: checkFails && check.name === REQUIRED_CHECK ? 'FAILURE' : 'SUCCESS',
  }));
  const title = change.special?.title ?? `${pick(VERBS, draw(seed, `title-verb:${key}`))} ${pick(SUBJECTS, draw(seed, `title-subject:${key}`))}`;
  return {
    id: graphNodeId('PR', seed, key),
    title,
    author,
    mergedBy,
    headOid,
    headCommittedAt,
    mergeCommitOid: mergeCommitOid(seed, change),
    reviewDecision,
    reviews: reviews.sort((a, b) => a.submittedAt - b.submittedAt),
    commits,
    checks,
  };
}

export function pushDetail(seed: number, people: People, change: Change): PushDetail {
  const headline = change.special?.title ?? `Update ${between(seed, `push-file:${change.key}`, 1, 9)} files`;
  return { oid: landedCommitOid(seed, change), headline, author: pick(people.owners, draw(seed, `pusher:${change.key}`)).login };
}

/** The headline and author of the commit a change put on its branch (`Title (#123)` for a squash merge). */
export function landedCommit(seed: number, people: People, repo: RepositorySpec, change: Change): { headline: string; author: string } {
  if (change.kind === 'direct-push') {
    const push = pushDetail(seed, people, change);
    return { headline: push.headline, author: push.author };
  }
  const pr = pullRequestDetail(seed, people, repo, change);
  return { headline: `${pr.title} (#${change.number})`, author: pr.author };
}
