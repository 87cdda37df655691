// Three daemons (`evidence-agent daemon`, store.url) sharing one PostgreSQL store and its schedule (leases), over the sandbox estate: one
// is killed (SIGKILL) in the middle of a run; its run is recorded as aborted, a survivor takes the slot over
// within the lease time and runs it, every slot runs exactly once, the digest is sent once for its week,
// and the chain verifies. Skipped with the reason where no PostgreSQL server can start (a failure when
// EVIDENCE_AGENT_REQUIRE_POSTGRES=1).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { openStore } from '../src/store/index.js';
import { postgresOrSkip, startThrowawayPostgres } from './helpers/postgres.js';
import type { PostgresStart } from './helpers/postgres.js';
import { until } from './helpers/until.js';

const ROOT = process.cwd();
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && key !== 'EVIDENCE_AGENT_CONFIG'));
// Long enough that a holder's renewals (a third of it) come in time on a loaded machine.
const LEASE_MS = 10_000;

interface Agent {
  child: ChildProcess;
  port: number;
  output: () => string;
  exit: Promise<number | null>;
}

interface LeaseRow {
  job: string;
  scope: string;
  slot: string;
  holder: string;
  state: string;
  takeovers: number;
  previous_holder: string | null;
  claimed_at: Date;
}

