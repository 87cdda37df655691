// What a change looks like up close, derived from its key on demand: the author, the reviews and the
// commit each review was on, who merged, the head and merge commits, and the checks of the head.
// Ordinary pull requests are clean (approved by someone else on the merged head, checks green), so
// the only findings of the change checks are the special changes, each bent the one way it stands for.
import { between, draw, gitOid, graphNodeId, pick } from './chance.js';
import { HOUR_MS, MINUTE_MS, wholeSecond } from './clock.js';
import type { Change } from './history.js';
import type { People, Person } from './people.js';
import { REQUIRED_CHECK } from './repositories.js';
import type { CheckSpec, RepositorySpec } from './repositories.js';

export type ReviewState = 'APPROVED' | 'COMMENTED' | 'DISMISSED';

export interface ReviewDetail {
  state: ReviewState;
  author: string;
  submittedAt: number;
  commit: string;
}

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
  reviewDecision: 'APPROVED' | 'REVIEW_REQUIRED' | null;
  reviews: ReviewDetail[];
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
    submittedAt: during(0.4 + 0.5 * draw(seed, `review-time:${key}:${i}`)),
    commit: headOid,
  });

  let reviews = reviewers.slice(0, repo.requiredApprovals).map(approval);
  if (draw(seed, `comment:${key}`) < 0.25 && reviewers.length > repo.requiredApprovals) {
    reviews.unshift({ state: 'COMMENTED', author: reviewers[repo.requiredApprovals]!, submittedAt: during(0.2), commit: headOid });
  }
  let mergedBy = draw(seed, `merger:${key}`) < 0.65 ? author : reviewers[0]!;
  let reviewDecision: PullRequestDetail['reviewDecision'] = repo.protection === 'none' ? null : 'APPROVED';
  let checkFails = false;
  const earlierOid = gitOid(seed, `head-1:${key}`);

  switch (kind) {
    case 'self-approved':
      reviews = [{ state: 'APPROVED', author, submittedAt: during(0.6), commit: headOid }];
      mergedBy = author;
      break;
    case 'approved-before-later-commit':
      // Approved on the earlier commit an hour before the last one was pushed; merged without a new look.
      reviews = [{ state: 'APPROVED', author: reviewers[0]!, submittedAt: wholeSecond(headCommittedAt - HOUR_MS), commit: earlierOid }];
      mergedBy = author;
      break;
    case 'admin-bypass':
      reviews = [];
      reviewDecision = 'REVIEW_REQUIRED';
      mergedBy = pick(people.owners, draw(seed, `bypass-owner:${key}`)).login;
      break;
    case 'dismissed-and-commented':
      reviews = [
        { state: 'DISMISSED', author: reviewers[0]!, submittedAt: wholeSecond(headCommittedAt - 2 * HOUR_MS), commit: earlierOid },
        { state: 'COMMENTED', author: reviewers[1]!, submittedAt: during(0.5), commit: headOid },
      ];
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
  const title =
    change.special?.title ??
    `${pick(VERBS, draw(seed, `title-verb:${key}`))} ${pick(SUBJECTS, draw(seed, `title-subject:${key}`))}`;
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
