// The REST routes the collector calls, each answering from the model at `now`: an object, a list
// (paged by the caller), or one of GitHub's error replies. Routes are matched on the path without its
// query; path segments are URL-decoded (Octokit sends `release%2F2.4` for a branch with a slash).
import { actionsPolicyJson, collaboratorsJson, organizationWorkflowJson, repositoryWorkflowJson } from './access.js';
import { DAY_MS } from './clock.js';
import { pushedAt, repositoryNamed } from './model.js';
import type { OrgModel } from './model.js';
import { organizationJson, webhooksJson } from './organization.js';
import { userJson } from './people.js';
import type { Person } from './people.js';
import { branchRulesJson, classicProtectionJson, rulesetJson } from './protection.js';
import type { RepositorySpec } from './repositories.js';
import { branchExists, branchJson, deployKeyJson, repositoryJson } from './repository-json.js';
import { branchNotFound, branchNotProtected, notFound, validationFailed } from './rest-reply.js';
import type { ErrorReply } from './rest-reply.js';
import { PERMISSIONS_OF_ROLE, teamRepositories, teamsJson } from './teams.js';
import { SANDBOX_ORG } from './urls.js';

export type RouteResult = { kind: 'object'; value: unknown } | { kind: 'list'; items: unknown[] } | ({ kind: 'error' } & ErrorReply);

interface RouteContext {
  model: OrgModel;
  params: string[];
  query: URLSearchParams;
  now: number;
}

export interface Route {
  /** The route as GitHub's reference writes it: the key of `requests.byRoute`. */
  name: string;
  pattern: RegExp;
  answer(context: RouteContext): RouteResult;
}

const object = (value: unknown): RouteResult => ({ kind: 'object', value });
const list = (items: unknown[]): RouteResult => ({ kind: 'list', items });
const failure = (reply: ErrorReply): RouteResult => ({ kind: 'error', ...reply });

/** When the rulesets were set up: well before the history, at a working hour. */
const rulesetCreatedAt = (model: OrgModel) => model.historyStart - 200 * DAY_MS + (14 * 60 + 23) * 60_000;

const isOurOrg = (org: string) => org.toLowerCase() === SANDBOX_ORG;

/** The repository of /repos/{owner}/{repo}/…, or a 404. */
function withRepository(context: RouteContext, answer: (repo: RepositorySpec, rest: string[]) => RouteResult): RouteResult {
  const [owner, name, ...rest] = context.params;
  const repo = isOurOrg(owner ?? '') ? repositoryNamed(context.model, name ?? '') : undefined;
  return repo ? answer(repo, rest) : failure(notFound());
}

/** Members filtered as GET /orgs/{org}/members does: role all|admin|member, filter all|2fa_disabled. */
function membersOf(model: OrgModel, query: URLSearchParams): Person[] {
  const role = query.get('role') ?? 'all';
  const twoFactorDisabled = query.get('filter') === '2fa_disabled';
  return model.people.members.filter((p) => (role === 'admin' ? p.owner : role === 'member' ? !p.owner : true) && (!twoFactorDisabled || !p.twoFactor));
}

/** GET /orgs/{org}/repos: type all|public|private|forks|sources|member, sort created|updated|pushed|full_name. */
function organizationRepositories(context: RouteContext): unknown[] {
  const { model, query, now } = context;
  const type = query.get('type') ?? 'all';
  const repos = model.repositories.filter((r) =>
    type === 'public' ? r.visibility === 'public' : type === 'private' ? r.visibility !== 'public' : type !== 'forks',
  );
  const sort = query.get('sort') ?? 'created';
  const ascending = (query.get('direction') ?? (sort === 'full_name' ? 'asc' : 'desc')) === 'asc';
  const keyOf = (r: RepositorySpec): number | string => (sort === 'full_name' ? r.name : sort === 'created' ? r.createdAt : pushedAt(model, r, now));
  const sorted = [...repos].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    const order = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
    return ascending ? order : -order;
  });
  return sorted.map((r) => repositoryJson(model, r, now));
}

const ORG = '([^/]+)';
const SEGMENT = '([^/]+)';
const BRANCH = '(.+)';

