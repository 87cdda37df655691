// Serves the simulated GitHub organization on api.github.com through nock, so the real Octokit builds,
// paginates and parses every request; counts what GitHub would charge against the rate limit.
import nock from 'nock';
import type { GitHubSandbox } from '../../sandbox/github/index.js';

export const GITHUB_API = 'https://api.github.com';

type Headers = Record<string, string | string[] | undefined>;
const flatten = (headers: Headers): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));

/** The org as it stands at `clock()`; Link headers name api.github.com. */
export function serveGitHubSandbox(sandbox: GitHubSandbox, clock: () => Date): { charged: number; notModified: number } {
  const counted = { charged: 0, notModified: 0 };
  const answer = (method: string, path: string, headers: Headers, body: string) => {
    const reply = sandbox.handle({ method, path, headers: { ...flatten(headers), 'x-sandbox-base': GITHUB_API }, body }, clock());
    if (reply.status === 304) counted.notModified++;
    else counted.charged++;
    return [reply.status, reply.body, reply.headers] as const;
  };
  nock(GITHUB_API)
    .persist()
    .get(/.*/)
    .reply(function (uri) {
      return answer('GET', uri, this.req.headers, '');
    })
    .post('/graphql')
    .reply(function (uri, body) {
      return answer('POST', uri, this.req.headers, typeof body === 'string' ? body : JSON.stringify(body));
    });
  return counted;
}
