import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CheckDefinition, CollectResult, Collector } from '../src/collector.js';
import { silentLogger } from '../src/logging.js';
import { currentState } from '../src/reports/current-state.js';
import { runCollectors } from '../src/runner.js';
import type { RunContext } from '../src/runner.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/index.js';
import { tempDbPath } from './helpers/store-fixtures.js';

interface FakeOptions {
  timeoutSeconds: number;
}

const hasMfa: CheckDefinition<FakeOptions> = {
  id: 'fake_svc_user_mfa_enabled',
  title: 'Users have MFA',
  severity: 'high',
  description: 'Every user has MFA.',
  remediation: 'Enable MFA.',
  resourceTypes: ['fake.user'],
  evaluate: (view) =>
    view.all('fake.user').map((item) => {
      const mfa = (item.data as { mfa: boolean }).mfa;
      return {
        resourceType: item.type,
        resourceId: item.resourceId,
        status: mfa ? 'pass' : 'fail',
        message: `User ${item.resourceId} ${mfa ? 'has' : 'has no'} MFA.`,
      };
    }),
};

function fakeCollector(
  id: string,
  collect: (signal: AbortSignal) => Promise<CollectResult>,
  checks: CheckDefinition<FakeOptions>[] = [hasMfa],
): Collector<FakeOptions> {
  return {
    id,
    title: id,
    optionsSchema: z.object({ timeoutSeconds: z.number() }),
    permissions: [],
    checks,
    defaultSchedule: '0 3 * * *',
    scopes: () => [{ key: 'acct-1', settings: {} }],
    collect: (ctx) => collect(ctx.signal),
  };
}

const user = (name: string, mfa: boolean) => ({
  type: 'fake.user',
  resourceId: `user/${name}`,
  schemaVersion: 1,
  data: { mfa },
});

let store: EvidenceStore;
afterEach(async () => store?.close());

function context(extra: Partial<RunContext> = {}): RunContext {
  store = openStore(tempDbPath());
  return {
    store,
    logger: silentLogger(),
    agentVersion: '0.0.0-test',
    mappingVersion: 'm1',
    configDigest: 'c1',
    ...extra,
  };
}

