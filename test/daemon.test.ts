// The real daemon process against the sandbox estate on a fast schedule: it serves /healthz, /readyz and
// /metrics; SIGTERM during a run stops it within the grace period with exit 0, the interrupted run is
// recorded as aborted and the store verifies; a second daemon on the same store refuses to start; a
// stale lock (its holder gone) is taken over.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireStoreLock, LockHeldError } from '../src/daemon/lock.js';
import { startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { until } from './helpers/until.js';

const ROOT = process.cwd();
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && key !== 'EVIDENCE_AGENT_CONFIG'));

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src/cli.ts'), ...args], {
    env: { ...CLEAN_ENV, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-daemon-'));
const db = join(dir, 'evidence.db');
const port = 20_000 + Math.floor(Math.random() * 20_000);
const config = join(dir, 'daemon.yaml');

beforeAll(async () => {
  // LookupEvents at AWS's 2 requests/s: a CloudTrail run takes seconds, so one is going when SIGTERM comes.
  sandbox = await startSandbox({ lookupEventsPerSecond: 2 });
  writeFileSync(
    config,
    [
      `store: { path: ${db} }`,
      `http: { host: 127.0.0.1, port: ${port} }`,
      'daemon: { graceSeconds: 1, jitterSeconds: 0 }',
      'collectors:',
      '  aws-iam:',
      '    schedule: "*/2 * * * * *"',
      '    accounts: [{ id: "111122223333" }]',
      '    credentialReport: { pollIntervalMs: 5 }',
      '  aws-cloudtrail:',
      '    schedule: "*/2 * * * * *"',
      '    accounts: [{ id: "111122223333" }]',
      '    regions: [us-east-1]',
      '    events: { backfillDays: 30 }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => sandbox?.close());

const env = () => ({
  AWS_ENDPOINT_URL: sandbox.endpoint,
  AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
  LOG_LEVEL: 'info',
});
const get = async (path: string) => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
};

describe('evidence-agent daemon', () => {
  it('serves probes and metrics, refuses a second daemon, and stops on SIGTERM within its grace period', async () => {
    const daemon = start(['daemon', '--config', config], env());
    try {
      const metrics = await until('a recorded run in /metrics', async () => {
        const { status, body } = await get('/metrics');
        return status === 200 && /evidence_agent_runs_total\{collector="aws-iam",status="ok"\} [1-9]/.test(body) ? body : undefined;
      });
      expect(metrics).toMatch(/evidence_agent_findings\{collector="aws-iam",status="fail"\} [1-9]/);
      expect(metrics).toMatch(/evidence_agent_last_success_timestamp_seconds\{collector="aws-iam",scope="111122223333"\} \d+/);
      expect(metrics).toMatch(/evidence_agent_store_bytes \d+/);
      expect(metrics).not.toMatch(/arn:aws:iam::111122223333:user/); // counts, never evidence
      expect(await get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
      const ready = await get('/readyz');
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toEqual({ ready: true, reasons: [] });
      expect((await get('/evidence')).status).toBe(404);

      const second = start(['daemon', '--config', config], env());
      expect(await second.exit).toBe(1);
      expect(second.output()).toMatch(/is in use by another daemon \(pid \d+ on .*\): one daemon per store; stop it first/);

      // A CloudTrail run is paced at 2 LookupEvents per second: wait until one is under way, then stop.
      await until('a CloudTrail run in progress', async () => ((sandbox.requests.byAction['LookupEvents'] ?? 0) > 3 ? true : undefined));
      const stoppedAt = Date.now();
      daemon.child.kill('SIGTERM');
      expect(await daemon.exit).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(1000 + 4000);
      expect(daemon.output()).toContain('grace period over: aborting the running runs');
    } finally {
      daemon.child.kill('SIGKILL');
    }
    const runs = start(['runs', '--json', '--db', db], {});
    expect(await runs.exit).toBe(0);
    const recorded = JSON.parse(runs.output()) as { collector: string; status: string; error: string | null }[];
    expect(recorded.some((r) => r.collector === 'aws-cloudtrail' && r.status === 'aborted' && /agent stopped by SIGTERM/.test(r.error ?? ''))).toBe(true);
    const verify = start(['verify', '--db', db], {});
    expect(await verify.exit).toBe(0);
  }, 60_000);
});

describe('catch-up', () => {
  it('runs a collector at once when it has no success within its cadence, whatever its schedule', async () => {
    const daily = join(dir, 'daily.yaml');
    const catchUpPort = port + 1;
    writeFileSync(
      daily,
      [
        `store: { path: ${join(dir, 'catch-up.db')} }`,
        `http: { host: 127.0.0.1, port: ${catchUpPort} }`,
        'daemon: { graceSeconds: 1, jitterSeconds: 0 }',
        'collectors:',
        '  aws-iam:',
        '    schedule: "0 3 1 1 *"', // once a year: only the catch-up can run it now
        '    accounts: [{ id: "111122223333" }]',
        '    credentialReport: { pollIntervalMs: 5 }',
        '',
      ].join('\n'),
    );
    const daemon = start(['daemon', '--config', daily], env());
    try {
      await until('the catch-up run', async () => {
        const body = await (await fetch(`http://127.0.0.1:${catchUpPort}/metrics`)).text();
        return /evidence_agent_runs_total\{collector="aws-iam",status="ok"\} 1/.test(body) ? true : undefined;
      });
      expect(daemon.output()).toContain('catching up: running now');
      daemon.child.kill('SIGTERM');
      expect(await daemon.exit).toBe(0);
    } finally {
      daemon.child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('store lock', () => {
  it('refuses a lock held by a live process and takes over one whose holder is gone', () => {
    const store = join(dir, 'locked.db');
    const held = acquireStoreLock(store);
    expect(() => acquireStoreLock(store)).toThrow(LockHeldError);
    held.release();
    // A holder on this host whose pid is gone.
    writeFileSync(`${store}.lock`, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), nonce: 'old', startedAt: '2026-01-01T00:00:00Z' }));
    const reasons: string[] = [];
    const taken = acquireStoreLock(store, (reason) => reasons.push(reason));
    expect(reasons).toEqual([`process ${2 ** 22 + 7} is gone`]);
    taken.release();
  });
});
