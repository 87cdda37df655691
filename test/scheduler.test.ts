// The daemon's scheduler on fake timers: jobs start on their cron ticks (after a bounded jitter), a tick
// while the previous run goes on is skipped, a catch-up runs at once, cadences come from the schedules,
// and stopping waits for the running job and cancels pending starts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { CollectResult, Collector } from '../src/collector.js';
import { Scheduler, ScheduleError } from '../src/daemon/scheduler.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import { openStore } from '../src/store/index.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const MINUTE = 60_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-05T10:00:30Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

function scheduler(jitterMs = 0, random = () => 0) {
  const skipped: string[] = [];
  const s = new Scheduler({ timeZone: 'UTC', jitterMs, logger: silentLogger(), random, onSkipped: (job) => skipped.push(job) });
  return { s, skipped };
}

describe('scheduler', () => {
  it('starts a job on each tick of its schedule', async () => {
    const { s } = scheduler();
    const starts: string[] = [];
    s.add({ name: 'aws-iam', cron: '* * * * *', run: async () => void starts.push(new Date().toISOString()) });
    s.start();
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(starts).toEqual(['2026-01-05T10:01:00.000Z', '2026-01-05T10:02:00.000Z', '2026-01-05T10:03:00.000Z']);
    await s.stop();
  });

  it('skips a tick while the previous run of the same job goes on', async () => {
    const { s, skipped } = scheduler();
    let runs = 0;
    s.add({
      name: 'slow',
      cron: '* * * * *',
      run: () =>
        new Promise((resolve) => {
          runs++;
          setTimeout(resolve, 90_000);
        }),
    });
    s.start();
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    // 10:01 starts (ends 10:02:30), 10:02 is skipped, 10:03 starts.
    expect(runs).toBe(2);
    expect(skipped).toEqual(['slow']);
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    await stopping;
  });

  it('delays each start by a jitter below its bound', async () => {
    const { s } = scheduler(30_000, () => 0.999);
    const starts: number[] = [];
    s.add({ name: 'github', cron: '* * * * *', run: async () => void starts.push(Date.now()) });
    s.start();
    await vi.advanceTimersByTimeAsync(30_000 + 29_000); // the tick at 10:01:00, then 29 s
    expect(starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(starts).toHaveLength(1);
    const delay = starts[0]! - Date.parse('2026-01-05T10:01:00Z');
    expect(delay).toBeGreaterThanOrEqual(29_000);
    expect(delay).toBeLessThan(30_000);
    await s.stop();
  });

  it('runs a catch-up at once, without jitter, and never twice at the same time', async () => {
    const { s } = scheduler(30_000, () => 0.5);
    let runs = 0;
    s.add({
      name: 'aws-cloudtrail',
      cron: '0 * * * *',
      run: () =>
        new Promise((resolve) => {
          runs++;
          setTimeout(resolve, 1000);
        }),
    });
    const first = s.runNow('aws-cloudtrail');
    const second = s.runNow('aws-cloudtrail');
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([first, second]);
    expect(runs).toBe(1);
  });

  it('knows each cadence, the weekly digest included', () => {
    const { s } = scheduler();
    s.add({ name: 'aws-iam', cron: '0 3 * * *', run: async () => undefined });
    s.add({ name: 'aws-cloudtrail', cron: '0 * * * *', run: async () => undefined });
    s.add({ name: 'digest', cron: '0 8 * * 1', run: async () => undefined });
    expect(s.cadenceMs('aws-iam')).toBe(24 * 60 * MINUTE);
    expect(s.cadenceMs('aws-cloudtrail')).toBe(60 * MINUTE);
    expect(s.cadenceMs('digest')).toBe(7 * 24 * 60 * MINUTE);
    expect(s.names).toEqual(['aws-iam', 'aws-cloudtrail', 'digest']);
  });

  it('refuses a bad expression, and stopping waits for the running job but starts no pending one', async () => {
    const { s } = scheduler(30_000, () => 0.5);
    expect(() => s.add({ name: 'x', cron: 'every day', run: async () => undefined })).toThrow(ScheduleError);
    let finished = false;
    let started = 0;
    s.add({
      name: 'long',
      cron: '* * * * *',
      run: () =>
        new Promise((resolve) => {
          started++;
          setTimeout(() => {
            finished = true;
            resolve();
          }, 5000);
        }),
    });
    s.add({ name: 'pending', cron: '* * * * *', run: async () => void started++ });
    void s.runNow('long');
    await vi.advanceTimersByTimeAsync(MINUTE); // both ticks: their jittered starts wait 15 s
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(5000);
    await stopping;
    expect(finished).toBe(true);
    expect(started).toBe(1);
  });
});

describe('scheduled runs that exceed their timeout', () => {
  it('are aborted by the runner and recorded as aborted; the next tick runs again', async () => {
    const store = openStore(tempDbPath());
    try {
      const hanging: Collector<{ timeoutSeconds: number }> = {
        id: 'test-hr',
        title: 'Test HR',
        optionsSchema: z.object({ timeoutSeconds: z.number() }),
        permissions: ['hr:Read'],
        checks: [],
        defaultSchedule: '* * * * *',
        scopes: () => [{ key: 'org-1', settings: {} }],
        // Never answers, and ignores its abort signal: the runner must still give up at the timeout.
        collect: () => new Promise<CollectResult>(() => undefined),
      };
      const { s } = scheduler();
      s.add({
        name: 'test-hr',
        cron: '* * * * *',
        run: async () => {
          await runCollectors([{ collector: hanging as Collector<unknown>, options: { timeoutSeconds: 10 } }], {
            store,
            logger: silentLogger(),
            agentVersion: 'test',
            mappingVersion: 'test',
            configDigest: 'test',
          });
        },
      });
      s.start();
      await vi.advanceTimersByTimeAsync(30_000 + 10_000); // the tick at 10:01, then its 10 s timeout
      await vi.advanceTimersByTimeAsync(MINUTE);
      const stopping = s.stop();
      await vi.advanceTimersByTimeAsync(10_000);
      await stopping;
      const runs = await store.listRuns({});
      expect(runs.map((r) => [r.status, r.error])).toEqual([
        ['aborted', 'RunTimeout: run exceeded its timeout of 10 s'],
        ['aborted', 'RunTimeout: run exceeded its timeout of 10 s'],
      ]);
    } finally {
      await store.close();
    }
  });
});
