// The demo's two populations of access changes agree: the principals added or removed between snapshots
// (populations/principals-added-removed.csv) and the IAM calls CloudTrail logged (populations/access-changes.csv).
// The demo's AWS estate and collectors, with the demo's options and its daily 06:00 schedule, replay 26 days
// ending on a fixed day (any day of the week, any clock), then the period is exported: every user, role or
// group that appears has its Create call before the snapshot that first shows it, every one that disappears
// its Delete call before the snapshot that first misses it, and the other way round.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import { loadFrameworks } from '../src/agent.js';
import { exportBundle } from '../src/bundle/export.js';
import { generateSigningKey, loadPrivateKey } from '../src/bundle/signing.js';
import type { Collector } from '../src/collector.js';
import { demoAwsIamOptions } from '../collectors/aws-iam/demo.js';
import { demoCloudTrailOptions } from '../collectors/aws-cloudtrail/demo.js';
import { silentLogger } from '../src/logging.js';
import { collectorCadence } from '../src/reports/cadence.js';
import { runCollectors } from '../src/runner.js';
import type { ConfiguredCollector } from '../src/runner.js';
import { CAST, DRIFT } from '../sandbox/drift.js';
import { startSandbox } from '../sandbox/index.js';
import { openStore } from '../src/store/index.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const END = new Date('2026-06-30T00:00:00Z');
const DAY_MS = 86_400_000;
const DAYS = 26;
/** The demo's collection time: 06:00 UTC. */
const collectionDay = (offset: number) => new Date(END.getTime() + offset * DAY_MS + 6 * 3_600_000);

type Row = Record<string, string>;
/** Principal types and the IAM calls that create and delete them. */
const CALLS: Record<string, { added: string; removed: string; targetType: string }> = {
  'aws.iam.user': { added: 'CreateUser', removed: 'DeleteUser', targetType: 'user' },
  'aws.iam.role': { added: 'CreateRole', removed: 'DeleteRole', targetType: 'role' },
  'aws.iam.group': { added: 'CreateGroup', removed: 'DeleteGroup', targetType: 'group' },
};

let principals: Row[];
let calls: Row[];
let readme: string;
let firstSnapshot: string;
let lastSnapshot: string;

