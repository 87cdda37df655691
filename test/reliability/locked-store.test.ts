// Another writer holding the store (a backup, a sqlite3 shell: here a second process in a write
// transaction) while a run wants to write. It used to lose the run: SQLITE_BUSY after the 5 s busy
// timeout, no run row, the daemon still ready, runs_total unchanged. Now the write is retried for a
// bounded wait; past it the run is recorded as failed, naming the cause, as soon as the store is free,
// and the daemon's /healthz?verbose and /metrics show the wait and the failed run (/readyz stays ready:
// the process serves; the evidence waits).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging.js';
import { runCollectors } from '../../src/runner.js';
import type { StoreWait } from '../../src/runner.js';
import { openStore } from '../../src/store/index.js';
import type { EvidenceStore } from '../../src/store/index.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { cliArgv } from '../helpers/cli-process.js';
import { dayClock, syntheticCollector } from '../helpers/synthetic-estate.js';
import { until } from '../helpers/until.js';

/** SQLite's own busy timeout on the store's connection: a lock held longer than this fails a write. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

const holders: ChildProcess[] = [];
afterEach(() => {
  for (const holder of holders.splice(0)) holder.kill('SIGKILL');
});

/**
 * Another process that holds the store's write lock for `ms` (or until `release()`): resolves once it holds
 * it; `released` once it let go.
 */
async function holdWriteLock(path: string, ms: number): Promise<{ released: Promise<void>; release: () => void }> {
  const script =
    `const db = new (require('better-sqlite3'))(${JSON.stringify(path)}); db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n');` +
    `const done = () => { db.exec('COMMIT'); db.close(); process.exit(0); }; setTimeout(done, ${ms}); process.stdin.on('data', done);`;
  const holder = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  holders.push(holder);
  const released = new Promise<void>((resolve) => holder.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    holder.on('error', reject);
  });
  return { released, release: () => holder.stdin!.write('release\n') };
}

function newStore(): { path: string; store: EvidenceStore } {
  const path = join(mkdtempSync(join(tmpdir(), 'evidence-agent-locked-')), 'evidence.db');
  return { path, store: openStore(path) };
}

/** The synthetic collector, taking the lock for `lockMs` while it collects: the run's commit meets it. */
function lockedWhileCollecting(path: string, lockMs: number, onReleased: (released: Promise<void>) => void) {
  const base = syntheticCollector();
  return {
    ...base,
    collect: async (ctx: Parameters<typeof base.collect>[0]) => {
      const { released } = await holdWriteLock(path, lockMs);
      onReleased(released);
      return base.collect(ctx);
    },
  };
}

function runWith(store: EvidenceStore, collector: ReturnType<typeof syntheticCollector>, busyWaitMs: number, waits: [StoreWait, boolean][]) {
  return runCollectors([{ collector, options: { timeoutSeconds: 120, resources: 20 } } as never], {
    store,
    logger: silentLogger(),
    agentVersion: '0.0.0-test',
    mappingVersion: 'synthetic-mappings',
    configDigest: 'synthetic-config',
    now: dayClock(0),
    mappings: [],
    storeBusyWaitMs: busyWaitMs,
    onStoreWait: (wait, waiting) => waits.push([wait, waiting]),
  });
}

