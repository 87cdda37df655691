// Several agents on one PostgreSQL store share the schedule through a leases table: a slot is claimed by
// inserting its row (the primary key lets one insert win), renewed by its holder while the run goes on,
// marked done when the run is recorded, and taken over by a surviving agent when its holder stops renewing
// (`FOR UPDATE SKIP LOCKED`: several survivors take over different slots without waiting on each other).
// Every time is the database's clock (`now()`), so the agents' own clocks do not matter.
//
// Why a table and not advisory locks or pg-boss (docs/deploy.md): a session advisory lock is freed only when
// PostgreSQL notices the holder's connection is gone (TCP keepalive: minutes to hours for a vanished node)
// and leaves no trace that the slot ran, so a slot released after its run could run again; pg-boss brings
// its own queue, scheduler and maintenance for what one table and three statements do, and the schedule
// is already node-cron's.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../logging.js';
import type { Coordinator, HeldLease, Lease, SlotKey } from './types.js';
import { slotName } from './types.js';

/** Default lease: a killed agent's slot runs again within this (plus a takeover poll). */
export const DEFAULT_LEASE_MS = 60_000;

export const LEASES_TABLE_SQL = `CREATE TABLE IF NOT EXISTS agent_leases (
  job             text NOT NULL,
  scope           text NOT NULL,
  slot            text NOT NULL,
  holder          text NOT NULL,
  state           text NOT NULL CHECK (state IN ('running', 'done')),
  claimed_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  takeovers       integer NOT NULL DEFAULT 0,
  previous_holder text,
  PRIMARY KEY (job, scope, slot)
)`;

/** A lease held here: `at` is when (this process's clock) it was taken, so a renewal that began before it does not count it lost. */
interface Held {
  lease: HeldLease;
  lost: AbortController;
  at: number;
}

interface LeaseRow {
  job: string;
  scope: string;
  slot: string;
  claimed_at: Date;
  previous_holder: string | null;
}

export interface PostgresCoordinatorOptions {
  leaseMs?: number;
  logger: Logger;
  /** The jobs this agent can run (its config's): it takes over only those. */
  jobs: readonly string[];
}