beforeAll(async () => {
  const store = openStore(tempDbPath());
  const sandbox = await startSandbox({ historyEnd: END, date: collectionDay(-(DAYS - 1)), lookupEventsPerSecond: 0 });
  const { frameworks } = loadFrameworks();
  const options: Record<string, ConfiguredCollector['options']> = { 'aws-iam': demoAwsIamOptions(), 'aws-cloudtrail': demoCloudTrailOptions() };
  const collectors = builtinCollectors.flatMap((c) => (options[c.id] ? [{ collector: c as Collector<unknown>, options: options[c.id]! }] : []));
  try {
    for (let offset = -(DAYS - 1); offset <= 0; offset++) {
      const day = collectionDay(offset);
      sandbox.setDate(day);
      const started = Date.now();
      // As the demo does: the run's clock starts at the collection time and runs on with real time.
      const batch = await runCollectors(collectors, {
        store,
        logger: silentLogger(),
        agentVersion: 'test',
        mappingVersion: 'test',
        configDigest: 'test',
        now: () => new Date(day.getTime() + (Date.now() - started)),
        mappings: frameworks,
        clientEnvironment: {
          aws: {
            endpoint: sandbox.endpoint,
            credentials: { accessKeyId: 'DEMOACCESSKEYEXAMPLE', secretAccessKey: 'demo-secret-not-a-real-key' },
            maxAttempts: 2,
            unlimitedRate: true,
          },
        },
      });
      expect(batch.unrecorded).toEqual([]);
      expect(batch.runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    }
    const out = join(mkdtempSync(join(tmpdir(), 'evidence-agent-reconcile-')), 'bundle');
    const key = generateSigningKey();
    const from = collectionDay(-(DAYS - 1))
      .toISOString()
      .slice(0, 10);
    const to = collectionDay(0).toISOString().slice(0, 10);
    await exportBundle(store, {
      from,
      to,
      timeZone: 'UTC',
      // The populations do not depend on the frameworks; coverage (which does) is tested elsewhere.
      frameworks: [],
      collectors: builtinCollectors,
      cadenceDays: collectorCadence(builtinCollectors),
      signingKey: loadPrivateKey(key.privateKey, 'test key'),
      agentVersion: 'test',
      out,
    });
    const csv = (file: string) => parse(readFileSync(join(out, 'populations', file)), { columns: true }) as Row[];
    principals = csv('principals-added-removed.csv');
    calls = csv('access-changes.csv');
    readme = readFileSync(join(out, 'populations', 'README.md'), 'utf8');
    const iamRuns = (await store.listRuns({ collector: 'aws-iam' })).map((r) => r.startedAt).sort();
    firstSnapshot = iamRuns[0]!;
    lastSnapshot = iamRuns.at(-1)!;
  } finally {
    await sandbox.close();
    await store.close();
  }
}, 240_000);

const nameOf = (resourceId: string) => resourceId.split('/').at(-1)!;
const succeeded = (eventName: string, targetType: string) =>
  calls.filter((c) => c.eventName === eventName && c.targetType === targetType && c.outcome === 'succeeded');

describe("the demo's principal changes and its CloudTrail access changes", () => {
  it('has the scripted hire and leaver in both populations (the check is not vacuous)', () => {
    const awsRows = principals.filter((p) => CALLS[p.type!]);
    expect(awsRows.map((p) => [p.change, p.type, nameOf(p.resourceId!)])).toEqual(
      expect.arrayContaining([
        ['added', 'aws.iam.user', CAST.newHire],
        ['removed', 'aws.iam.user', CAST.leaver],
      ]),
    );
    const hire = awsRows.find((p) => nameOf(p.resourceId!) === CAST.newHire)!;
    // Created at 09:12:40 on its day: first seen by the next morning's snapshot, not the one at 06:00 before it.
    expect(hire.observedAt!.slice(0, 10)).toBe(
      collectionDay(DRIFT.newHire.offset + 1)
        .toISOString()
        .slice(0, 10),
    );
    const leaver = awsRows.find((p) => nameOf(p.resourceId!) === CAST.leaver)!;
    expect(leaver.observedAt!.slice(0, 10)).toBe(
      collectionDay(DRIFT.leaverDeleted.offset + 1)
        .toISOString()
        .slice(0, 10),
    );
  });

  it('finds, for each principal added or removed, its Create or Delete call between the two snapshots', () => {
    const awsRows = principals.filter((p) => CALLS[p.type!]);
    expect(awsRows.length).toBeGreaterThanOrEqual(2);
    for (const row of awsRows) {
      const { added, removed, targetType } = CALLS[row.type!]!;
      const call = succeeded(row.change === 'added' ? added : removed, targetType).find(
        (c) => c.target === nameOf(row.resourceId!) && c.occurredAt! > row.previousSnapshotAt! && c.occurredAt! <= row.observedAt!,
      );
      expect(
        call,
        `${row.change} ${row.resourceId} observed at ${row.observedAt} (previous snapshot ${row.previousSnapshotAt}): no matching call`,
      ).toBeDefined();
    }
  });

  it('finds, for each Create or Delete call between two snapshots, the principal added or removed', () => {
    let matched = 0;
    for (const [type, { added, removed, targetType }] of Object.entries(CALLS)) {
      for (const [change, eventName] of [
        ['added', added],
        ['removed', removed],
      ] as const) {
        for (const call of succeeded(eventName, targetType)) {
          // A call before the first snapshot or after the last one has no pair of snapshots around it.
          if (call.occurredAt! <= firstSnapshot || call.occurredAt! > lastSnapshot) continue;
          const row = principals.find(
            (p) =>
              p.type === type &&
              p.change === change &&
              nameOf(p.resourceId!) === call.target &&
              p.previousSnapshotAt! < call.occurredAt! &&
              call.occurredAt! <= p.observedAt!,
          );
          expect(row, `${eventName} ${call.target} at ${call.occurredAt}: no ${change} row`).toBeDefined();
          matched++;
        }
      }
    }
    expect(matched).toBeGreaterThanOrEqual(2);
  });

  it('states in the population README how the two are reconciled', () => {
    expect(readme).toContain('How it reconciles with access-changes.csv (AWS)');
    expect(readme).toContain('previousSnapshotAt < occurredAt <= observedAt');
  });
});
