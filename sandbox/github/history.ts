// The change history of the organization: pull requests merged on each day up to historyEnd (about
// pullRequestsPerDay of them, fewer at weekends, spread over the active repositories by their
// activity), plus the special changes at fixed days before the end that the change checks must
// catch. A change is a few numbers; its reviews, commits and checks are derived on demand from its key
// (change-details.ts), so 200 repositories × 90 days stay small.
import { between, draw } from './chance.js';
import { DAY_MS, HOUR_MS, utcDay, weekday, wholeSecond } from './clock.js';
import { RELEASE_BRANCH, SPECIAL_REPOSITORIES } from './repositories.js';
import type { RepositorySpec } from './repositories.js';

export type SpecialKind =
  /** The only APPROVED review is by the author. */
  | 'self-approved'
  /** Approved on an earlier commit; a later commit was merged without a new approval. */
  | 'approved-before-later-commit'
  /** A commit on the default branch that no merged pull request contains. */
  | 'direct-push'
  /** Merged by an owner with no approval (reviewDecision REVIEW_REQUIRED): classic protection without enforce_admins. */
  | 'admin-bypass'
  /** Its approval was dismissed; the other review only commented. No approval remains. */
  | 'dismissed-and-commented'
  /** Approved, then changes requested by the same reviewer (the latest stance); an owner merged anyway. */
  | 'withdrawn-approval'
  /** Merged by an owner; the only approval came five hours after the merge. */
  | 'approved-after-merge'
  /** The only approval is by the GitHub Actions bot. */
  | 'bot-approved'
  /** The only approver co-authored one of its commits. */
  | 'co-author-approved'
  /** ci/build failed on the merged head. */
  | 'failing-check'
  /** Merged into a release branch, not the default branch: not part of the default-branch population. */
  | 'non-default-base';

export interface SpecialChangeDefinition {
  kind: SpecialKind;
  repository: string;
  /** The UTC day of the change, counted back from the day of historyEnd. */
  daysBeforeEnd: number;
  branch?: string;
  title: string;
}

export const SPECIAL_CHANGES: readonly SpecialChangeDefinition[] = [
  { kind: 'self-approved', repository: SPECIAL_REPOSITORIES.classic, daysBeforeEnd: 3, title: 'Update checkout button copy' },
  { kind: 'approved-before-later-commit', repository: SPECIAL_REPOSITORIES.rulesetOnly, daysBeforeEnd: 5, title: 'Raise default pod memory limits' },
  { kind: 'direct-push', repository: SPECIAL_REPOSITORIES.mixed, daysBeforeEnd: 6, title: 'Hotfix: pin deploy image tag' },
  { kind: 'admin-bypass', repository: SPECIAL_REPOSITORIES.mixed, daysBeforeEnd: 8, title: 'Emergency rollback script for eu-west-1' },
  { kind: 'dismissed-and-commented', repository: SPECIAL_REPOSITORIES.unprotected, daysBeforeEnd: 10, title: 'Replace pricing page hero image' },
  { kind: 'failing-check', repository: SPECIAL_REPOSITORIES.unprotected, daysBeforeEnd: 12, title: 'Add cookie consent banner' },
  {
    kind: 'non-default-base',
    repository: SPECIAL_REPOSITORIES.strictClassic,
    daysBeforeEnd: 14,
    branch: RELEASE_BRANCH,
    title: 'Backport idempotency key fix to 2.4',
  },
  { kind: 'withdrawn-approval', repository: SPECIAL_REPOSITORIES.mixed, daysBeforeEnd: 4, title: 'Allow deploys on Fridays after 16:00' },
  { kind: 'approved-after-merge', repository: SPECIAL_REPOSITORIES.mixed, daysBeforeEnd: 7, title: 'Skip canary stage for hotfix tags' },
  { kind: 'bot-approved', repository: SPECIAL_REPOSITORIES.unprotected, daysBeforeEnd: 9, title: 'Update sitemap generator' },
  { kind: 'co-author-approved', repository: SPECIAL_REPOSITORIES.classic, daysBeforeEnd: 11, title: 'Rework address autocomplete' },
];

export interface Change {
  kind: 'pull-request' | 'direct-push';
  /** Index of the repository in the catalog. */
  repo: number;
  /** mergedAt of a pull request, committedDate of a pushed commit (ms, whole seconds). */
  at: number;
  /** Pull request number (0 for a direct push). */
  number: number;
  /** The branch the change landed on. */
  branch: string;
  special: SpecialChangeDefinition | null;
  /** What every detail of the change is drawn from: `repo#number` or `repo@time`. */
  key: string;
}

export interface HistoryOptions {
  seed: number;
  historyEnd: number;
  historyDays: number;
  pullRequestsPerDay: number;
}

/** Weekdays carry more of the work than weekends; the mean over a week stays pullRequestsPerDay. */
const WEEKDAY_FACTOR = 1.2;
const WEEKEND_FACTOR = 0.5;

export class ChangeHistory {
  /** Every change, by time. */
  readonly changes: readonly Change[];
  /** Per repository index, the indexes into `changes` of its changes, by time. */
  private readonly byRepository: number[][];