let start: PostgresStart | undefined;
let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-failover-'));
beforeAll(async () => {
  start = await startThrowawayPostgres();
  // LookupEvents at AWS's 2 requests a second: a CloudTrail run takes seconds, so one is going when the kill comes.
  sandbox = await startSandbox({ lookupEventsPerSecond: 2 });
}, 90_000);
afterAll(async () => {
  await sandbox?.close();
  if (start?.ok) await start.server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('three agents on one store', () => {
  it('runs every slot once when one agent is killed mid-run: its run aborted, its slot taken over, the digest sent once', async (context) => {
    const server = postgresOrSkip(start, context.skip);
    // One database: the store and its leases, as store.url gives both.
    const storeUrl = await server.createDatabase();
    const digests = join(dir, 'digests');
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const agents: Agent[] = [0, 1, 2].map((i) => {
      // The same config for all three but the probe port.
      const config = join(dir, `agent-${i}.yaml`);
      writeFileSync(
        config,
        [
          `http: { host: 127.0.0.1, port: ${base + i} }`,
          // The user from PGUSER, as store.url takes no credentials.
          `store: { url: "${storeUrl.replace(/\/\/[^@/]+@/, '//')}" }`,
          `daemon: { graceSeconds: 120, jitterSeconds: 0, leaseSeconds: ${LEASE_MS / 1000} }`,
          `digest: { schedule: "*/4 * * * * *", deliver: { directory: ${digests} } }`,
          'collectors:',
          '  aws-iam:',
          '    schedule: "*/20 * * * * *"',
          '    accounts: [{ id: "111122223333" }]',
          '    credentialReport: { pollIntervalMs: 5 }',
          '  aws-cloudtrail:',
          '    schedule: "*/20 * * * * *"',
          '    accounts: [{ id: "111122223333" }]',
          '    regions: [us-east-1, eu-west-1]',
          '    events: { backfillDays: 30 }',
          '',
        ].join('\n'),
      );
      const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src/cli.ts'), 'daemon', '--config', config], {
        env: {
          ...CLEAN_ENV,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          AWS_ENDPOINT_URL: sandbox.endpoint,
          AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS',
          AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
          LOG_LEVEL: 'info',
          PGUSER: new URL(storeUrl).username,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      return { child, port: base + i, output: () => output, exit: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))) };
    });
    const db = new pg.Client({ connectionString: storeUrl });
    try {
      await db.connect();
      const leases = async () => (await db.query<LeaseRow>('SELECT * FROM agent_leases ORDER BY claimed_at').catch(() => ({ rows: [] as LeaseRow[] }))).rows;
      // A CloudTrail run some agent has been running for a second: kill that agent in the middle of it.
      const victim = await until(
        'a CloudTrail run under way',
        async () => (await leases()).find((l) => l.job === 'aws-cloudtrail' && l.state === 'running' && Date.now() - l.claimed_at.getTime() > 1_000),
        90_000,
      );
      const victimPid = Number(victim.holder.split(':')[1]);
      const killed = agents.find((a) => a.child.pid === victimPid);
      expect(killed, `the holder ${victim.holder} is one of the agents`).toBeDefined();
      // /readyz of the holder names it a member and the slot it holds.
      const ready = (await (await fetch(`http://127.0.0.1:${killed!.port}/readyz`)).json()) as { agent?: { role: string; holds: string[] } };
      expect(ready.agent?.role).toBe('member');
      expect(ready.agent?.holds).toContain(`aws-cloudtrail 111122223333 ${victim.slot}`);
      killed!.child.kill('SIGKILL');
      const killedAt = Date.now();

      // A survivor takes the slot over within the lease time (plus its poll and this test's) and runs it to the end.
      const takenOver = await until(
        'the slot taken over',
        async () => (await leases()).find((l) => l.job === victim.job && l.slot === victim.slot && l.takeovers === 1),
        30_000,
      );
      expect(Date.now() - killedAt).toBeLessThan(LEASE_MS * 3 + 5_000);
      expect(takenOver.previous_holder).toBe(victim.holder);
      expect(takenOver.holder).not.toBe(victim.holder);
      expect(takenOver.holder.split(':')[1]).not.toBe(String(victimPid));
      const survivors = agents.filter((a) => a !== killed);
      const metrics = await (await fetch(`http://127.0.0.1:${survivors[0]!.port}/metrics`)).text();
      expect(metrics).toMatch(/evidence_agent_coordination_info\{role="member",agent="[^"]+"\} 1/);
      await until(
        'the taken-over slot done',
        async () => ((await leases()).find((l) => l.slot === victim.slot && l.job === victim.job)?.state === 'done' ? true : undefined),
        90_000,
      );
      // Between ticks, nothing running: stop the survivors (runs in flight would finish within the grace period).
      await until('no slot running', async () => ((await leases()).every((l) => l.state === 'done') ? true : undefined), 90_000);
      for (const survivor of survivors) survivor.child.kill('SIGTERM');
      expect(await Promise.all(survivors.map((s) => s.exit))).toEqual([0, 0]);

      const all = await leases();
      expect(all.every((l) => l.state === 'done')).toBe(true);
      const opened = openStore(storeUrl, { readonly: true });
      try {
        const runs = (await opened.listRuns()).filter((r) => r.collector !== 'digest');
        // The killed agent's runs (it may have been running both collectors' slots: their jobs run side by
        // side): each recorded as aborted, each of a slot a survivor took over from it; nothing else aborted.
        const aborted = runs.filter((r) => r.status === 'aborted');
        const takenOverJobs = all.filter((l) => l.takeovers > 0).map((l) => l.job);
        expect(all.filter((l) => l.takeovers > 0).every((l) => l.previous_holder === victim.holder && l.takeovers === 1)).toBe(true);
        expect(aborted.map((r) => r.collector)).toContain('aws-cloudtrail');
        expect(aborted.length, JSON.stringify(aborted.map((r) => [r.collector, r.error]))).toBeLessThanOrEqual(takenOverJobs.length);
        for (const run of aborted) {
          expect(takenOverJobs).toContain(run.collector);
          expect(run.error).toContain(`pid ${victimPid}`);
        }
        // Every slot ran exactly once: one finished run per done slot of each collector, no more.
        for (const job of ['aws-iam', 'aws-cloudtrail']) {
          const finished = runs.filter((r) => r.collector === job && r.status !== 'aborted');
          expect(
            finished.length,
            `${job}: runs against slots ${all
              .filter((l) => l.job === job)
              .map((l) => l.slot)
              .join(', ')}`,
          ).toBe(all.filter((l) => l.job === job).length);
          expect(finished.every((r) => r.status === 'ok' || r.status === 'partial')).toBe(true);
        }
        // The digest: once for its week, however many agents' ticks came.
        const digestSlots = all.filter((l) => l.job === 'digest');
        expect(digestSlots, JSON.stringify(digestSlots)).toHaveLength(1);
        const digestRuns = await opened.listRuns({ collector: 'digest' });
        expect(
          digestRuns.filter((r) => r.status === 'ok'),
          JSON.stringify(digestRuns.map((r) => [r.status, r.meta])),
        ).toHaveLength(1);
        expect(
          readdirSync(digests).filter((f) => f.endsWith('.md')),
          readdirSync(digests).join(', '),
        ).toHaveLength(1);
        const verified = await opened.verify();
        expect(verified.problems).toEqual([]);
        expect(verified.ok).toBe(true);
      } finally {
        await opened.close();
      }
    } catch (error) {
      for (const [i, a] of agents.entries()) console.error(`--- agent ${i}\n${a.output().slice(-3000)}`);
      throw error;
    } finally {
      for (const a of agents) a.child.kill('SIGKILL');
      await db.end();
    }
  }, 300_000);
});
