// Reads of the repositories of one organization: the REST list (visibility, default branch, security
// settings), one GraphQL query per 100 repositories (deploy keys, Dependabot alerts, CODEOWNERS), and
// per repository the protection of its default branch: classic protection and the active ruleset rules,
// with the bypass list of each ruleset. REST reads are conditional, so an unchanged repository costs
// 304s; GraphQL cannot be, hence one query for many repositories.
import { GraphqlResponseError } from '@octokit/graphql';
import { globMatch } from '../../src/glob.js';
import { compareStrings } from '../../src/compare-strings.js';
import type { GitHubClient } from './client.js';
import { MalformedReplyError, describeGitHubFailure, settle, statusOf } from './errors.js';
import type { Outcome } from './errors.js';
import { cursorGuard, guardedPages } from './pagination.js';
import { REPOSITORY_DETAILS_QUERY } from './queries.js';
import type { RepositoryDetailsNode, RepositoryDetailsReply } from './queries.js';
import type { BranchProtection, BranchRule, ClassicProtection, GitHubOrg } from './schema.js';

const PAGE = { per_page: 100 } as const;
/** Repositories whose protection is read at once: bounded so a big org does not trip the secondary limit. */
const PROTECTION_CONCURRENCY = 8;

export interface ListedRepository {
  name: string;
  visibility: string;
  defaultBranch: string | null;
  pushedAt: string | null;
  secretScanning: string | null;
  secretScanningPushProtection: string | null;
}

export interface RepositoryDetails {
  dependabotAlerts: boolean | null;
  codeowners: string | null;
  deployKeys: { title: string; readOnly: boolean; createdOn: string }[];
}

export interface RepositoryReads {
  /** The non-archived repositories the include/exclude globs select, by name. */
  repositories: ListedRepository[];
  details: Map<string, Outcome<RepositoryDetails>>;
  /** null: the default branch does not exist (an empty repository). */
  protection: Map<string, Outcome<BranchProtection | null>>;
}

/** `*` matches any run of characters; case-insensitive like GitHub names. */
export function globMatches(glob: string, name: string): boolean {
  return globMatch(glob, name, { caseInsensitive: true });
}

export function selected(org: GitHubOrg, name: string): boolean {
  const { include, exclude } = org.repositories;
  return include.some((g) => globMatches(g, name)) && !exclude.some((g) => globMatches(g, name));
}

/** The listing fails the whole repository part (nothing is known without it): the caller records that. */
export async function listRepositories(octokit: GitHubClient, org: GitHubOrg): Promise<ListedRepository[]> {
  const repos = await octokit.paginate(octokit.rest.repos.listForOrg, { org: org.login, type: 'all', ...PAGE }, guardedPages(`GET /orgs/${org.login}/repos`));
  if (!Array.isArray(repos)) throw new MalformedReplyError('the reply is not a list of repositories');
  return repos
    .filter((repo) => repo.archived !== true && selected(org, repo.name))
    .map((repo) => {
      const security = repo.security_and_analysis ?? null;
      return {
        name: repo.name,
        visibility: repo.visibility ?? (repo.private ? 'private' : 'public'),
        defaultBranch: repo.default_branch ?? null,
        pushedAt: repo.pushed_at ?? null,
        secretScanning: security?.secret_scanning?.status ?? null,
        secretScanningPushProtection: security?.secret_scanning_push_protection?.status ?? null,
      };
    })
    .sort((a, b) => compareStrings(a.name, b.name));
}

export async function readRepositories(octokit: GitHubClient, org: GitHubOrg, repositories: ListedRepository[], signal: AbortSignal): Promise<RepositoryReads> {
  const wanted = new Set(repositories.map((r) => r.name));
  const [details, protection] = await Promise.all([
    readDetails(octokit, org.login, wanted, signal),
    readAllProtection(octokit, org.login, repositories, signal),
  ]);
  return { repositories, details, protection };
}

