// EvidenceDefaultBranchCommits: the commits of a repository's default branch committed in
// [since, until] (and by now), newest first like `git log`, 100 a page, each with the merged pull
// requests it belongs to. A squash merge belongs to its pull request; a direct push to none.
import { githubTime } from './clock.js';
import { landedCommitOid, pullRequestDetail, pushDetail } from './change-details.js';
import { connectionPage, decodeCursor, invalidCursorError } from './graphql-connection.js';
import type { GraphqlResult } from './graphql-connection.js';
import type { Change } from './history.js';
import { repositoryNamed } from './model.js';
import type { OrgModel } from './model.js';
import type { RepositorySpec } from './repositories.js';
import { SANDBOX_ORG } from './urls.js';

const PAGE_SIZE = 100;
/** GitHub's account for merges made in its web interface: the committer of every squash merge. */
const WEB_FLOW = 'web-flow';

function commitNode(model: OrgModel, repo: RepositorySpec, change: Change) {
  const committedDate = githubTime(change.at);
  if (change.kind === 'direct-push') {
    const push = pushDetail(model.seed, model.people, change);
    return {
      oid: push.oid,
      committedDate,
      messageHeadline: push.headline,
      author: { user: { login: push.author } },
      committer: { user: { login: push.author } },
      associatedPullRequests: { nodes: [] },
    };
  }
  const pr = pullRequestDetail(model.seed, model.people, repo, change);
  return {
    oid: landedCommitOid(model.seed, change),
    committedDate,
    messageHeadline: `${pr.title} (#${change.number})`,
    author: { user: { login: pr.author } },
    committer: { user: { login: WEB_FLOW } },
    associatedPullRequests: { nodes: [{ number: change.number, mergedAt: committedDate, baseRefName: change.branch }] },
  };
}

export function defaultBranchCommits(model: OrgModel, variables: Record<string, unknown>, now: number): GraphqlResult {
  for (const name of ['org', 'name', 'since', 'until']) {
    if (typeof variables[name] !== 'string') return { errors: [{ message: `Variable $${name} was provided invalid value` }] };
  }
  const owner = variables['org'] as string;
  const name = variables['name'] as string;
  const repo = owner.toLowerCase() === SANDBOX_ORG ? repositoryNamed(model, name) : undefined;
  if (!repo) {
    return {
      data: { repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          locations: [{ line: 3, column: 5 }],
          message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        },
      ],
    };
  }
  if (repo.empty) return { data: { repository: { defaultBranchRef: null } } };
  const since = Date.parse(variables['since'] as string);
  const until = Date.parse(variables['until'] as string);
  if (Number.isNaN(since) || Number.isNaN(until)) return { errors: [{ message: 'Variables $since and $until must be GitTimestamps (ISO 8601)' }] };
  const start = decodeCursor(variables['after']);
  if (start === null)
    return { data: { repository: null }, errors: [invalidCursorError(variables['after'], ['repository', 'defaultBranchRef', 'target', 'history'])] };

  const commits = model.history.commitsOnBranch(repo.index, repo.defaultBranch, since, until, now);
  const history = connectionPage(commits, start, PAGE_SIZE, (change) => commitNode(model, repo, change));
  return { data: { repository: { defaultBranchRef: { name: repo.defaultBranch, target: { history } } } } };
}
