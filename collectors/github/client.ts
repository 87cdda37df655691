// The GitHub client of one collection: Octokit with throttling and retry, authenticated by a token or
// as a GitHub App installation, every HTTP request counted (and those that count against the rate
// limit apart), and GET requests made conditional with the ETags kept in the store, so an unchanged
// resource costs a 304 that GitHub does not charge.
import { readFileSync } from 'node:fs';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import type { CollectContext, HttpCache } from '../../src/collector.js';
import type { Logger } from '../../src/logging.js';
import { MalformedReplyError } from './errors.js';
import { withoutCredentials } from './org-reads.js';
import { fetchWithReplyCap, replySizeCapPlugin } from './reply-size-cap.js';
import type { GitHubAuth, GitHubOptions } from './schema.js';

// The cap's plugin first: its error hook sees a refused reply before the retry plugin would retry it.
const GitHubOctokit = Octokit.plugin(replySizeCapPlugin, throttling, retry);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

/** How many times a rate-limited request is tried again before the read fails. */
const RATE_LIMIT_RETRIES = 2;
/**
 * Statuses the retry plugin leaves alone: its own list, plus 429, which the throttling plugin waits
 * out until the reset (retried by both, a rate-limited read cost twice the requests).
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
/** One request may take this long: a server that goes quiet costs one attempt, retried, not the run. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** A primary rate limit resetting later than this fails the read rather than stall the run. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 15 * 60;

export interface RequestCounts {
  /** Every HTTP request sent, retries included. */
  requests: number;
  /**
   * Those GitHub charged against the rate limit: every reply but a 304 Not Modified (free when
   * authorized) and a refusal for want of rate limit (nothing left to charge).
   */
  charged: number;
  /** Those GitHub refused for a rate limit: 429, or 403 with no requests remaining or a retry-after (secondary limit). */
  rateLimited: number;
  notModified: number;
  /** x-ratelimit-remaining of the last REST reply, when one was seen. */
  rateLimitRemaining: number | null;
}

export interface GitHubSession {
  octokit: GitHubClient;
  counts: RequestCounts;
}

/** Test and demo overrides: where the API is, and how long "retry after N s" really waits. */
export interface GitHubClientEnvironment {
  baseUrl?: string;
  /** Milliseconds per second of retry-after (default 1000); tests use 1. */
  retryAfterBaseMs?: number;
  /**
   * A local server without GitHub's secondary limits (the demo, tests): GraphQL and other
   * non-GET requests are not spaced 1 s apart as they are for GitHub.
   */
  unlimitedRate?: boolean;
  /** Most milliseconds one request may take (default 60,000). */
  requestTimeoutMs?: number;
}

export function createGitHubSession(
  ctx: Pick<CollectContext<GitHubOptions>, 'options' | 'logger' | 'signal' | 'countApiCall' | 'httpCache' | 'secrets'>,
  environment: GitHubClientEnvironment = {},
): GitHubSession {
  const counts: RequestCounts = { requests: 0, charged: 0, rateLimited: 0, notModified: 0, rateLimitRemaining: null };
  const requestTimeoutMs = environment.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const fetchCounted: typeof fetch = async (input, init) => {
    counts.requests++;
    ctx.countApiCall();
    ctx.secrets.register(credentialOf(init?.headers), { shortLived: true });
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    try {
      // Looked up at call time: test interceptors replace the global fetch.
      response = await globalThis.fetch(input, { ...init, signal });
    } catch (error) {
      // Our own timeout, not the run's abort: a network failure to Octokit, which the retry plugin retries.
      if (timeout.aborted && !init?.signal?.aborted) {
        throw new TypeError('fetch failed', { cause: new Error(`no reply within ${requestTimeoutMs} ms`) });
      }
      throw error;
    }
    const remaining = Number.parseInt(response.headers.get('x-ratelimit-remaining') ?? '', 10);
    if (Number.isInteger(remaining)) counts.rateLimitRemaining = remaining;
    const exhausted = remaining === 0 && (response.status === 403 || response.status === 429);
    if (response.status === 304) counts.notModified++;
    else if (!exhausted) counts.charged++;
    if (exhausted || response.status === 429 || (response.status === 403 && response.headers.has('retry-after'))) counts.rateLimited++;
    return response;
  };
  const retryAfterBaseValue = environment.retryAfterBaseMs ?? 1000;
  const logger = ctx.logger;
  const throttle: ThrottlingOptions = {
    ...(environment.unlimitedRate ? { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }) } : {}),
    retryAfterBaseValue,
    fallbackSecondaryRateRetryAfter: 60,
    onRateLimit: (retryAfter, options, _octokit, retryCount) => {
      const retrying = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
      logger.warn({ method: options.method, url: options.url, retryAfter, retrying }, 'github: primary rate limit reached');
      return retrying;
    },
    onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
      const retrying = retryCount < RATE_LIMIT_RETRIES;
      logger.warn({ method: options.method, url: options.url, retryAfter, retrying }, 'github: secondary rate limit, waiting');
      return retrying;
    },
  };
  const octokit = new GitHubOctokit({
    ...authOptions(ctx.options.auth),
    baseUrl: (environment.baseUrl ?? ctx.options.baseUrl).replace(/\/+$/, ''),
    userAgent: 'evidence-agent',
    request: { fetch: fetchWithReplyCap(fetchCounted), signal: ctx.signal },
    log: quietLog(logger),
    throttle,
    retry: { retries: 3, retryAfterBaseValue, doNotRetry: DO_NOT_RETRY },
  });
  // Registered first, so it runs inside the conditional requests: an unparsed reply is never cached.
  refuseUnparsedJson(octokit);
  useConditionalRequests(octokit, ctx.httpCache, ctx.secrets);
  return { octokit, counts };
}