/** Every page of the details query; a page-wide failure becomes every wanted repository's error. */
async function readDetails(octokit: GitHubClient, org: string, wanted: Set<string>, signal: AbortSignal): Promise<Map<string, Outcome<RepositoryDetails>>> {
  const details = new Map<string, Outcome<RepositoryDetails>>();
  let after: string | null = null;
  const guard = cursorGuard(`GraphQL EvidenceRepositoryDetails for ${org}`);
  try {
    do {
      signal.throwIfAborted();
      const page: { reply: RepositoryDetailsReply; fieldErrors: Map<number, string> } = await graphqlWithPartialData<RepositoryDetailsReply>(
        octokit,
        REPOSITORY_DETAILS_QUERY,
        { org, after },
      );
      const { reply, fieldErrors } = page;
      const connection = reply?.organization?.repositories;
      if (!connection || !Array.isArray(connection.nodes)) throw new MalformedReplyError(`organization ${org} has no repositories in the reply`);
      for (const [index, node] of connection.nodes.entries()) {
        if (!node || !wanted.has(node.name)) continue;
        const denied = fieldErrors.get(index);
        details.set(node.name, denied ? { ok: false, reason: denied, status: 403 } : { ok: true, value: await detailsOf(octokit, org, node) });
      }
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      guard.page(after);
    } while (after);
  } catch (error) {
    signal.throwIfAborted();
    const reason = describeGitHubFailure(`GraphQL EvidenceRepositoryDetails for ${org}`, error);
    for (const name of wanted) if (!details.has(name)) details.set(name, { ok: false, reason, status: statusOf(error) });
  }
  for (const name of wanted) {
    if (!details.has(name))
      details.set(name, { ok: false, reason: `GraphQL EvidenceRepositoryDetails for ${org}: ${name} was not in the reply`, status: null });
  }
  return details;
}

async function detailsOf(octokit: GitHubClient, org: string, node: RepositoryDetailsNode): Promise<RepositoryDetails> {
  // GitHub reads CODEOWNERS from .github/, then the root, then docs/.
  const codeowners = node.codeownersInGithub ? '.github/CODEOWNERS' : node.codeownersInRoot ? 'CODEOWNERS' : node.codeownersInDocs ? 'docs/CODEOWNERS' : null;
  let keys = (node.deployKeys?.nodes ?? []).map((k) => ({ title: k.title, readOnly: k.readOnly, createdOn: k.createdAt.slice(0, 10) }));
  if ((node.deployKeys?.totalCount ?? 0) > keys.length) {
    // More keys than the query pages: the (conditional) REST list has them all.
    const all = await octokit.paginate(
      octokit.rest.repos.listDeployKeys,
      { owner: org, repo: node.name, ...PAGE },
      guardedPages(`GET /repos/${org}/${node.name}/keys`),
    );
    keys = all.map((k) => ({ title: k.title, readOnly: k.read_only, createdOn: k.created_at.slice(0, 10) }));
  }
  keys.sort((a, b) => compareStrings(a.title, b.title) || compareStrings(a.createdOn, b.createdOn));
  return { dependabotAlerts: node.hasVulnerabilityAlertsEnabled ?? null, codeowners, deployKeys: keys };
}

/**
 * A GraphQL reply whose errors concern single repositories (a field the token may not read) keeps the
 * rest: the errors are returned by the index of the repository node they hit.
 */
async function graphqlWithPartialData<T>(
  octokit: GitHubClient,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ reply: T; fieldErrors: Map<number, string> }> {
  try {
    return { reply: await octokit.graphql<T>(query, variables), fieldErrors: new Map() };
  } catch (error) {
    if (!(error instanceof GraphqlResponseError) || !error.data) throw error;
    const fieldErrors = new Map<number, string>();
    for (const item of error.errors ?? []) {
      const index = (item.path ?? []).find((part, i, path) => typeof part === 'number' && path[i - 1] === 'nodes');
      if (typeof index !== 'number') throw error;
      fieldErrors.set(index, `GraphQL ${item.type ?? 'error'}: ${item.message}`);
    }
    return { reply: error.data as T, fieldErrors };
  }
}

async function readAllProtection(
  octokit: GitHubClient,
  org: string,
  repositories: ListedRepository[],
  signal: AbortSignal,
): Promise<Map<string, Outcome<BranchProtection | null>>> {
  const results = new Map<string, Outcome<BranchProtection | null>>();
  const rulesets = new RulesetCache(octokit, org);
  const queue = repositories.filter((r) => r.defaultBranch !== null);
  const worker = async () => {
    for (let repo = queue.shift(); repo; repo = queue.shift()) {
      signal.throwIfAborted();
      const where = `${org}/${repo.name} branch ${repo.defaultBranch}`;
      results.set(repo.name, await settle(`protection of ${where}`, readProtection(octokit, org, repo.name, repo.defaultBranch!, rulesets), signal));
    }
  };
  await Promise.all(Array.from({ length: PROTECTION_CONCURRENCY }, worker));
  return results;
}

/**
 * The branch says whether anything protects it; only then are classic protection (404 "Branch not
 * protected" = none, e.g. a branch protected by rulesets only) and the active rules read.
 */
