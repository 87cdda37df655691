// The simulated organization as data: built once from the options, then only read. Everything that
// moves with the clock (merged pull requests, pushed_at, branch heads) is asked of the history with
// the request's `now`.
import { DAY_MS, utcDay } from './clock.js';
import { ChangeHistory } from './history.js';
import { organizationFacts } from './organization.js';
import type { OrganizationFacts } from './organization.js';
import { buildPeople, DEFAULT_MEMBER_COUNT } from './people.js';
import type { People } from './people.js';
import { buildRepositories, DEFAULT_REPOSITORY_COUNT } from './repositories.js';
import type { RepositorySpec } from './repositories.js';

import type { TokenAccess } from './token-access.js';

export interface GitHubSandboxOptions {
  /** The moment the history ends: nothing is merged or pushed after it. */
  historyEnd: Date;
  seed?: number;
  /** Default 12; never fewer than the 10 repositories with a fixed role. */
  repositories?: number;
  /** Mean merged pull requests a day over the organization (default 4; weekdays busier than weekends). */
  pullRequestsPerDay?: number;
  /** UTC days of history up to and including the day of historyEnd (default 90, the collector's backfill). */
  historyDays?: number;
  /** The token accepted, its classic scopes, the permissions it lacks (default: any token may read everything). */
  access?: TokenAccess;
}

export const DEFAULT_SEED = 20_240_601;
const SPECIAL_REPOSITORY_COUNT = 10;

export interface OrgModel {
  seed: number;
  historyStart: number;
  historyEnd: number;
  facts: OrganizationFacts;
  people: People;
  /** By creation order (the index of each). */
  repositories: RepositorySpec[];
  byName: Map<string, RepositorySpec>;
  history: ChangeHistory;
}

export function buildOrgModel(options: GitHubSandboxOptions): OrgModel {
  const seed = options.seed ?? DEFAULT_SEED;
  const historyEnd = options.historyEnd.getTime();
  if (!Number.isFinite(historyEnd)) throw new Error('historyEnd is not a valid date');
  const historyDays = Math.max(1, Math.floor(options.historyDays ?? 90));
  const historyStart = (utcDay(historyEnd) - historyDays + 1) * DAY_MS;
  const repositoryCount = Math.max(SPECIAL_REPOSITORY_COUNT, Math.floor(options.repositories ?? DEFAULT_REPOSITORY_COUNT));
  const repositories = buildRepositories(seed, repositoryCount, historyStart);
  // More repositories, more people: a 200-repository org pages its members too.
  const people = buildPeople(seed, Math.max(DEFAULT_MEMBER_COUNT, Math.ceil(repositoryCount * 1.25)));
  const history = new ChangeHistory(repositories, { seed, historyEnd, historyDays, pullRequestsPerDay: options.pullRequestsPerDay ?? 4 });
  return {
    seed,
    historyStart,
    historyEnd,
    facts: organizationFacts(seed, historyStart),
    people,
    repositories,
    byName: new Map(repositories.map((r) => [r.name.toLowerCase(), r])),
    history,
  };
}

/** The repository named in a path (GitHub names are case-insensitive). */
export const repositoryNamed = (model: OrgModel, name: string): RepositorySpec | undefined => model.byName.get(name.toLowerCase());

/** pushed_at: the latest merge or push by now, else the last push before the history. */
export function pushedAt(model: OrgModel, repo: RepositorySpec, now: number): number {
  return model.history.latestActivity(repo.index, now) ?? repo.pushedBeforeHistory;
}
