// `evidence-agent migrate`: the demo store copied to PostgreSQL and back, verify giving the same answer
// on all three, every run under the same hash; a target that holds anything is refused.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCollectors } from '../collectors/index.js';
import { exportBundle } from '../src/bundle/export.js';
import { generateSigningKey, loadPrivateKey } from '../src/bundle/signing.js';
import { loadBuiltinFrameworks } from '../src/mapping/load.js';
import { openStore } from '../src/store/index.js';
import { cliInProcess } from './helpers/cli-in-process.js';
import { postgresOrSkip, startThrowawayPostgres, type PostgresStart } from './helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-migrate-'));
const demoDb = join(dir, 'demo.db');
let server: PostgresStart | undefined;

beforeAll(async () => {
  server = await startThrowawayPostgres();
  const demo = await cliInProcess(['demo', '--days', '5', '--now', '2026-06-30T12:00:00Z', '--db', demoDb]);
  expect(demo.code).toBe(0);
}, 180_000);
afterAll(async () => {
  if (server?.ok) await server.server.stop();
}, 60_000);

async function chainOf(location: string): Promise<string[]> {
  const store = openStore(location, { readonly: true });
  try {
    return (await store.listRuns()).map((run) => `${run.seq} ${run.collector} ${run.scope} ${run.status} ${run.hash}`);
  } finally {
    await store.close();
  }
}

describe('migrate', () => {
  it('copies the demo store to PostgreSQL and back, verify identical on all three', async ({ skip }) => {
    const url = await postgresOrSkip(server, skip).createDatabase();
    const there = await cliInProcess(['migrate', '--from', demoDb, '--to', url]);
    expect(there.stderr).toBe('');
    expect(there.code).toBe(0);
    expect(there.stdout).toMatch(/^copied .*demo\.db to postgres:\/\/.*: \d+ store_info, 1 store_identity, \d+ blobs, \d+ run_intents, \d+ runs, /);
    expect(there.stdout).toMatch(/verified: both stores ok, the same \d+ runs, chain head sha256:[0-9a-f]{64}/);

    const back = join(dir, 'back.db');
    const home = await cliInProcess(['migrate', '--from', url, '--to', back]);
    expect(home.stderr).toBe('');
    expect(home.code).toBe(0);

    const original = await chainOf(demoDb);
    expect(original.length).toBeGreaterThanOrEqual(15);
    expect(await chainOf(url)).toEqual(original);
    expect(await chainOf(back)).toEqual(original);

    const verify = async (location: string) => {
      const result = await cliInProcess(['verify', '--db', location, '--json']);
      expect(result.code).toBe(0);
      const { store: _store, ...report } = JSON.parse(result.stdout) as Record<string, unknown>;
      return report;
    };
    const expected = await verify(demoDb);
    expect(expected).toMatchObject({ ok: true });
    expect(await verify(url)).toEqual(expected);
    expect(await verify(back)).toEqual(expected);
    for (const location of [demoDb, url, back]) {
      const store = openStore(location, { readonly: true });
      expect(await store.identity()).toEqual(
        await (async () => {
          const source = openStore(demoDb, { readonly: true });
          try {
            return await source.identity();
          } finally {
            await source.close();
          }
        })(),
      );
      await store.close();
    }
  }, 240_000);

  it('exports the same bundle, byte for byte, from the SQLite store and from its PostgreSQL copy', async ({ skip }) => {
    const url = await postgresOrSkip(server, skip).createDatabase();
    expect((await cliInProcess(['migrate', '--from', demoDb, '--to', url])).code).toBe(0);
    const signingKey = loadPrivateKey(generateSigningKey().privateKey, 'test key');
    const frameworks = loadBuiltinFrameworks(new Set(builtinCollectors.flatMap((c) => c.checks.map((check) => check.id))));
    const exportFrom = async (location: string, out: string) => {
      const store = openStore(location, { readonly: true });
      try {
        const result = await exportBundle(store, {
          from: '2026-06-26',
          to: '2026-06-30',
          timeZone: 'UTC',
          frameworks,
          collectors: builtinCollectors,
          cadenceDays: () => 1,
          signingKey,
          agentVersion: '0.0.0-test',
          out,
        });
        return readFileSync(result.path);
      } finally {
        await store.close();
      }
    };
    const fromSqlite = await exportFrom(demoDb, join(dir, 'from-sqlite.tar.gz'));
    const fromPostgres = await exportFrom(url, join(dir, 'from-postgres.tar.gz'));
    expect(fromSqlite.length).toBeGreaterThan(10_000);
    expect(fromPostgres.equals(fromSqlite)).toBe(true);
  }, 240_000);

  it('export and review work on a PostgreSQL store (--db postgres://…), as on a SQLite file', async ({ skip }) => {
    const url = await postgresOrSkip(server, skip).createDatabase();
    expect((await cliInProcess(['migrate', '--from', demoDb, '--to', url])).code).toBe(0);
    const keyFile = join(dir, 'pg-export.key');
    writeFileSync(keyFile, generateSigningKey().privateKey, { mode: 0o600 });
    const out = join(dir, 'from-postgres-cli.tar.gz');
    const exported = await cliInProcess(['export', '--from', '2026-06-26', '--to', '2026-06-30', '--out', out, '--signing-key', keyFile, '--db', url]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^wrote .*from-postgres-cli\.tar\.gz: \d+ files/);
    // The store was read: the answer is about the event, not about a missing store.
    const review = await cliInProcess(['review', 'no-such-event', '--note', 'x', '--db', url]);
    expect(review.stderr).toMatch(/^evidence-agent: review no-such-event: no failing event "no-such-event"/);
  }, 240_000);

  it('refuses a target that holds anything, and copies nothing into it', async ({ skip }) => {
    const url = await postgresOrSkip(server, skip).createDatabase();
    const target = openStore(url); // a store of its own: its identity, no runs
    await target.identity();
    await target.close();
    const refused = await cliInProcess(['migrate', '--from', demoDb, '--to', url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--to: postgres:\/\/.* is not empty \(2 rows in store_info\): migrate copies into an empty database only/);
    expect(await chainOf(url)).toEqual([]);

    const existing = join(dir, 'existing.db');
    writeFileSync(existing, 'not empty');
    const overwrite = await cliInProcess(['migrate', '--from', url, '--to', existing]);
    expect(overwrite.code).toBe(1);
    expect(overwrite.stderr).toMatch(/--to: .*existing\.db already exists/);

    const sameEngine = await cliInProcess(['migrate', '--from', demoDb, '--to', join(dir, 'other.db')]);
    expect(sameEngine.stderr).toMatch(/give one store as a file path and the other as a postgres:\/\/ URL/);
  }, 120_000);
});