export const ROUTES: readonly Route[] = [
  {
    name: 'GET /orgs/{org}',
    pattern: new RegExp(`^/orgs/${ORG}$`),
    answer: ({ model, params }) =>
      isOurOrg(params[0]!) ? object(organizationJson(model.facts, model.people, model.repositories, model.historyStart - 12 * DAY_MS)) : failure(notFound()),
  },
  {
    name: 'GET /orgs/{org}/members',
    pattern: new RegExp(`^/orgs/${ORG}/members$`),
    answer: ({ model, params, query }) => (isOurOrg(params[0]!) ? list(membersOf(model, query).map(userJson)) : failure(notFound())),
  },
  {
    name: 'GET /orgs/{org}/outside_collaborators',
    pattern: new RegExp(`^/orgs/${ORG}/outside_collaborators$`),
    answer: ({ model, params, query }) =>
      isOurOrg(params[0]!)
        ? list(model.people.outsideCollaborators.filter((p) => query.get('filter') !== '2fa_disabled' || !p.twoFactor).map(userJson))
        : failure(notFound()),
  },
  {
    name: 'GET /orgs/{org}/hooks',
    pattern: new RegExp(`^/orgs/${ORG}/hooks$`),
    answer: ({ model, params }) => (isOurOrg(params[0]!) ? list(webhooksJson(model.seed, model.historyStart)) : failure(notFound())),
  },
  {
    name: 'GET /orgs/{org}/teams',
    pattern: new RegExp(`^/orgs/${ORG}/teams$`),
    answer: ({ model, params }) => (isOurOrg(params[0]!) ? list(teamsJson(model.seed, model.facts.id)) : failure(notFound())),
  },
  {
    name: 'GET /orgs/{org}/teams/{team_slug}/repos',
    pattern: new RegExp(`^/orgs/${ORG}/teams/${SEGMENT}/repos$`),
    answer: ({ model, params, now }) => {
      const reached = isOurOrg(params[0]!) ? teamRepositories(params[1]!, model.repositories) : null;
      if (!reached) return failure(notFound());
      return list(reached.map(({ repo, role }) => ({ ...repositoryJson(model, repo, now), permissions: PERMISSIONS_OF_ROLE[role], role_name: role })));
    },
  },
  {
    name: 'GET /orgs/{org}/repos',
    pattern: new RegExp(`^/orgs/${ORG}/repos$`),
    answer: (context) => (isOurOrg(context.params[0]!) ? list(organizationRepositories(context)) : failure(notFound())),
  },
  {
    name: 'GET /orgs/{org}/actions/permissions',
    pattern: new RegExp(`^/orgs/${ORG}/actions/permissions$`),
    answer: ({ params }) => (isOurOrg(params[0]!) ? object(actionsPolicyJson()) : failure(notFound())),
  },
  {
    name: 'GET /orgs/{org}/actions/permissions/workflow',
    pattern: new RegExp(`^/orgs/${ORG}/actions/permissions/workflow$`),
    answer: ({ params }) => (isOurOrg(params[0]!) ? object(organizationWorkflowJson()) : failure(notFound())),
  },
  {
    name: 'GET /orgs/{org}/rulesets/{ruleset_id}',
    pattern: new RegExp(`^/orgs/${ORG}/rulesets/(\\d+)$`),
    answer: ({ model, params }) => {
      const ruleset = isOurOrg(params[0]!) ? rulesetJson(model.repositories, Number(params[1]), 'organization', rulesetCreatedAt(model)) : null;
      return ruleset ? object(ruleset) : failure(notFound());
    },
  },
  {
    name: 'GET /repos/{owner}/{repo}',
    pattern: new RegExp(`^/repos/${ORG}/${SEGMENT}$`),
    answer: (context) => withRepository(context, (repo) => object(repositoryJson(context.model, repo, context.now))),
  },
  {
    name: 'GET /repos/{owner}/{repo}/branches/{branch}/protection',
    pattern: new RegExp(`^/repos/${ORG}/${SEGMENT}/branches/${BRANCH}/protection$`),
    answer: (context) =>
      withRepository(context, (repo, [branch]) => {
        if (!branchExists(repo, branch!)) return failure(branchNotFound());
        const protection = classicProtectionJson(repo, branch!);
        return protection ? object(protection) : failure(branchNotProtected());
      }),
  },
  {
    name: 'GET /repos/{owner}/{repo}/branches/{branch}',
    pattern: new RegExp(`^/repos/${ORG}/${SEGMENT}/branches/${BRANCH}$`),
    answer: (context) =>
      withRepository(context, (repo, [branch]) =>
        branchExists(repo, branch!) ? object(branchJson(context.model, repo, branch!, context.now)) : failure(branchNotFound()),
      ),
  },
  {
    name: 'GET /repos/{owner}/{repo}/rules/branches/{branch}',
    pattern: new RegExp(`^/repos/${ORG}/${SEGMENT}/rules/branches/${BRANCH}$`),
    answer: (context) => withRepository(context, (repo, [branch]) => list(branchRulesJson(repo, branch!))),
  },
  {
    name: 'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}',
    pattern: new RegExp(`^/repos/${ORG}/${SEGMENT}/rulesets/(\\d+)$`),
    answer: (context) =>
      withRepository(context, (repo, [id]) => {
        const ruleset = rulesetJson(context.model.repositories, Number(id), { repository: repo }, rulesetCreatedAt(context.model));
        return ruleset ? object(ruleset) : failure(notFound());
      }),
  },
  {
    name: 'GET /repos/{owner}/{repo}/collaborators',
    pattern: new RegExp(`^/repos/${ORG}/${SEGMENT}/collaborators$`),
    answer: (context) =>
      withRepository(context, (repo) => {
        const people = collaboratorsJson(context.model.people, repo, context.query);
        return people ? list(people) : failure(validationFailed('affiliation or permission'));
      }),
  },
  {
    name: 'GET /repos/{owner}/{repo}/actions/permissions/workflow',
    pattern: new RegExp(`^/repos/${ORG}/${SEGMENT}/actions/permissions/workflow$`),
    answer: (context) => withRepository(context, (repo) => object(repositoryWorkflowJson(repo))),
  },
  {
    name: 'GET /repos/{owner}/{repo}/keys',
    pattern: new RegExp(`^/repos/${ORG}/${SEGMENT}/keys$`),
    answer: (context) => withRepository(context, (repo) => list(repo.deployKeys.map((key) => deployKeyJson(repo, key)))),
  },
];

/** The route of a GET path, with its decoded parameters. */
export function matchRoute(pathname: string): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    try {
      return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
    } catch {
      return null; // a malformed %-escape names nothing
    }
  }
  return null;
}
