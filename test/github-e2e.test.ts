// The github collector end to end over the simulated organization (served through nock, so the real
// Octokit builds and parses every request) with the real runner and store: two runs over a growing
// change history store each merged change once and their windows join; a second run over an unchanged
// organization of 200 repositories is nearly free against the rate limit (ETags kept in the store).
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectGitHub } from '../collectors/github/collect.js';
import { github } from '../collectors/github/index.js';
import { PARTITIONS, githubOptionsSchema } from '../collectors/github/schema.js';
import type { GitHubOptions } from '../collectors/github/schema.js';
import type { ClientEnvironment, Collector } from '../src/collector.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import { GitHubSandbox, SANDBOX_ORG } from '../src/sandbox/github/index.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { contextFor } from './helpers/collect-context.js';
import { serveGitHubSandbox } from './helpers/github-sandbox-nock.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const API = 'https://api.github.com';
const DAY = 86_400_000;
const END = new Date('2026-03-31T00:00:00Z');
const ENVIRONMENT: ClientEnvironment = { github: { baseUrl: API, retryAfterBaseMs: 1, unlimitedRate: true } };

const serve = serveGitHubSandbox;

const options = (): GitHubOptions => githubOptionsSchema.parse({ auth: { token: 'sandbox-token' }, orgs: [SANDBOX_ORG] });

async function runAt(store: EvidenceStore, at: Date) {
  const batch = await runCollectors([{ collector: github as Collector<unknown>, options: options() }], {
    store,
    logger: silentLogger(),
    agentVersion: 'test',
    mappingVersion: 'test',
    configDigest: 'test',
    now: () => at,
    clientEnvironment: ENVIRONMENT,
  });
  expect(batch.unrecorded).toEqual([]);
  return batch.runs[0]!;
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('github end to end', () => {
  it('stores every change once over two runs of a growing history, in windows that join', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END, historyDays: 120 });
    let now = new Date(END.getTime() - 10 * DAY);
    serve(sandbox, () => now);
    const store = openStore(tempDbPath());
    try {
      const first = await runAt(store, now);
      now = new Date(END.getTime());
      const second = await runAt(store, now);
      expect([first.status, second.status]).toEqual(['ok', 'ok']);
      const windows = [...(await store.windowsOf(first.seq)), ...(await store.windowsOf(second.seq))];
      for (const partition of Object.values(PARTITIONS)) {
        const [a, b] = windows.filter((w) => w.partition === partition);
        expect(a!.complete && b!.complete).toBe(true);
        expect(b!.from).toBe(a!.to);
      }
      expect(second.eventCounts.read).toBeGreaterThan(0);
      expect(second.eventCounts.stored).toBe(second.eventCounts.read);

      // The same span read in one go, with no store, finds exactly the stored changes.
      const from = new Date(windows[0]!.from);
      const stored = await store.eventsOf('github', SANDBOX_ORG, from, new Date(windows.at(-1)!.to));
      const { ctx } = contextFor(github, options(), {
        now,
        clientEnvironment: ENVIRONMENT,
        watermarks: { [PARTITIONS.pullRequests]: from.toISOString(), [PARTITIONS.pushes]: from.toISOString() },
      });
      const oneShot = await collectGitHub(ctx);
      const ids = (events: { eventId: string }[]) => events.map((e) => e.eventId).sort();
      expect(ids(stored)).toEqual(ids(oneShot.events!));
      expect(new Set(ids(stored)).size).toBe(stored.length);
      expect(stored.length).toBe(first.eventCounts.stored + second.eventCounts.stored);
      // The planted changes are in the population, but for the merge into a release branch.
      for (const change of sandbox.specialChanges) {
        const id = change.number === null ? `${change.repository}@${change.commit}` : `${change.repository}#${change.number}`;
        expect(ids(stored).includes(id)).toBe(change.kind !== 'non-default-base');
      }
    } finally {
      await store.close();
    }
  });

  it('spends at most 10 charged requests on a second run over an unchanged org of 200 repositories, and none is rate limited', async () => {
    const sandbox = new GitHubSandbox({ historyEnd: END, repositories: 200, historyDays: 30, pullRequestsPerDay: 20 });
    const now = new Date(END.getTime() - DAY / 2);
    const counted = serve(sandbox, () => now);
    const store = openStore(tempDbPath());
    try {
      const first = await runAt(store, now);
      const firstCharged = counted.charged;
      const second = await runAt(store, now);
      const charged = counted.charged - firstCharged;
      // What the collector recorded matches what the server saw.
      expect(second.meta['chargedRequests']).toBe(charged);
      expect(charged).toBeLessThanOrEqual(10);
      expect(second.meta['requests']).toBeGreaterThan(200);
      expect(first.meta['chargedRequests']).toBeGreaterThan(400);
      // The sandbox refused nothing: no request was rate limited (every charged one was counted so before).
      expect([first.meta['rateLimitedRequests'], second.meta['rateLimitedRequests']]).toEqual([0, 0]);
      expect(second.evidenceCount).toBe(first.evidenceCount);
      expect(second.changes).toEqual({ added: 0, changed: 0, removed: 0 });
      console.log(`github 200 repositories: run 1 ${first.meta['requests']} requests (${first.meta['chargedRequests']} charged), run 2 ${second.meta['requests']} (${charged} charged)`);
    } finally {
      await store.close();
    }
  });
});
