// Who can do what on each repository, for access reviews: the outside collaborators with their
// permission (GET …/collaborators?affiliation=outside) and everyone with admin, organization owners
// included (…?affiliation=all&permission=admin). Two conditional REST lists per repository, read 8
// repositories at a time; each settles on its own, so one denied list keeps the others.
import { compareStrings } from '../../src/compare-strings.js';
import type { GitHubClient } from './client.js';
import { MalformedReplyError, settle } from './errors.js';
import type { Outcome } from './errors.js';
import { basePermission } from './org-reads.js';
import { guardedPages } from './pagination.js';
import type { ListedRepository } from './repo-reads.js';

const PAGE = { per_page: 100 } as const;
const CONCURRENCY = 8;

export interface Collaborator {
  login: string;
  /** The base level of the collaborator's role: admin, maintain, write, triage or read. */
  permission: string;
  /** GitHub's role_name: the highest role from every source (a custom role keeps its own name). */
  role: string;
}

export interface RepositoryAccessReads {
  outside: Map<string, Outcome<Collaborator[]>>;
  admins: Map<string, Outcome<Collaborator[]>>;
}

async function collaborators(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  query: { affiliation: 'outside' | 'all'; permission?: 'admin' },
): Promise<Collaborator[]> {
  const what = `GET /repos/${owner}/${repo}/collaborators?affiliation=${query.affiliation}${query.permission ? `&permission=${query.permission}` : ''}`;
  const people = await octokit.paginate(octokit.rest.repos.listCollaborators, { owner, repo, ...query, ...PAGE }, guardedPages(what));
  if (!Array.isArray(people)) throw new MalformedReplyError('the reply is not a list of collaborators');
  return people
    .map((person, index) => {
      if (typeof person?.login !== 'string' || person.login === '') throw new MalformedReplyError(`collaborator ${index + 1} has no login`);
      const permission = basePermission(person.permissions);
      return { login: person.login, permission, role: typeof person.role_name === 'string' && person.role_name !== '' ? person.role_name : permission };
    })
    .sort((a, b) => compareStrings(a.login, b.login));
}

/**
 * `withOutsiders`: whether the organization has outside collaborators; when it has none (its list read
 * and empty), no repository is asked for them.
 */
export async function readRepositoryAccess(
  octokit: GitHubClient,
  org: string,
  repositories: ListedRepository[],
  withOutsiders: boolean,
  signal: AbortSignal,
): Promise<RepositoryAccessReads> {
  const reads: RepositoryAccessReads = { outside: new Map(), admins: new Map() };
  const queue = [...repositories];
  const worker = async () => {
    for (let repo = queue.shift(); repo; repo = queue.shift()) {
      signal.throwIfAborted();
      const [outside, admins] = await Promise.all([
        withOutsiders
          ? settle(`outside collaborators of ${org}/${repo.name}`, collaborators(octokit, org, repo.name, { affiliation: 'outside' }), signal)
          : null,
        settle(`admins of ${org}/${repo.name}`, collaborators(octokit, org, repo.name, { affiliation: 'all', permission: 'admin' }), signal),
      ]);
      if (outside) reads.outside.set(repo.name, outside);
      reads.admins.set(repo.name, admins);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return reads;
}
