// Ready means ready to serve: a daemon whose store is open and schedules loaded is ready even while a
// collector fails (an AWS account's permissions must not fail a rollout); the collection's health is in
// /healthz?verbose (codes) and in the metrics, which the shipped alerts read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinCollectors } from '../collectors/index.js';
import { defineCollector } from '../src/collector.js';
import type { Collector } from '../src/collector.js';
import { parseConfigText } from '../src/config/index.js';
import { configDigest } from '../src/config/load.js';
import { startDaemon } from '../src/daemon/daemon.js';
import type { RunningDaemon } from '../src/daemon/daemon.js';
import { acquireStoreLock } from '../src/daemon/lock.js';
import { silentLogger } from '../src/logging.js';
import { loadBuiltinFrameworks } from '../src/mapping/load.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { parseExposition } from './helpers/prometheus-text.js';
import { until } from './helpers/until.js';

const failing = defineCollector<{ schedule?: string }>({
  id: 'flaky-source',
  title: 'A source whose permissions are wrong',
  optionsSchema: z.object({ schedule: z.string().optional() }),
  permissions: ['flaky:Read'],
  checks: [],
  defaultSchedule: '0 3 * * *',
  scopes: () => [{ key: 'acct-1', settings: {} }],
  collect: async () => {
    throw new Error('AccessDenied: User arn:aws:iam::111122223333:user/agent is not authorized to perform flaky:Read');
  },
});

let dir: string;
let store: EvidenceStore;
let daemon: RunningDaemon | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ea-readiness-'));
});
afterEach(async () => {
  if (daemon) {
    daemon.stop('test');
    await daemon.done;
  }
  daemon = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<string> {
  const db = join(dir, 'evidence.db');
  const config = parseConfigText(
    'http: { host: 127.0.0.1, port: 0 }\ndaemon: { graceSeconds: 1, jitterSeconds: 0 }\ndigest: { deliver: { directory: ./digests } }\n',
    'daemon.yaml',
    builtinCollectors,
    {},
  );
  store = openStore(db);
  daemon = await startDaemon({
    loaded: { path: join(dir, 'daemon.yaml'), config, collectors: [...builtinCollectors, failing], brokenModules: [], digest: configDigest(config) },
    collectors: [{ collector: failing as Collector<unknown>, options: {} }],
    store,
    lock: acquireStoreLock(db),
    logger: silentLogger(),
    frameworks: loadBuiltinFrameworks(new Set(builtinCollectors.flatMap((c) => c.checks.map((k) => k.id)))),
    mappingVersion: 'test',
    agentVersion: '9.9.9-test',
  });
  return daemon.probes.url;
}

describe('readiness and collection health', () => {
  it('is ready while a collector fails; /healthz?verbose and /metrics say the collector fails', async () => {
    const url = await start();
    // Catch-up at start runs the collector at once: a failed run.
    await until('the failed run recorded', async () => ((await store.listRuns({ collector: 'flaky-source' })).length > 0 ? true : undefined));

    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, reasons: [] }]);

    const health = await fetch(`${url}/healthz?verbose`);
    expect(health.status).toBe(200);
    const body = await health.text();
    expect(JSON.parse(body)).toEqual({ live: true, collection: { healthy: false, reasons: ['collector_failing:flaky-source'] } });
    expect(body).not.toMatch(/AccessDenied|111122223333|acct-1/);
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n');

    const families = parseExposition(await (await fetch(`${url}/metrics`)).text());
    const runs = families.get('evidence_agent_runs_total')!.samples.filter((s) => s.labels['collector'] === 'flaky-source');
    expect(Object.fromEntries(runs.map((s) => [s.labels['status'], s.value]))).toEqual({ ok: 0, partial: 0, failed: 1, aborted: 0 });
    expect(families.get('evidence_agent_build_info')!.samples[0]!.labels).toEqual({ version: '9.9.9-test', node: process.version });
    expect(families.get('evidence_agent_schedule_interval_seconds')!.samples.map((s) => [s.labels['schedule'], s.value])).toEqual([
      ['flaky-source', 86_400],
      ['digest', 604_800],
    ]);
    expect(families.get('evidence_agent_digest_deliveries_total')!.samples.map((s) => [s.labels['target'], s.labels['status'], s.value])).toEqual([
      ['directory', 'ok', 0],
      ['directory', 'failed', 0],
    ]);
  });

  it('is not ready when the store lock is no longer its own', async () => {
    const url = await start();
    rmSync(join(dir, 'evidence.db.lock'));
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, { ready: false, reasons: ['store_lock_lost'] }]);
  });
});