export class PostgresCoordinator implements Coordinator {
  readonly role = 'member' as const;
  readonly agentId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly leaseMs: number;
  private readonly holding = new Map<string, Held>();
  private readonly renewal: NodeJS.Timeout;
  private lastRenewed = performance.now();
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresCoordinatorOptions,
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.renewal = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewal.unref();
  }

  /**
   * Connects, and creates the leases table when it is not there (once, whichever agent comes first); an
   * agent role without CREATE (docs/deploy.md's grants) finds it made by the owner and only uses it.
   */
  static async connect(url: string, options: PostgresCoordinatorOptions): Promise<PostgresCoordinator> {
    const pool = new pg.Pool({ connectionString: url, max: 3, application_name: 'evidence-agent leases' });
    // An idle connection the server drops must not take the process down: the next query reconnects.
    pool.on('error', (error) => options.logger.warn({ err: error.message }, 'leases: a database connection was lost'));
    const exists = await pool.query<{ found: string | null }>("SELECT to_regclass('agent_leases')::text AS found").catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
    if (exists.rows[0]?.found) return new PostgresCoordinator(pool, options);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Two agents starting together would both try to create the table: one waits for the other.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('evidence_agent.agent_leases'))");
      await client.query(LEASES_TABLE_SQL);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await pool.end();
      throw error;
    } finally {
      client.release();
    }
    return new PostgresCoordinator(pool, options);
  }

  async claim(key: SlotKey): Promise<Lease | null> {
    const { rows } = await this.pool.query<LeaseRow>(
      `INSERT INTO agent_leases (job, scope, slot, holder, state, claimed_at, expires_at)
       VALUES ($1, $2, $3, $4, 'running', now(), now() + $5 * interval '1 millisecond')
       ON CONFLICT (job, scope, slot) DO NOTHING
       RETURNING job, scope, slot, claimed_at, previous_holder`,
      [key.job, key.scope, key.slot, this.agentId, this.leaseMs],
    );
    return rows[0] ? this.hold(rows[0]) : null;
  }

  async takeOver(): Promise<Lease[]> {
    if (this.closed) return [];
    // One at a time: the surviving agents share a dead one's slots instead of the first taking them all.
    const { rows } = await this.pool.query<LeaseRow>(
      `WITH expired AS (
         SELECT job, scope, slot FROM agent_leases
         WHERE state = 'running' AND expires_at < now() AND job = ANY($2)
         ORDER BY claimed_at LIMIT 1
         FOR UPDATE SKIP LOCKED)
       UPDATE agent_leases l
       SET holder = $1, previous_holder = l.holder, takeovers = l.takeovers + 1, claimed_at = now(),
           expires_at = now() + $3 * interval '1 millisecond'
       FROM expired e
       WHERE l.job = e.job AND l.scope = e.scope AND l.slot = e.slot
       RETURNING l.job, l.scope, l.slot, l.claimed_at, l.previous_holder`,
      [this.agentId, [...this.options.jobs], this.leaseMs],
    );
    return rows.map((row) => this.hold(row));
  }

  held(): HeldLease[] {
    return [...this.holding.values()].map((h) => h.lease);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renewal);
    await this.pool.end();
  }

  private hold(row: LeaseRow): Lease {
    const key = { job: row.job, scope: row.scope, slot: row.slot };
    const name = slotName(key);
    const lease: HeldLease = { key, since: row.claimed_at, ...(row.previous_holder ? { takenOverFrom: row.previous_holder } : {}) };
    const lost = new AbortController();
    this.holding.set(name, { lease, lost, at: performance.now() });
    // Ends the lease in the table (only while it is still ours), then forgets it here.
    const end = async (sql: string) => {
      this.holding.delete(name);
      await this.pool.query(sql, [key.job, key.scope, key.slot, this.agentId]);
    };
    return {
      ...lease,
      lost: lost.signal,
      complete: () =>
        end(`UPDATE agent_leases SET state = 'done', expires_at = now() WHERE job = $1 AND scope = $2 AND slot = $3 AND holder = $4 AND state = 'running'`),
      abandon: () =>
        end(
          `UPDATE agent_leases SET expires_at = now() - interval '1 millisecond' WHERE job = $1 AND scope = $2 AND slot = $3 AND holder = $4 AND state = 'running'`,
        ),
    };
  }

  /** Renews every lease held; one no longer ours, or not renewed for a whole lease, is lost: its run stops. */
  private async renew(): Promise<void> {
    if (this.closed) return;
    if (this.holding.size === 0) {
      this.lastRenewed = performance.now();
      return;
    }
    const started = performance.now();
    try {
      const { rows } = await this.pool.query<{ job: string; scope: string; slot: string }>(
        `UPDATE agent_leases SET expires_at = now() + $2 * interval '1 millisecond'
         WHERE holder = $1 AND state = 'running' RETURNING job, scope, slot`,
        [this.agentId, this.leaseMs],
      );
      this.lastRenewed = performance.now();
      const ours = new Set(rows.map((r) => slotName(r)));
      for (const [name, held] of this.holding) if (held.at < started && !ours.has(name)) this.lose(name, held, 'another agent took the slot over');
    } catch (error) {
      if (performance.now() - this.lastRenewed < this.leaseMs) return;
      for (const [name, held] of this.holding)
        this.lose(name, held, `the lease could not be renewed for ${this.leaseMs / 1000} s (${(error as Error).message})`);
    }
  }

  private lose(name: string, held: Held, cause: string): void {
    this.holding.delete(name);
    this.options.logger.error({ slot: name, cause }, 'lease lost: the run is stopped (another agent runs the slot)');
    held.lost.abort(new Error(`lease lost: ${cause}`));
  }
}
