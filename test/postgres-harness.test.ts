// The throwaway PostgreSQL server the store tests run against: it starts (as nobody when root), serves
// fresh databases, stops and leaves nothing behind; without binaries it reports why, and CI's flag turns
// the skip into a failure.
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresOrSkip, startThrowawayPostgres, type PostgresStart } from './helpers/postgres.js';

describe('throwaway PostgreSQL', () => {
  let start: PostgresStart | undefined;
  beforeAll(async () => {
    start = await startThrowawayPostgres();
  }, 90_000);
  afterAll(async () => {
    if (start?.ok) await start.server.stop();
  });

  it('serves a fresh database per test, run by a non-root server process', async (context) => {
    const server = postgresOrSkip(start, context.skip);
    const first = await server.createDatabase();
    const second = await server.createDatabase();
    expect(first).not.toBe(second);
    // initdb and postgres refuse root: the server runs as whoever runs the tests, or nobody under root.
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1];
    expect(uid).toBe(String(process.getuid?.() === 0 ? 65534 : process.getuid?.()));
    const client = new pg.Client({ connectionString: first });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (x int)');
      const rows = await client.query<{ n: string }>('SELECT count(*) AS n FROM t');
      expect(rows.rows[0]?.n).toBe('0');
      const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
      expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(150000);
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: second });
    await other.connect();
    try {
      const tables = await other.query("SELECT 1 FROM pg_tables WHERE tablename = 't'");
      expect(tables.rowCount).toBe(0);
    } finally {
      await other.end();
    }
  });

  it('stops and removes its directory', async () => {
    const own = await startThrowawayPostgres();
    if (!own.ok) {
      expect(own.reason).toMatch(/\S/);
      return;
    }
    expect(existsSync(own.server.dir)).toBe(true);
    await own.server.stop();
    expect(existsSync(own.server.dir)).toBe(false);
  }, 90_000);
});

describe('without PostgreSQL binaries', () => {
  it('says why, skips by default and fails when CI requires PostgreSQL', async () => {
    const start = await startThrowawayPostgres({ PG_BIN: '/nonexistent/pg/bin' });
    expect(start).toEqual({ ok: false, reason: expect.stringContaining('no PostgreSQL binaries at /nonexistent/pg/bin') });
    const skip = (note: string): never => {
      throw new Error(`skipped: ${note}`);
    };
    expect(() => postgresOrSkip(start, skip, {})).toThrow(/^skipped: no PostgreSQL binaries/);
    expect(() => postgresOrSkip(start, skip, { EVIDENCE_AGENT_REQUIRE_POSTGRES: '1' })).toThrow(
      /^EVIDENCE_AGENT_REQUIRE_POSTGRES=1 but no PostgreSQL binaries/,
    );
  });
});
