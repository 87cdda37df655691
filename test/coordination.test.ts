// The schedule shared by several agents: a slot is claimed by one agent, a dead holder's slot is taken over
// by exactly one survivor, a done slot never runs again, and a holder whose slot was taken over is told to
// stop. Against a throwaway PostgreSQL server (skipped with the reason where none can start; a failure
// when EVIDENCE_AGENT_REQUIRE_POSTGRES=1).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCoordinator, PostgresCoordinator } from '../src/daemon/coordination/index.js';
import type { Coordinator } from '../src/daemon/coordination/index.js';
import { silentLogger } from '../src/logging.js';
import { postgresOrSkip, startThrowawayPostgres } from './helpers/postgres.js';
import type { PostgresStart } from './helpers/postgres.js';
import { until } from './helpers/until.js';

const KEY = { job: 'aws-iam', scope: '111122223333', slot: 'tick:2026-12-07T03:00:00.000Z' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the in-process coordinator (one agent, SQLite)', () => {
  it('grants every claim and shows what it holds until the slot completes', async () => {
    const local = new LocalCoordinator();
    const lease = await local.claim(KEY);
    expect(local.role).toBe('single');
    expect(local.held().map((h) => h.key)).toEqual([KEY]);
    expect(await local.takeOver()).toEqual([]);
    await lease.complete();
    expect(local.held()).toEqual([]);
  });
});

describe('leases in PostgreSQL (several agents)', () => {
  let start: PostgresStart | undefined;
  const open: Coordinator[] = [];
  beforeAll(async () => {
    start = await startThrowawayPostgres();
  }, 90_000);
  afterAll(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    if (start?.ok) await start.server.stop();
  });
  const agents = async (url: string, count: number, leaseMs: number) => {
    // Connected together: creating the table is serialised, whoever comes first.
    const made = await Promise.all(
      Array.from({ length: count }, () => PostgresCoordinator.connect(url, { logger: silentLogger(), jobs: ['aws-iam', 'digest'], leaseMs })),
    );
    open.push(...made);
    return made;
  };

  it('gives a slot to exactly one of the agents claiming it at once, and never again once done', async (context) => {
    const url = await postgresOrSkip(start, context.skip).createDatabase();
    const [a, b, c] = await agents(url, 3, 5_000);
    const claims = await Promise.all([a!, b!, c!].map((agent) => agent.claim(KEY)));
    const winners = claims.filter((l) => l !== null);
    expect(winners).toHaveLength(1);
    const holder = [a!, b!, c!][claims.findIndex((l) => l !== null)]!;
    expect(holder.held().map((h) => h.key)).toEqual([KEY]);
    expect(holder.role).toBe('member');
    await winners[0]!.complete();
    expect(holder.held()).toEqual([]);
    // Done: no agent claims or takes it over, not even after its lease time.
    expect(await Promise.all([a!, b!, c!].map((agent) => agent.claim(KEY)))).toEqual([null, null, null]);
    expect((await Promise.all([a!, b!, c!].map((agent) => agent.takeOver()))).flat()).toEqual([]);
  });

  it('lets exactly one survivor take over the slot of a holder that stopped renewing, naming the holder', async (context) => {
    const url = await postgresOrSkip(start, context.skip).createDatabase();
    const [dead, b, c] = await agents(url, 3, 1_000);
    expect(await dead!.claim(KEY)).not.toBeNull();
    // Before the lease runs out the slot is not free.
    expect((await Promise.all([b!.takeOver(), c!.takeOver()])).flat()).toEqual([]);
    // The holder dies: nothing renews its lease any more.
    await dead!.close();
    await sleep(1_300);
    const taken = (await Promise.all([b!.takeOver(), c!.takeOver()])).flat();
    expect(taken).toHaveLength(1);
    expect(taken[0]!.key).toEqual(KEY);
    expect(taken[0]!.takenOverFrom).toBe(dead!.agentId);
    // The survivor renews it: it is not taken over again while the survivor lives.
    await sleep(1_300);
    expect((await Promise.all([b!.takeOver(), c!.takeOver()])).flat()).toEqual([]);
    await taken[0]!.complete();
  });

  it("stops a holder's run when another agent took its slot over (a frozen holder woke up)", async (context) => {
    const url = await postgresOrSkip(start, context.skip).createDatabase();
    const [frozen, other] = await agents(url, 2, 1_000);
    const lease = (await frozen!.claim(KEY))!;
    // As if the holder had not renewed for longer than its lease: the row expires, another agent takes it.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("UPDATE agent_leases SET expires_at = now() - interval '1 second'");
    await admin.end();
    const taken = await other!.takeOver();
    expect(taken).toHaveLength(1);
    // Its next renewal (a third of the lease) finds the slot another agent's.
    await until('the lease lost', async () => (lease.lost.aborted ? true : undefined), 5_000);
    expect(String((lease.lost.reason as Error).message)).toMatch(/another agent took the slot over/);
    expect(frozen!.held()).toEqual([]);
    // Its late completion does not mark the other agent's run done.
    await lease.complete();
    expect(await other!.takeOver()).toEqual([]);
    expect(other!.held()).toHaveLength(1);
  });

  it('hands an abandoned slot (a stopping agent) to another agent at once', async (context) => {
    const url = await postgresOrSkip(start, context.skip).createDatabase();
    const [stopping, other] = await agents(url, 2, 60_000);
    const lease = (await stopping!.claim({ ...KEY, job: 'digest', scope: 'week', slot: '2026-W49' }))!;
    await lease.abandon();
    const taken = await other!.takeOver();
    expect(taken.map((l) => l.key.slot)).toEqual(['2026-W49']);
  });

  it('takes over only the jobs of its own config', async (context) => {
    const url = await postgresOrSkip(start, context.skip).createDatabase();
    const [a] = await agents(url, 1, 100);
    const foreign = await PostgresCoordinator.connect(url, { logger: silentLogger(), jobs: ['github'], leaseMs: 100 });
    open.push(foreign);
    await foreign.claim({ job: 'github', scope: 'acme', slot: 'tick:x' });
    await foreign.close();
    await sleep(300);
    expect(await a!.takeOver()).toEqual([]);
    // It has expired: an agent that runs github takes it over.
    const peer = await PostgresCoordinator.connect(url, { logger: silentLogger(), jobs: ['github'], leaseMs: 100 });
    open.push(peer);
    expect((await peer.takeOver()).map((l) => l.key.scope)).toEqual(['acme']);
  });
});
