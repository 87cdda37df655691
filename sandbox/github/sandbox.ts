// The simulated GitHub organization as one request handler: REST for the collector's reads (paged,
// with ETags and 304s, rate-limit headers) and GraphQL for its four named queries. A pure function of
// (options, now) for every body; only the request counters and rate-limit headers carry state.
import { linkedMembers } from './access.js';
import { landedCommitOid, pullRequestDetail } from './change-details.js';
import { githubTime } from './clock.js';
import { answerGraphql } from './graphql.js';
import type { SpecialKind } from './history.js';
import { buildOrgModel } from './model.js';
import type { GitHubSandboxOptions, OrgModel } from './model.js';
import { linkHeader, pageOf, pageRequest, requestBaseUrl } from './pagination.js';
import { JSON_CONTENT_TYPE, matchesEtag, notFound, rateLimitHeaders, weakEtag } from './rest-reply.js';
import type { SandboxResponse } from './rest-reply.js';
import { matchRoute } from './rest-routes.js';
import { scopeHeaders, tokenRefusal } from './token-access.js';
import type { TokenAccess } from './token-access.js';

export interface SandboxRequest {
  method: string;
  /** Path and query string, without the /api/v3 prefix the server strips. */
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
}

/** One special change as it came out with these options: where to find it and its commits. */
export interface SpecialChange {
  kind: SpecialKind;
  repository: string;
  /** The pull request number; null for the direct push. */
  number: number | null;
  branch: string;
  daysBeforeEnd: number;
  /** mergedAt, or the pushed commit's committedDate. */
  at: string;
  title: string;
  /** The commit the change put on its branch (squash merge or pushed commit). */
  commit: string;
  /** The pull request's head (headRefOid); null for the direct push. */
  headOid: string | null;
}

/** Headers every REST reply carries besides the rate limit. */
const REST_HEADERS = {
  'cache-control': 'private, max-age=60, s-maxage=60',
  vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
  'x-github-api-version-selected': '2022-11-28',
};

export class GitHubSandbox {
  readonly requests = { total: 0, notModified: 0, byRoute: {} as Record<string, number> };
  /** The special changes of this history, oldest first. */
  readonly specialChanges: readonly SpecialChange[];
  private readonly model: OrgModel;
  private readonly access: TokenAccess;
  /** REST requests charged against the core limit (every reply but 304s). */
  private coreUsed = 0;
  private graphqlUsed = 0;

  constructor(options: GitHubSandboxOptions) {
    this.model = buildOrgModel(options);
    this.access = options.access ?? {};
    this.specialChanges = describeSpecialChanges(this.model);
  }

  /** Members with a linked SAML identity: what EvidenceOrganizationSso pages through. */
  get samlLinkedMembers(): number {
    return linkedMembers(this.model.people).length;
  }

  /** Repository names, by creation order. */
  get repositoryNames(): string[] {
    return this.model.repositories.map((r) => r.name);
  }

  /** The simulated clock: the org as it stands at `now`; merges and pushes up to `now` exist. */
  handle(request: SandboxRequest, now: Date): SandboxResponse {
    this.requests.total++;
    const headers = lowerCaseKeys(request.headers);
    const queryAt = request.path.indexOf('?');
    const pathname = (queryAt < 0 ? request.path : request.path.slice(0, queryAt)).replace(/\/+$/, '') || '/';
    const query = new URLSearchParams(queryAt < 0 ? '' : request.path.slice(queryAt + 1));
    const method = request.method.toUpperCase();
    const nowMs = now.getTime();

    const matched = method === 'GET' ? matchRoute(pathname) : null;
    const refused = tokenRefusal(this.access, headers['authorization'], matched?.route.name);
    if (refused) {
      this.count(`${refused.status} ${matched?.route.name ?? `${method} ${pathname}`}`);
      return { ...refused, headers: { ...refused.headers, ...REST_HEADERS, ...scopeHeaders(this.access) } };
    }

    if (method === 'POST' && pathname === '/graphql') {
      const answer = answerGraphql(this.model, request.body, nowMs);
      this.count(`POST /graphql ${answer.operation}`);
      this.graphqlUsed++;
      return {
        status: answer.status,
        headers: { 'content-type': JSON_CONTENT_TYPE, ...rateLimitHeaders('graphql', this.graphqlUsed, nowMs) },
        body: JSON.stringify(answer.payload),
      };
    }

    this.count(matched ? matched.route.name : `${method} (unknown route)`);
    const result = matched ? matched.route.answer({ model: this.model, params: matched.params, query, now: nowMs }) : { kind: 'error' as const, ...notFound() };
    if (result.kind === 'error') {
      this.coreUsed++;
      return { status: result.status, headers: this.restHeaders(nowMs), body: JSON.stringify(result.body) };
    }

    let body: string;
    let link: string | undefined;
    if (result.kind === 'list') {
      const page = pageRequest(query);
      body = JSON.stringify(pageOf(result.items, page));
      link = linkHeader(requestBaseUrl(headers), pathname, query, page, result.items.length);
    } else {
      body = JSON.stringify(result.value);
    }
    const etag = weakEtag(body);
    const extra = { etag, ...(link ? { link } : {}) };
    if (matchesEtag(headers['if-none-match'], etag)) {
      this.requests.notModified++;
      return { status: 304, headers: { ...this.restHeaders(nowMs, false), ...extra }, body: '' };
    }
    this.coreUsed++;
    return { status: 200, headers: { ...this.restHeaders(nowMs), ...extra }, body };
  }

  private restHeaders(now: number, withBody = true): Record<string, string> {
    return {
      ...(withBody ? { 'content-type': JSON_CONTENT_TYPE } : {}),
      ...REST_HEADERS,
      ...scopeHeaders(this.access),
      ...rateLimitHeaders('core', this.coreUsed, now),
    };
  }

  private count(route: string): void {
    this.requests.byRoute[route] = (this.requests.byRoute[route] ?? 0) + 1;
  }
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  const lower: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

function describeSpecialChanges(model: OrgModel): SpecialChange[] {
  return model.history.changes
    .filter((c) => c.special !== null)
    .map((change) => {
      const special = change.special!;
      const repo = model.repositories[change.repo]!;
      const pr = change.kind === 'pull-request' ? pullRequestDetail(model.seed, model.people, repo, change) : null;
      return {
        kind: special.kind,
        repository: repo.name,
        number: pr ? change.number : null,
        branch: change.branch,
        daysBeforeEnd: special.daysBeforeEnd,
        at: githubTime(change.at),
        title: special.title,
        commit: landedCommitOid(model.seed, change),
        headOid: pr?.headOid ?? null,
      };
    });
}