describe('runner', () => {
  it("hands a collector the stored evidence of others as of the run's clock, not the machine's", async () => {
    // A clock far ahead of the machine's (as the demo's --now can be): the snapshot it just stored is the latest.
    const ctx = context({ now: () => new Date('2999-01-01T03:00:00Z') });
    let seen: string[] = [];
    const joiner: Collector<FakeOptions> = {
      ...fakeCollector('fake-join', async () => ({ evidence: [], errors: [] }), []),
      collect: async (c) => {
        seen = (await c.storedEvidence.latest('fake-a', 'fake.user')).map((d) => d.resourceId);
        return { evidence: [], errors: [] };
      },
    };
    await runCollectors(
      [
        { collector: fakeCollector('fake-a', async () => ({ evidence: [user('alice', true)], errors: [] })), options: { timeoutSeconds: 5 } },
        { collector: joiner, options: { timeoutSeconds: 5 } },
      ],
      ctx,
    );
    expect(seen).toEqual(['user/alice']);
  });

  it('stores evidence and findings of a good run', async () => {
    const ctx = context();
    const {
      runs: [run],
    } = await runCollectors(
      [
        {
          collector: fakeCollector('fake-a', async () => ({
            evidence: [user('alice', true), user('bob', false)],
            errors: [],
          })),
          options: { timeoutSeconds: 5 },
        },
      ],
      ctx,
    );
    expect(run).toMatchObject({ status: 'ok', evidenceCount: 2, findingCounts: { pass: 1, fail: 1 } });
    expect((await store.findingsOf(run!.seq)).map((f) => [f.resourceId, f.status, f.severity])).toEqual([
      ['user/alice', 'pass', 'high'],
      ['user/bob', 'fail', 'high'],
    ]);
  });

  it('records a throwing collector as a failed run and still runs the others', async () => {
    const ctx = context();
    const { runs } = await runCollectors(
      [
        {
          collector: fakeCollector('fake-broken', async () => {
            throw Object.assign(new Error('User: x is not authorized to perform: iam:GetAccountAuthorizationDetails'), {
              Code: 'AccessDenied',
            });
          }),
          options: { timeoutSeconds: 5 },
        },
        {
          collector: fakeCollector('fake-good', async () => ({ evidence: [user('alice', true)], errors: [] })),
          options: { timeoutSeconds: 5 },
        },
      ],
      ctx,
    );
    expect(runs.map((r) => [r.collector, r.status])).toEqual([
      ['fake-broken', 'failed'],
      ['fake-good', 'ok'],
    ]);
    expect(runs[0]!.error).toBe('AccessDenied: User: x is not authorized to perform: iam:GetAccountAuthorizationDetails');
    expect(runs[0]!.evidenceCount).toBe(0);
    expect(await store.findingsOf(runs[0]!.seq)).toEqual([]);
  });

  it('aborts a collector that exceeds its timeout, even one that ignores the signal', async () => {
    const ctx = context();
    const {
      runs: [run],
    } = await runCollectors(
      [
        {
          collector: fakeCollector('fake-hung', () => new Promise<CollectResult>(() => undefined)),
          options: { timeoutSeconds: 0.05 },
        },
      ],
      ctx,
    );
    expect(run).toMatchObject({ status: 'aborted', evidenceCount: 0 });
    expect(run!.error).toMatch(/timeout of 0.05 s/);
  });

  it('aborts runs when the agent is stopping', async () => {
    const stop = new AbortController();
    const ctx = context({ signal: stop.signal });
    const runs = runCollectors(
      [
        {
          collector: fakeCollector(
            'fake-slow',
            (signal) => new Promise<CollectResult>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
          ),
          options: { timeoutSeconds: 60 },
        },
      ],
      ctx,
    );
    setTimeout(() => stop.abort(new Error('SIGTERM received')), 20);
    const [run] = (await runs).runs;
    expect(run).toMatchObject({ status: 'aborted', error: 'SIGTERM received' });
  });

  it('gives a resource whose read failed an error finding, never a pass', async () => {
    const ctx = context();
    const {
      runs: [run],
    } = await runCollectors(
      [
        {
          collector: fakeCollector('fake-partial', async () => ({
            // bob's evidence is stale-but-present; the read error must still win over it
            evidence: [user('alice', true), user('bob', true)],
            errors: [{ type: 'fake.user', resourceId: 'user/bob', error: 'AccessDenied on GetUser' }],
          })),
          options: { timeoutSeconds: 5 },
        },
      ],
      ctx,
    );
    expect(run).toMatchObject({ status: 'partial', findingCounts: { pass: 1, error: 1, fail: 0 } });
    const bob = (await store.findingsOf(run!.seq)).find((f) => f.resourceId === 'user/bob');
    expect(bob).toMatchObject({ status: 'error' });
    expect(bob!.message).toContain('AccessDenied on GetUser');
  });

  it('marks a run partial when a check throws, with an error finding for the scope', async () => {
    const ctx = context();
    const broken: CheckDefinition<FakeOptions> = {
      ...hasMfa,
      id: 'fake_svc_user_broken',
      evaluate: () => {
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const {
      runs: [run],
    } = await runCollectors(
      [
        {
          collector: fakeCollector('fake-check', async () => ({ evidence: [user('a', true)], errors: [] }), [hasMfa, broken]),
          options: { timeoutSeconds: 5 },
        },
      ],
      ctx,
    );
    expect(run).toMatchObject({ status: 'partial', findingCounts: { pass: 1, error: 1 } });
    expect(run!.error).toMatch(/check fake_svc_user_broken/);
  });

  it('files a failed run under the scope its configured scope resolved to before', async () => {
    const ctx = context();
    let fail = false;
    const resolving: Collector<FakeOptions> = {
      ...fakeCollector('fake-resolving', async () => {
        if (fail) throw new Error('ExpiredToken: the security token included in the request is expired');
        return { evidence: [user('a', true)], errors: [], resolvedScope: 'acct-9' };
      }),
      scopes: () => [{ key: 'default', settings: {} }],
    };
    const configured = [{ collector: resolving, options: { timeoutSeconds: 5 } }];
    const {
      runs: [first],
    } = await runCollectors(configured, ctx);
    fail = true;
    const {
      runs: [second],
    } = await runCollectors(configured, ctx);
    expect([first!.scope, first!.status, second!.scope, second!.status]).toEqual(['acct-9', 'ok', 'acct-9', 'failed']);
    expect(second!.meta).toEqual({ configuredScope: 'default', redacted: 0 });
    expect((await store.latestRuns()).map((r) => r.seq)).toEqual([second!.seq]);
  });

  it('drops the warning of a first failure once its configured scope has resolved', async () => {
    const ctx = context();
    let fail = true;
    const resolving: Collector<FakeOptions> = {
      ...fakeCollector('fake-late', async () => {
        if (fail) throw new Error('ExpiredToken');
        return { evidence: [user('a', true)], errors: [], resolvedScope: 'acct-9' };
      }),
      scopes: () => [{ key: 'default', settings: {} }],
    };
    const configured = [{ collector: resolving, options: { timeoutSeconds: 5 } }];
    const first = await runCollectors(configured, ctx);
    expect(first.runs[0]).toMatchObject({ scope: 'default', status: 'failed' });
    expect((await currentState(store)).warnings).toEqual([expect.stringMatching(/^fake-late default: .* failed/)]);
    fail = false;
    await runCollectors(configured, ctx);
    const state = await currentState(store);
    expect(state.warnings).toEqual([]);
    expect(state.findings.map((f) => [f.scope, f.status, f.laterRun])).toEqual([['acct-9', 'pass', null]]);
  });

  it('hands an event collector its watermarks and marks a run with a hole partial', async () => {
    const ctx = context();
    const seen: Record<string, string>[] = [];
    let run = 0;
    const events: Collector<FakeOptions> = {
      ...fakeCollector('fake-events', async () => ({ evidence: [], errors: [] })),
      checks: [],
      collect: async (collectContext) => {
        seen.push(collectContext.watermarks);
        run += 1;
        const to = `2026-01-0${run + 1}T00:00:00.000Z`;
        const from = collectContext.watermarks['r1'] ?? '2026-01-01T00:00:00.000Z';
        return {
          evidence: [],
          errors: [],
          events: [{ type: 'fake.event', eventId: `e${run}`, occurredAt: from, partition: 'r1', schemaVersion: 1, data: {} }],
          windows: [
            { partition: 'r1', from, to, complete: true },
            { partition: 'r2', from, to, complete: run === 1, ...(run === 1 ? {} : { error: 'Throttling' }) },
          ],
        };
      },
    };
    const configured = [{ collector: events, options: { timeoutSeconds: 5 } }];
    const first = (await runCollectors(configured, ctx)).runs[0]!;
    const second = (await runCollectors(configured, ctx)).runs[0]!;
    expect(seen).toEqual([{}, { r1: '2026-01-02T00:00:00.000Z', r2: '2026-01-02T00:00:00.000Z' }]);
    expect(first).toMatchObject({ status: 'ok', eventCounts: { read: 1, stored: 1, incompleteWindows: 0 } });
    expect(second).toMatchObject({ status: 'partial', eventCounts: { read: 1, stored: 1, incompleteWindows: 1 } });
    expect(second.error).toMatch(/events of r2 from .* not read in full: Throttling/);
  });

  it('goes on with the other collectors when the store cannot record a run, and reports it', async () => {
    const ctx = context();
    let calls = 0;
    const failingOnce: EvidenceStore = Object.assign(Object.create(store) as EvidenceStore, {
      finishRun: async (...args: Parameters<EvidenceStore['finishRun']>) => {
        calls += 1;
        if (calls <= 2) throw new Error('SQLITE_FULL: database or disk is full');
        return store.finishRun(...args);
      },
    });
    const batch = await runCollectors(
      [
        { collector: fakeCollector('fake-a', async () => ({ evidence: [user('a', true)], errors: [] })), options: { timeoutSeconds: 5 } },
        { collector: fakeCollector('fake-b', async () => ({ evidence: [user('b', true)], errors: [] })), options: { timeoutSeconds: 5 } },
      ],
      { ...ctx, store: failingOnce },
    );
    expect(batch.runs.map((r) => [r.collector, r.status])).toEqual([['fake-b', 'ok']]);
    expect(batch.unrecorded).toEqual(['fake-a acct-1: SQLITE_FULL: database or disk is full']);
  });

  it('records unstorable evidence as a failed run rather than losing the run', async () => {
    const ctx = context();
    const {
      runs: [run],
    } = await runCollectors(
      [
        {
          collector: fakeCollector('fake-dup', async () => ({ evidence: [user('a', true), user('a', true)], errors: [] })),
          options: { timeoutSeconds: 5 },
        },
      ],
      ctx,
    );
    expect(run).toMatchObject({ status: 'failed', evidenceCount: 0 });
    expect(run!.error).toMatch(/appears twice/);
    expect((await store.verify()).ok).toBe(true);
  });
});
