// What the GitHub client counts, through the real Octokit over nock: every request sent, those GitHub
// charged against the rate limit (not a 304, not a refusal for want of limit), and those it refused for a
// rate limit (primary: 403/429 with nothing remaining; secondary: 403 with retry-after). The run's log and
// meta said "rateLimited" for every reply but the 304s.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubSession } from '../../../collectors/github/client.js';
import { github } from '../../../collectors/github/index.js';
import { githubOptionsSchema } from '../../../collectors/github/schema.js';
import { contextFor, memoryHttpCache } from '../../helpers/collect-context.js';

const API = 'https://api.github.com';
const ORG = 'acme';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const remaining = (n: number) => ({
  ...JSON_TYPE,
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(n),
  'x-ratelimit-used': String(5000 - n),
  'x-ratelimit-resource': 'core',
  'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
});
const limitMessage = {
  message: 'API rate limit exceeded for installation ID 1.',
  documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
};
const secondaryMessage = {
  message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
  documentation_url: 'https://docs.github.com/rest',
};

function session() {
  const options = githubOptionsSchema.parse({ auth: { token: 'test-token-not-real' }, orgs: [ORG] });
  const cache = memoryHttpCache();
  const { ctx } = contextFor(github, options, { clientEnvironment: { github: { retryAfterBaseMs: 1, unlimitedRate: true } }, httpCache: cache });
  return createGitHubSession(ctx, { retryAfterBaseMs: 1, unlimitedRate: true });
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('GitHub request counts', () => {
  it('counts plain replies as charged and nothing as rate limited', async () => {
    nock(API).get(`/orgs/${ORG}`).reply(200, { login: ORG, id: 1 }, remaining(4999));
    nock(API).get(`/orgs/${ORG}/hooks`).query(true).reply(404, { message: 'Not Found' }, remaining(4998));
    const { octokit, counts } = session();
    await octokit.rest.orgs.get({ org: ORG });
    await expect(octokit.rest.orgs.listWebhooks({ org: ORG })).rejects.toThrow(/Not Found/);
    expect(counts).toEqual({ requests: 2, charged: 2, rateLimited: 0, notModified: 0, rateLimitRemaining: 4998 });
  });

  it('counts a primary-limit refusal (403 and 429, nothing remaining) as rate limited and not charged, and its retry as charged', async () => {
    nock(API).get(`/orgs/${ORG}`).reply(403, limitMessage, remaining(0)).get(`/orgs/${ORG}`).reply(200, { login: ORG, id: 1 }, remaining(4999));
    nock(API)
      .get(`/orgs/${ORG}/teams`)
      .query(true)
      .reply(429, limitMessage, remaining(0))
      .get(`/orgs/${ORG}/teams`)
      .query(true)
      .reply(200, [], remaining(4998));
    const { octokit, counts } = session();
    await octokit.rest.orgs.get({ org: ORG });
    await octokit.rest.teams.list({ org: ORG });
    expect(nock.pendingMocks()).toEqual([]);
    expect(counts).toEqual({ requests: 4, charged: 2, rateLimited: 2, notModified: 0, rateLimitRemaining: 4998 });
  });

  it('counts a secondary-limit refusal (403 with retry-after, requests remaining) as rate limited and charged', async () => {
    nock(API)
      .get(`/orgs/${ORG}`)
      .reply(403, secondaryMessage, { ...remaining(4990), 'retry-after': '1' })
      .get(`/orgs/${ORG}`)
      .reply(200, { login: ORG, id: 1 }, remaining(4989));
    const { octokit, counts } = session();
    await octokit.rest.orgs.get({ org: ORG });
    expect(counts).toEqual({ requests: 2, charged: 2, rateLimited: 1, notModified: 0, rateLimitRemaining: 4989 });
  });

  it('counts a 304 as neither', async () => {
    nock(API)
      .get(`/orgs/${ORG}`)
      .reply(200, { login: ORG, id: 1 }, { ...remaining(4999), etag: 'W/"1"' });
    nock(API)
      .get(`/orgs/${ORG}`)
      .matchHeader('if-none-match', 'W/"1"')
      .reply(304, '', { ...remaining(4999), etag: 'W/"1"' });
    const options = githubOptionsSchema.parse({ auth: { token: 'test-token-not-real' }, orgs: [ORG] });
    const cache = memoryHttpCache();
    const { ctx } = contextFor(github, options, { clientEnvironment: {}, httpCache: cache });
    await createGitHubSession(ctx, { retryAfterBaseMs: 1 }).octokit.rest.orgs.get({ org: ORG });
    const second = createGitHubSession(ctx, { retryAfterBaseMs: 1 });
    await second.octokit.rest.orgs.get({ org: ORG });
    expect(second.counts).toEqual({ requests: 1, charged: 0, rateLimited: 0, notModified: 1, rateLimitRemaining: 4999 });
  });
});