async function readProtection(octokit: GitHubClient, owner: string, repo: string, branch: string, rulesets: RulesetCache): Promise<BranchProtection | null> {
  let data;
  try {
    ({ data } = await octokit.rest.repos.getBranch({ owner, repo, branch }));
  } catch (error) {
    // An empty repository names a default branch that does not exist yet: nothing to protect.
    if (statusOf(error) === 404 && /branch not found/i.test((error as Error).message)) return null;
    throw error;
  }
  if (typeof data?.protected !== 'boolean') throw new MalformedReplyError(`GET branch ${branch}: no "protected" in the reply`);
  if (!data.protected) return { classic: null, rules: [] };
  const [classic, rules] = await Promise.all([readClassic(octokit, owner, repo, branch), readRules(octokit, owner, repo, branch, rulesets)]);
  return { classic, rules };
}

async function readClassic(octokit: GitHubClient, owner: string, repo: string, branch: string): Promise<ClassicProtection | null> {
  try {
    const { data } = await octokit.rest.repos.getBranchProtection({ owner, repo, branch });
    const reviews = data.required_pull_request_reviews;
    const checks = data.required_status_checks;
    return {
      pullRequestReviews: reviews
        ? {
            requiredApprovingReviewCount: reviews.required_approving_review_count ?? 0,
            dismissStaleReviews: reviews.dismiss_stale_reviews === true,
            requireCodeOwnerReviews: reviews.require_code_owner_reviews === true,
            requireLastPushApproval: reviews.require_last_push_approval === true,
          }
        : null,
      requiredStatusChecks: checks
        ? {
            strict: checks.strict === true,
            contexts: [...new Set([...(checks.contexts ?? []), ...(checks.checks ?? []).map((c) => c.context)])].sort(compareStrings),
          }
        : null,
      enforceAdmins: data.enforce_admins?.enabled === true,
      allowForcePushes: data.allow_force_pushes?.enabled === true,
      allowDeletions: data.allow_deletions?.enabled === true,
    };
  } catch (error) {
    // 404 on a branch that exists: it has no classic protection (rulesets may still protect it).
    if (statusOf(error) === 404 && /branch not protected/i.test((error as Error).message)) return null;
    throw error;
  }
}

async function readRules(octokit: GitHubClient, owner: string, repo: string, branch: string, rulesets: RulesetCache): Promise<BranchRule[]> {
  const rules = await octokit.paginate(
    octokit.rest.repos.getBranchRules,
    { owner, repo, branch, ...PAGE },
    guardedPages(`GET /repos/${owner}/${repo}/rules/branches/${branch}`),
  );
  const withBypass = await Promise.all(
    rules.map(async (rule) => {
      const raw = rule as { type: string; parameters?: Record<string, unknown>; ruleset_id?: number; ruleset_source_type?: string; ruleset_source?: string };
      const rulesetId = typeof raw.ruleset_id === 'number' ? raw.ruleset_id : null;
      const bypassActors = rulesetId === null ? null : await rulesets.bypassActors(raw.ruleset_source_type === 'Organization' ? null : repo, rulesetId);
      return {
        type: raw.type,
        rulesetId,
        rulesetSource: raw.ruleset_source ?? null,
        parameters: raw.parameters ?? {},
        bypassActors,
      } satisfies BranchRule;
    }),
  );
  return withBypass.sort((a, b) => compareStrings(a.type, b.type) || (a.rulesetId ?? 0) - (b.rulesetId ?? 0));
}

/** Each ruleset is read once per collection, whatever the number of repositories it applies to. */
class RulesetCache {
  private readonly reads = new Map<string, Promise<BranchRule['bypassActors']>>();

  constructor(
    private readonly octokit: GitHubClient,
    private readonly org: string,
  ) {}

  /** null when the token may not see who can bypass (GitHub returns bypass_actors only to writers). */
  bypassActors(repo: string | null, id: number): Promise<BranchRule['bypassActors']> {
    const key = `${repo ?? ''}#${id}`;
    let read = this.reads.get(key);
    if (!read) {
      read = this.read(repo, id);
      this.reads.set(key, read);
    }
    return read;
  }

  private async read(repo: string | null, id: number): Promise<BranchRule['bypassActors']> {
    const { data } = repo
      ? await this.octokit.rest.repos.getRepoRuleset({ owner: this.org, repo, ruleset_id: id })
      : await this.octokit.rest.repos.getOrgRuleset({ org: this.org, ruleset_id: id });
    if (!Array.isArray(data.bypass_actors)) return null;
    return data.bypass_actors
      .map((actor) => ({ actorType: actor.actor_type, actorId: actor.actor_id ?? null, bypassMode: actor.bypass_mode ?? 'always' }))
      .sort((a, b) => compareStrings(a.actorType, b.actorType) || (a.actorId ?? 0) - (b.actorId ?? 0));
  }
}