/**
 * The token a request carries (a personal token, an App's JWT, an installation token fetched at run
 * time): known as a secret before any reply could echo it.
 */
function credentialOf(headers: RequestInit['headers']): string | undefined {
  const value = headers instanceof Headers ? headers.get('authorization') : (headers as Record<string, string> | undefined)?.['authorization'];
  return value?.replace(/^(token|bearer|basic)\s+/i, '');
}

function authOptions(auth: GitHubAuth): { auth: unknown; authStrategy?: typeof createAppAuth } {
  if ('token' in auth) return { auth: auth.token };
  const privateKey = auth.privateKey ?? readFileSync(auth.privateKeyPath!, 'utf8');
  return {
    authStrategy: createAppAuth,
    auth: { appId: Number(auth.appId), privateKey, installationId: Number(auth.installationId) },
  };
}

/** Octokit logs every 4xx as a warning; the collector reports what matters itself. Never headers (tokens). */
function quietLog(logger: Logger) {
  return {
    debug: (message: string) => logger.debug({ message }, 'github: octokit'),
    info: (message: string) => logger.debug({ message }, 'github: octokit'),
    warn: (message: string) => logger.debug({ message }, 'github: octokit'),
    error: (message: string) => logger.debug({ message }, 'github: octokit'),
  };
}

/**
 * Octokit hands back a JSON reply it cannot parse as its raw text, and a body cut off by a connection
 * reset as an empty string (or nothing, without a content type), which a paginated read then takes for
 * an empty list (an org "without webhooks"). Every read here expects JSON: such a reply is an error.
 */
function refuseUnparsedJson(octokit: GitHubClient): void {
  octokit.hook.after('request', (response) => {
    if (response.status !== 200) return;
    const data: unknown = response.data;
    if (data === undefined || data === null || data === '') throw new MalformedReplyError('the reply is empty (the body was cut off)');
    if (typeof data === 'string') throw new MalformedReplyError('the reply is not valid JSON (cut off or malformed)');
  });
}

/**
 * The cache is stored with the evidence, so it keeps no more of a webhook's credentials than the
 * evidence does: its `secret` only masked (as GitHub sends it), which still tells one is set, and its
 * URL without the query string or user info that may carry the receiver's token.
 */
function maskSecretFields(key: string, value: unknown): unknown {
  if (key === 'secret' && typeof value === 'string' && value !== '') return '********';
  if (key === 'config' && value && typeof value === 'object' && typeof (value as { url?: unknown }).url === 'string') {
    return { ...value, url: withoutCredentials((value as { url: string }).url) };
  }
  return value;
}

interface CachedBody {
  data: unknown;
  link: string | null;
}

/**
 * Every GET carries If-None-Match with the stored ETag; a 304 is answered from the stored body (with
 * its Link header, so pagination goes on). A 200 with an ETag replaces the stored entry.
 */
function useConditionalRequests(octokit: GitHubClient, cache: HttpCache, secrets: CollectContext<unknown>['secrets']): void {
  octokit.hook.wrap('request', async (request, options) => {
    if (options.method !== 'GET') return request(options);
    const key = `GET ${octokit.request.endpoint.parse(options).url}`;
    const cached = await cache.get(key);
    if (cached) options.headers = { ...options.headers, 'if-none-match': cached.etag };
    try {
      const response = await request(options);
      const etag = response.headers.etag;
      if (etag && response.status === 200) {
        const body: CachedBody = { data: response.data, link: response.headers.link ?? null };
        await cache.set(key, { etag, body: secrets.redact(JSON.stringify(body, maskSecretFields)) });
      }
      return response;
    } catch (error) {
      if (cached && (error as { status?: number }).status === 304) {
        const body = JSON.parse(cached.body) as CachedBody;
        return {
          status: 200,
          url: octokit.request.endpoint.parse(options).url,
          headers: { etag: cached.etag, ...(body.link ? { link: body.link } : {}) },
          data: body.data,
        } as Awaited<ReturnType<typeof request>>;
      }
      throw error;
    }
  });
}
