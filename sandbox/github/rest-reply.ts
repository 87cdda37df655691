// The envelope of a REST reply: JSON with GitHub's content type, a weak ETag over the body so a client
// can ask again with If-None-Match and get a free 304, the rate-limit headers, and GitHub's error bodies.
import { createHash } from 'node:crypto';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const RATE_LIMIT = 5000;

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
}

export const notFound = (): ErrorReply => ({ status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });

export const branchNotFound = (): ErrorReply => ({
  status: 404,
  body: { message: 'Branch not found', documentation_url: 'https://docs.github.com/rest/branches/branches#get-a-branch', status: '404' },
});

export const branchNotProtected = (): ErrorReply => ({
  status: 404,
  body: {
    message: 'Branch not protected',
    documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection',
    status: '404',
  },
});

/** 422 for a query parameter outside its enum, as GitHub answers it. */
export const validationFailed = (what: string): ErrorReply => ({
  status: 422,
  body: { message: `Validation Failed: ${what}`, documentation_url: 'https://docs.github.com/rest', status: '422' },
});

/** W/"<first 40 hex of the body's SHA-256>": equal bodies, equal tags, whoever asks. */
export function weakEtag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex').slice(0, 40)}"`;
}

/** If-None-Match may list several tags (or `*`); any match is a hit. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || `W/${t}` === etag || t === etag.slice(2);
  });
}

/** x-ratelimit-* of a reply after `used` charged requests; the window resets an hour after now. */
export function rateLimitHeaders(resource: 'core' | 'graphql', used: number, now: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - used)),
    'x-ratelimit-reset': String(Math.floor(now / 1000) + 3600),
    'x-ratelimit-used': String(used),
    'x-ratelimit-resource': resource,
  };
}
