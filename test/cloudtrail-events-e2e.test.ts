// The event population end to end: the real collector and SDK against the sandbox, through the
// runner into the store, over two daily runs of a growing event stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCloudTrail } from '../collectors/aws-cloudtrail/index.js';
import { awsCloudTrailOptionsSchema } from '../collectors/aws-cloudtrail/schema.js';
import type { Collector } from '../src/collector.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import { SANDBOX_ACCOUNT_ID, startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/index.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const END = new Date('2026-06-30T00:00:00Z');
const DAY = 86_400_000;

describe('CloudTrail event population', () => {
  let sandbox: Sandbox;
  let store: EvidenceStore;
  beforeAll(async () => {
    sandbox = await startSandbox({ historyEnd: END, lookupEventsPerSecond: 0 });
    store = openStore(tempDbPath());
  });
  afterAll(async () => {
    await store.close();
    await sandbox.close();
  });

  it('stores every event exactly once over two runs whose windows join without a hole', async () => {
    const options = awsCloudTrailOptionsSchema.parse({
      accounts: [{ id: SANDBOX_ACCOUNT_ID }],
      regions: ['us-east-1', 'eu-west-1'],
      events: { backfillDays: 30 },
    });
    const runAt = async (at: Date) => {
      sandbox.setDate(at);
      const batch = await runCollectors([{ collector: awsCloudTrail as Collector<unknown>, options }], {
        store,
        logger: silentLogger(),
        agentVersion: 'test',
        mappingVersion: 'test',
        configDigest: 'test',
        now: () => at,
        clientEnvironment: {
          aws: {
            endpoint: sandbox.endpoint,
            credentials: { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake' },
            unlimitedRate: true,
          },
        },
      });
      expect(batch.unrecorded).toEqual([]);
      return batch.runs[0]!;
    };
    const first = await runAt(new Date(END.getTime() - 3 * DAY + 6 * 3_600_000));
    const second = await runAt(new Date(END.getTime() - 2 * DAY + 6 * 3_600_000));
    expect(first.status).toBe('ok');
    expect(second.status).toBe('ok');

    const [firstWindows, secondWindows] = [await store.windowsOf(first.seq), await store.windowsOf(second.seq)];
    expect(firstWindows.map((w) => w.partition)).toEqual(['eu-west-1', 'us-east-1']);
    for (const window of secondWindows) {
      const before = firstWindows.find((w) => w.partition === window.partition)!;
      expect(window).toMatchObject({ complete: true, from: before.to });
    }

    const population = await store.eventsOf('aws-cloudtrail', SANDBOX_ACCOUNT_ID, new Date(0), END);
    const ids = population.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.eventCounts.stored + second.eventCounts.stored).toBe(ids.length);
    expect(first.eventCounts.stored).toBeGreaterThan(20);
    expect(second.eventCounts.stored).toBeGreaterThan(0);
    expect(population.some((e) => (e.data as { eventName: string }).eventName === 'ConsoleLogin')).toBe(true);
    expect((await store.verify()).ok).toBe(true);
  });
});