  constructor(repositories: readonly RepositorySpec[], options: HistoryOptions) {
    const changes = [...regularPullRequests(repositories, options), ...specialChanges(repositories, options)].filter((c) => c.at <= options.historyEnd);
    changes.sort((a, b) => a.at - b.at || a.repo - b.repo || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    numberPullRequests(changes, repositories, options.seed);
    this.changes = changes;
    this.byRepository = repositories.map(() => []);
    changes.forEach((change, index) => this.byRepository[change.repo]!.push(index));
  }

  /** Pull requests merged in [from, to] (and by now), oldest first. */
  mergedPullRequests(from: number, to: number, now: number): Change[] {
    const last = Math.min(to, now);
    const found: Change[] = [];
    for (let i = firstAtOrAfter(this.changes, from); i < this.changes.length && this.changes[i]!.at <= last; i++) {
      const change = this.changes[i]!;
      if (change.kind === 'pull-request') found.push(change);
    }
    return found;
  }

  /** The time of the repository's latest merge or push by now, if any happened in the history. */
  latestActivity(repo: number, now: number): number | null {
    const last = this.lastOfRepositoryBy(repo, now);
    return last === null ? null : this.changes[last]!.at;
  }

  /** Commits that landed on `branch` with a time in [since, until] (and by now), newest first. */
  commitsOnBranch(repo: number, branch: string, since: number, until: number, now: number): Change[] {
    const last = Math.min(until, now);
    const found: Change[] = [];
    for (const index of this.byRepository[repo] ?? []) {
      const change = this.changes[index]!;
      if (change.at > last) break;
      if (change.at >= since && change.branch === branch) found.push(change);
    }
    return found.reverse();
  }

  /** The latest change on `branch` by now: the branch head, when the history reached it. */
  branchHead(repo: number, branch: string, now: number): Change | null {
    const indexes = this.byRepository[repo] ?? [];
    for (let i = indexes.length - 1; i >= 0; i--) {
      const change = this.changes[indexes[i]!]!;
      if (change.at <= now && change.branch === branch) return change;
    }
    return null;
  }

  private lastOfRepositoryBy(repo: number, now: number): number | null {
    const indexes = this.byRepository[repo] ?? [];
    let lo = 0;
    let hi = indexes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.changes[indexes[mid]!]!.at <= now) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : indexes[lo - 1]!;
  }
}

function firstAtOrAfter(changes: readonly Change[], time: number): number {
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (changes[mid]!.at < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function regularPullRequests(repositories: readonly RepositorySpec[], options: HistoryOptions): Change[] {
  const { seed, historyEnd, historyDays, pullRequestsPerDay } = options;
  const active = repositories.filter((r) => r.activity > 0 && !r.archived && !r.empty);
  if (active.length === 0 || pullRequestsPerDay <= 0) return [];
  // Cumulative activity: a draw in [0, total) falls in one repository's share.
  const cumulative: number[] = [];
  let total = 0;
  for (const repo of active) cumulative.push((total += repo.activity));
  const repositoryAt = (r: number): RepositorySpec => {
    const target = r * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    return active[lo]!;
  };

  const endDay = utcDay(historyEnd);
  const changes: Change[] = [];
  for (let day = endDay - historyDays + 1; day <= endDay; day++) {
    const weekend = weekday(day) === 0 || weekday(day) === 6;
    const expected = pullRequestsPerDay * (weekend ? WEEKEND_FACTOR : WEEKDAY_FACTOR);
    const count = Math.floor(expected + draw(seed, `pull-requests:${day}`));
    for (let k = 0; k < count; k++) {
      const repo = repositoryAt(draw(seed, `pull-request-repo:${day}:${k}`));
      // Working hours, 08:00–19:00 UTC.
      const at = wholeSecond(day * DAY_MS + 8 * HOUR_MS + draw(seed, `pull-request-time:${day}:${k}`) * 11 * HOUR_MS);
      changes.push({ kind: 'pull-request', repo: repo.index, at, number: 0, branch: repo.defaultBranch, special: null, key: `${day}:${k}` });
    }
  }
  return changes;
}

function specialChanges(repositories: readonly RepositorySpec[], options: HistoryOptions): Change[] {
  const endDay = utcDay(options.historyEnd);
  return SPECIAL_CHANGES.map((special) => {
    const repo = repositories.find((r) => r.name === special.repository);
    if (!repo) throw new Error(`special repository ${special.repository} is missing`);
    const day = endDay - special.daysBeforeEnd;
    const at = wholeSecond(day * DAY_MS + 9 * HOUR_MS + draw(options.seed, `special-time:${special.kind}`) * 8 * HOUR_MS);
    return {
      kind: special.kind === 'direct-push' ? ('direct-push' as const) : ('pull-request' as const),
      repo: repo.index,
      at,
      number: 0,
      branch: special.branch ?? repo.defaultBranch,
      special,
      key: special.kind,
    };
  });
}

/** Numbers per repository in merge order, with gaps where issues and closed pull requests took numbers. */
function numberPullRequests(changes: Change[], repositories: readonly RepositorySpec[], seed: number): void {
  const next = repositories.map((r) => between(seed, `first-number:${r.name}`, 40, 900));
  for (const change of changes) {
    const name = repositories[change.repo]!.name;
    if (change.kind === 'direct-push') {
      change.key = `${name}@${change.at}`;
      continue;
    }
    const number = next[change.repo]!;
    change.number = number;
    change.key = `${name}#${number}`;
    next[change.repo] = number + 1 + (draw(seed, `number-gap:${name}#${number}`) < 0.35 ? between(seed, `number-gap-size:${name}#${number}`, 1, 4) : 0);
  }
}