describe('a store another writer holds', () => {
  it("stores the run whole when the writer lets go within the wait (longer than SQLite's busy timeout)", async () => {
    const { path, store } = newStore();
    try {
      let released: Promise<void> | undefined;
      const waits: [StoreWait, boolean][] = [];
      const batch = await runWith(
        store,
        lockedWhileCollecting(path, SQLITE_BUSY_TIMEOUT_MS + 2_000, (r) => (released = r)),
        60_000,
        waits,
      );
      await released;
      expect(batch.unrecorded).toEqual([]);
      // 20 resources and the mappings document: all of it.
      expect(batch.runs.map((r) => [r.status, r.evidenceCount])).toEqual([['ok', 21]]);
      expect(waits).toEqual([]);
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('past the wait, records the run as failed with the cause once the store is free, and says it waited', async () => {
    const { path, store } = newStore();
    try {
      let released: Promise<void> | undefined;
      const waits: [StoreWait, boolean][] = [];
      const batch = await runWith(
        store,
        lockedWhileCollecting(path, SQLITE_BUSY_TIMEOUT_MS + 2_000, (r) => (released = r)),
        1_000,
        waits,
      );
      await released;
      // Recorded (after the other writer let go: nothing could be written before), not lost.
      expect(batch.unrecorded).toEqual([]);
      const [run] = batch.runs;
      expect(run).toMatchObject({ status: 'failed', evidenceCount: 0, collector: 'synthetic' });
      expect(run!.error).toMatch(
        /^the evidence store was locked by another writer for more than 1 s \(SQLITE_BUSY: database is locked\): this run's evidence was not stored$/,
      );
      expect(waits.map(([wait, waiting]) => [wait.collector, wait.scope, waiting])).toEqual([
        ['synthetic', 'acct-1', true],
        ['synthetic', 'acct-1', false],
      ]);
      expect(waits[0]![0].cause).toBe(run!.error);
      expect(await store.listRuns()).toHaveLength(1);
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('a command and a store another writer holds', () => {
  it('says which store is held and that nothing was written, in one line, exit 1', async () => {
    const { path, store } = newStore();
    await store.close();
    // A digest sent is kept in the store (a preview writes nothing): delivered to a directory, then refused.
    const config = join(mkdtempSync(join(tmpdir(), 'evidence-agent-locked-digest-')), 'agent.yaml');
    writeFileSync(config, `digest:\n  deliver:\n    directory: ${join(dirname(config), 'digests')}\n`);
    const { release, released } = await holdWriteLock(path, 60_000);
    try {
      const result = await cliInProcess(['digest', '--week', '2026-W01', '--send', '--config', config, '--db', path]);
      expect(result.stderr).toBe(
        `evidence-agent: ${path} is held by another writer (SQLite: database is locked): nothing was written to it; run this again once it is free\n`,
      );
      expect(result.code).toBe(1);
    } finally {
      release();
      await released;
    }
  }, 60_000);
});

describe('the daemon and a store another writer holds', () => {
  it('stays ready while a run waits for the store (collection health names it), then records it as failed and counts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-locked-daemon-'));
    const db = join(dir, 'evidence.db');
    await openStore(db).close(); // an existing store: the other writer holds a real one
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const config = join(dir, 'daemon.yaml');
    writeFileSync(
      config,
      [
        `store: { path: ${db}, busyWaitSeconds: 1 }`,
        `http: { host: 127.0.0.1, port: ${port} }`,
        'daemon: { graceSeconds: 1, jitterSeconds: 0 }',
        'collectors:',
        '  aws-iam:',
        '    schedule: "0 3 1 1 *"', // once a year: the start-up catch-up runs it now
        '    accounts: [{ id: "111122223333" }]',
        '',
      ].join('\n'),
    );
    // Held until the daemon is seen waiting (a minute at most).
    const { released, release } = await holdWriteLock(db, 60_000);
    const daemon = spawn(process.execPath, cliArgv(['daemon', '--config', config]), {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS',
        AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    daemon.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    daemon.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exit = new Promise<number | null>((resolve) => daemon.on('close', resolve));
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: await response.text() };
    };
    try {
      // While the other writer holds the store: the collection is unhealthy, naming the run that waits
      // by a code; the detail (what waits, since when, why) is in the log only. Ready to serve all along.
      await until(
        'healthz?verbose to name the run waiting for the store',
        async () => {
          const health = await get('/healthz?verbose');
          return health.status === 200 && (JSON.parse(health.body) as { collection: { reasons: string[] } }).collection.reasons.includes('store_busy:aws-iam')
            ? health
            : undefined;
        },
        60_000,
      );
      expect((await get('/metrics')).body).toMatch(/^evidence_agent_runs_waiting_for_store 1$/m);
      expect((await get('/readyz')).status).toBe(200);
      // The daemon's log reaches us through a pipe: wait for the line rather than race it.
      await until('the log to say what waits', async () => (/"msg":"collection unhealthy"/.test(output) ? true : undefined), 30_000);
      expect(output).toMatch(
        /aws-iam 111122223333: waiting since \S+ to record the run: the evidence store was locked by another writer for more than 1 s when the run was to start \(SQLITE_BUSY: database is locked\): nothing was collected/,
      );
      release();
      await released;
      // Once it let go: the failed run is recorded, counted, and the wait is over.
      const metrics = await until(
        'runs_total to count the failed run',
        async () => {
          const body = (await get('/metrics')).body;
          return /evidence_agent_runs_total\{collector="aws-iam",status="failed"\} 1/.test(body) ? body : undefined;
        },
        60_000,
      );
      expect(metrics).toMatch(/^evidence_agent_runs_waiting_for_store 0$/m);
      expect((await get('/healthz?verbose')).body).not.toContain('store_busy');
    } finally {
      daemon.kill('SIGTERM');
      await exit;
    }
    const store = openStore(db, { readonly: true });
    try {
      const runs = await store.listRuns();
      expect(runs.map((r) => [r.collector, r.status])).toEqual([['aws-iam', 'failed']]);
      expect(runs[0]!.error).toMatch(/locked by another writer .*nothing was collected/);
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
    expect(output).not.toMatch(/run not recorded/);
  }, 180_000);
});
