// A process of its own for one hostile reply, so its memory can be measured: a real HTTP server on
// loopback serves either a GitHub members page of 3 MB gzip that inflates to 3 GB (`github`), or an IAM
// GetAccountAuthorizationDetails reply that never ends (`aws`); the real client reads it. Prints one JSON
// line: how the read ended, its message, the time, RSS before and the peak, and how much was served. Past
// 1 GiB of RSS (the deploy docs' limit) it stops itself and says so, rather than take the machine's memory.
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import { createAwsSession } from '../../collectors/_aws/clients.js';
import { describeFailure } from '../../collectors/_aws/errors.js';
import { createGitHubSession } from '../../collectors/github/client.js';
import { describeGitHubFailure } from '../../collectors/github/errors.js';
import type { GitHubOptions } from '../../collectors/github/schema.js';
import { silentLogger } from '../../src/logging.js';
import { SecretRegistry } from '../../src/redaction.js';

const MiB = 1024 * 1024;
const RSS_LIMIT = 1024 * MiB;
const target = process.argv[2];

let served = 0;
let requests = 0;
/** Writes `next()` chunks with backpressure until it returns null or the client goes away. */
function stream(res: ServerResponse, next: () => Buffer | null): void {
  const pump = () => {
    for (;;) {
      if (res.destroyed) return;
      const chunk = next();
      if (chunk === null) return void res.end();
      served += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  res.on('error', () => undefined);
  pump();
}

// One gzip member inflates to 1 MiB of spaces; 3,072 of them in a row are one valid gzip stream of ~3 MB
// that inflates to 3 GiB (RFC 1952: a gzip file is a series of members).
const member = gzipSync(Buffer.alloc(MiB, 0x20), { level: 9 });
const MEMBERS = 3072;
const IAM_HEAD = Buffer.from(
  '<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult><UserDetailList>',
);
const IAM_USERS = Buffer.from('<member><UserName>u</UserName></member>'.repeat(1600));

const server = createServer((req, res) => {
  requests += 1;
  if (target === 'github') {
    if (!req.url?.startsWith('/orgs/acme/members')) return void res.writeHead(404).end('{"message":"Not Found"}');
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' });
    let sent = 0;
    return stream(res, () => (sent++ < MEMBERS ? member : null));
  }
  res.writeHead(200, { 'content-type': 'text/xml' });
  let first = true;
  // 3 GiB, for practical purposes endless.
  stream(res, () => {
    if (served > 3 * 1024 * MiB) return null;
    if (first) {
      first = false;
      return IAM_HEAD;
    }
    return IAM_USERS;
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const report = (outcome: string, message: string | undefined, started: number, rssBefore: number) => {
  process.stdout.write(
    `${JSON.stringify({
      outcome,
      message,
      elapsedMs: Date.now() - started,
      rssBeforeMiB: Math.round(rssBefore / MiB),
      peakRssMiB: Math.round((process.resourceUsage().maxRSS * 1024) / MiB),
      servedMiB: Math.round((served / MiB) * 10) / 10,
      requests,
    })}\n`,
  );
};

global.gc?.();
const rssBefore = process.memoryUsage().rss;
const started = Date.now();
const watchdog = setInterval(() => {
  if (process.memoryUsage().rss > RSS_LIMIT) {
    report('rss-exceeded', undefined, started, rssBefore);
    process.exit(0);
  }
}, 10);

try {
  if (target === 'github') {
    const { octokit } = createGitHubSession(
      {
        options: { auth: { token: 'test-token-not-real' }, baseUrl: origin } as GitHubOptions,
        logger: silentLogger(),
        signal: new AbortController().signal,
        countApiCall: () => undefined,
        httpCache: { get: async () => undefined, set: async () => undefined },
        secrets: new SecretRegistry(),
      },
      { retryAfterBaseMs: 1, unlimitedRate: true },
    );
    try {
      await octokit.paginate(octokit.rest.orgs.listMembers, { org: 'acme', per_page: 100 });
      report('read', undefined, started, rssBefore);
    } catch (error) {
      report('failed', describeGitHubFailure('GET /orgs/acme/members', error), started, rssBefore);
    }
  } else {
    const session = createAwsSession({
      account: {},
      region: 'us-east-1',
      clientEnvironment: { aws: { endpoint: origin, credentials: { accessKeyId: 'AKIDBOMBTEST', secretAccessKey: 'test-secret-not-real' }, retryDelayMs: 5 } },
      countApiCall: () => undefined,
      secrets: new SecretRegistry(),
    });
    const iam = session.track(new IAMClient(session.clientConfig()));
    try {
      await iam.send(new GetAccountAuthorizationDetailsCommand({}));
      report('read', undefined, started, rssBefore);
    } catch (error) {
      report('failed', describeFailure('GetAccountAuthorizationDetails', error), started, rssBefore);
    } finally {
      session.destroy();
    }
  }
} finally {
  clearInterval(watchdog);
  server.closeAllConnections();
  server.close();
}
