// A fast synthetic collector for the reliability tests: an estate of users whose activity changes a
// little every simulated day, a check over them, a daily slice of events with its window, and a
// resource it cannot read once a week (a partial run). It goes through the real runner and store, so
// the kill loop and the simulated year exercise what production does, minus the HTTP.
import { z } from 'zod';
import type { CheckDefinition, CollectResult, Collector, EventItem } from '../../src/collector.js';
import { silentLogger } from '../../src/logging.js';
import { runCollectors } from '../../src/runner.js';
import type { RunBatch } from '../../src/runner.js';
import type { EvidenceStore } from '../../src/store/types.js';

export const SYNTHETIC_COLLECTOR = 'synthetic';
export const SYNTHETIC_SCOPE = 'acct-1';
const DAY_MS = 86_400_000;
/** Day 0 of the simulated calendar; every run starts at 03:00 UTC of its day. */
const EPOCH = Date.UTC(2026, 0, 1);
const EVENTS_PER_DAY = 20;

interface SyntheticOptions {
  timeoutSeconds: number;
  resources: number;
}

export function dayStart(day: number): Date {
  return new Date(EPOCH + day * DAY_MS + 3 * 3_600_000);
}

/** The simulated day a run started on. */
export function dayIndexOf(startedAt: string): number {
  return Math.floor((Date.parse(startedAt) - EPOCH) / DAY_MS);
}

/** How many documents the snapshot of `day` holds: users (one joins every 5 days), plus the agent's mappings document. */
export function expectedDocuments(resources: number, day: number): number {
  return usersOn(resources, day).length + 1;
}

function usersOn(resources: number, day: number): number[] {
  const joined = Math.floor(day / 5);
  // One leaves every 7 days (the oldest still there), so documents are removed too.
  const left = Math.floor(day / 7);
  return Array.from({ length: resources + joined - left }, (_, i) => i + left);
}

const mfaCheck: CheckDefinition<SyntheticOptions> = {
  id: 'synthetic_iam_user_mfa_enabled',
  title: 'Users have MFA',
  severity: 'high',
  description: 'Every user has MFA.',
  remediation: 'Enable MFA.',
  resourceTypes: ['synthetic.user'],
  evaluate: (view) =>
    view.all('synthetic.user').map((item) => {
      const mfa = (item.data as { mfa: boolean }).mfa;
      return {
        resourceType: item.type,
        resourceId: item.resourceId,
        status: mfa ? 'pass' : 'fail',
        message: `User ${item.resourceId} ${mfa ? 'has' : 'has no'} MFA.`,
      };
    }),
};

function collectDay(options: SyntheticOptions, now: Date, watermarks: Record<string, string>): CollectResult {
  const day = Math.floor((now.getTime() - EPOCH) / DAY_MS);
  const evidence = usersOn(options.resources, day).map((i) => ({
    type: 'synthetic.user',
    resourceId: `user/u${i}`,
    schemaVersion: 1,
    // Activity kept to the day, as the real collectors do: about one user in 40 changes a day.
    data: { name: `u${i}`, mfa: i % 13 !== 0, lastUsed: `day-${day - ((day + i) % 40)}` },
  }));
  const windowEnd = now.toISOString();
  const windowStart = watermarks['us-east-1'] ?? new Date(now.getTime() - DAY_MS).toISOString();
  const from = Date.parse(windowStart);
  const span = Math.max(1, now.getTime() - from);
  const events: EventItem[] = Array.from({ length: EVENTS_PER_DAY }, (_, n) => ({
    type: 'synthetic.event',
    eventId: `evt-${day}-${n}`,
    occurredAt: new Date(from + Math.floor((span * n) / EVENTS_PER_DAY)).toISOString(),
    partition: 'us-east-1',
    schemaVersion: 1,
    data: { action: n % 2 ? 'CreateAccessKey' : 'ConsoleLogin', actor: `u${(day + n) % options.resources}` },
  }));
  // Once a week one user cannot be read: the run is partial and that user gets an error finding.
  const errors = day % 7 === 3 ? [{ type: 'synthetic.user', resourceId: `user/u${day % options.resources}`, error: 'AccessDenied' }] : [];
  return {
    evidence,
    errors,
    events,
    windows: [{ partition: 'us-east-1', from: windowStart, to: windowEnd, complete: true }],
  };
}

export function syntheticCollector(): Collector<SyntheticOptions> {
  return {
    id: SYNTHETIC_COLLECTOR,
    title: 'Synthetic estate',
    optionsSchema: z.object({ timeoutSeconds: z.number(), resources: z.number() }),
    permissions: [],
    checks: [mfaCheck],
    defaultSchedule: '0 3 * * *',
    scopes: () => [{ key: SYNTHETIC_SCOPE, settings: {} }],
    collect: async (ctx) => {
      // Yield once, as a collector waiting on the network does, so a kill can land mid-collect.
      await new Promise((resolve) => setImmediate(resolve));
      return collectDay(ctx.options, ctx.now(), ctx.watermarks);
    },
  };
}

/** A clock for one simulated day: 03:00 UTC (plus `offsetMs`), advancing one second per reading. */
export function dayClock(day: number, offsetMs = 0): () => Date {
  let tick = 0;
  const start = dayStart(day).getTime() + offsetMs;
  return () => new Date(start + 1000 * tick++);
}

/** One daily collection of the synthetic estate through the real runner. */
export function collectSyntheticDay(store: EvidenceStore, day: number, resources: number, offsetMs = 0): Promise<RunBatch> {
  const collector = syntheticCollector();
  return runCollectors([{ collector, options: { timeoutSeconds: 600, resources } } as never], {
    store,
    logger: silentLogger(),
    agentVersion: '0.0.0-test',
    mappingVersion: 'synthetic-mappings',
    configDigest: 'synthetic-config',
    now: dayClock(day, offsetMs),
    mappings: [],
  });
}

/** The day after the newest snapshot of the synthetic stream: where a restarted agent catches up. */
export async function nextDayToCollect(store: EvidenceStore): Promise<number> {
  const [latest] = (await store.latestSnapshots(new Date('9999-12-31T00:00:00Z'))).filter((r) => r.collector === SYNTHETIC_COLLECTOR);
  return latest ? dayIndexOf(latest.startedAt) + 1 : 0;
}
