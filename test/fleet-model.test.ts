// The fleet bench's model (bench/fleet-model.ts): a fleet's figures from a measured fraction, each beside
// its bound; a missed bound is printed as missed.
import { describe, expect, it } from 'vitest';
import { cycleSeconds, fleetModel, QUERIES_PER_REGION } from '../bench/fleet-model.js';
import type { DayRun, FleetMeasure } from '../bench/fleet-model.js';
import { tickSlot } from '../src/daemon/scheduler.js';

const MiB = 2 ** 20;
const run = (collector: string, over: Partial<DayRun> = {}): DayRun => ({
  collector,
  status: 'ok',
  error: null,
  apiCalls: 10,
  seconds: 1,
  meta: {},
  evidence: 1,
  events: 0,
  storeBytes: 1_000_000,
  maxRss: 150 * MiB,
  ...over,
});
const measure = (daily: Partial<Record<string, Partial<DayRun>>> = {}, lookups = 17 * QUERIES_PER_REGION): FleetMeasure => ({
  regions: 17,
  repositories: 1000,
  account: { users: 1, roles: 1, groups: 1, policies: 1 },
  iamItems: 500,
  mfaDevices: 10,
  days: [
    {
      at: 'd1',
      runs: [run('aws-iam'), run('aws-cloudtrail', { maxRss: 150 * MiB }), run('github', { meta: { chargedRequests: 7000 }, maxRss: 250 * MiB })],
      awsByAction: {},
      awsErrors: {},
      githubRequests: 7000,
    },
    {
      at: 'd2',
      runs: [
        run('aws-iam', { apiCalls: 26, seconds: 2, storeBytes: 1_010_000, ...daily['aws-iam'] }),
        run('aws-cloudtrail', { apiCalls: 540, seconds: 16, storeBytes: 1_000_000, ...daily['aws-cloudtrail'] }),
        run('github', { meta: { chargedRequests: 200 }, seconds: 150, storeBytes: 4_000_000, maxRss: 260 * MiB, ...daily['github'] }),
      ],
      awsByAction: { LookupEvents: lookups },
      awsErrors: {},
      githubRequests: 6000,
    },
  ],
});
const FLEET = { accounts: 100, regions: 17, repositories: 10_000 };
const row = (rows: ReturnType<typeof fleetModel>, figure: string) => rows.find((r) => r.figure.startsWith(figure))!;

describe('the fleet model', () => {
  it('splits a collector’s scopes between agents, each running its share in turn', () => {
    expect(cycleSeconds(100, 16, 1)).toBe(1600);
    expect(cycleSeconds(100, 16, 3)).toBe(34 * 16);
  });

  it('extrapolates per account and per repository, and holds each figure to its bound', () => {
    const rows = fleetModel(measure(), FLEET, [1, 3]);
    expect(row(rows, 'AWS API calls').value).toContain(`LookupEvents ${17 * QUERIES_PER_REGION * 100}`);
    expect(row(rows, 'AWS API calls').met).toBe(true);
    // The collectors run side by side; GitHub is one organization, one slot: 3 agents do not shorten it (150 s x 10).
    expect(row(rows, 'daily cycle wall time, 1 agent').value).toMatch(/^fleet \(model\): 26\.7 min \(AWS 26\.7 min: 100 accounts per agent; GitHub 25\.0 min/);
    expect(row(rows, 'daily cycle wall time, 3 agents').value).toMatch(/^fleet \(model\): 25\.0 min \(AWS 9\.1 min/);
    // Memory: the AWS share, plus the GitHub run's share times the repositories' scale.
    expect(row(rows, 'peak memory').value).toContain(`${(150 + 110 * 10).toFixed(1)} MiB`);
    expect(row(rows, 'store growth').value).toContain(`${((10_000 * 100 + 3_000_000 * 10) / MiB).toFixed(1)} MiB/day`);
    expect(rows.every((r) => r.met)).toBe(true);
  });

  it('prints a missed bound as missed: calls over the floor, throttling, a failed run, memory over the limit', () => {
    const rows = fleetModel(
      measure({ 'aws-cloudtrail': { status: 'failed', error: 'boom' }, github: { maxRss: 400 * MiB } }, 17 * QUERIES_PER_REGION + 5),
      FLEET,
      [1],
    );
    expect(row(rows, 'AWS API calls').met).toBe(false);
    expect(row(rows, 'throttled').met).toBe(false);
    expect(row(rows, 'throttled').value).toContain('aws-cloudtrail: boom');
    expect(row(rows, 'peak memory').met).toBe(false);
  });
});

describe('the slot of a scheduled start', () => {
  it('is the instant the cron expression matched, to the second, whatever the milliseconds of the firing', () => {
    expect(tickSlot(new Date('2026-12-07T03:00:00.000Z'))).toBe('tick:2026-12-07T03:00:00.000Z');
    expect(tickSlot(new Date('2026-12-07T03:00:00.240Z'))).toBe('tick:2026-12-07T03:00:00.000Z');
    expect(tickSlot(new Date('2026-12-07T02:59:59.800Z'))).toBe('tick:2026-12-07T03:00:00.000Z');
  });
});
