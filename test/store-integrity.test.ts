// Every stored fact under a hash `verify` recomputes (issue 15, finding 2): an event row moved in time,
// an intent injected into run_intents, and, column by column, every table of the schema edited outside
// the agent (triggers dropped and put back, as with the sqlite3 shell) is named by `verify`.
import { copyFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore, VerifyReport } from '../src/store/index.js';
import { recordIntentOfAnotherProcess, tempDbPath } from './helpers/store-fixtures.js';
import { collectSyntheticDay } from './helpers/synthetic-estate.js';
import { restoreLegacyStore } from './helpers/legacy-store.js';
import type { LegacyStore } from './helpers/legacy-store.js';

const open: EvidenceStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

async function syntheticStore(days = 3): Promise<string> {
  const path = tempDbPath();
  const store = openStore(path);
  for (let day = 0; day < days; day++) await collectSyntheticDay(store, day, 5);
  await store.close();
  return path;
}

/** What someone with the sqlite3 shell does: drop the triggers, edit, put the triggers back. */
function editOutside(path: string, edit: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    db.pragma('foreign_keys = OFF');
    const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[];
    for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
    edit(db);
    for (const { sql } of triggers) db.exec(sql);
  } finally {
    db.close();
  }
}

async function verify(path: string, head?: string): Promise<VerifyReport> {
  const store = openStore(path, { readonly: true });
  try {
    return await store.verify(head === undefined ? {} : { head });
  } finally {
    await store.close();
  }
}

async function headOf(path: string): Promise<string> {
  const store = openStore(path, { readonly: true });
  try {
    return (await store.listRuns({ limit: 1 }))[0]!.hash;
  } finally {
    await store.close();
  }
}

describe('finding 2: event rows and run intents are under the hash', () => {
  it('names the run whose event was moved in time, also with a kept head', async () => {
    const path = await syntheticStore();
    const head = await headOf(path);
    expect((await verify(path, head)).ok).toBe(true);
    editOutside(path, (db) => db.prepare("UPDATE events SET occurred_at = '2019-01-01T00:00:00.000Z' WHERE event_id = 'evt-1-3'").run());
    const report = await verify(path);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'events', record: expect.stringMatching(/^run 2 \(synthetic acct-1, /) });
    expect((await verify(path, head)).ok).toBe(false);
  });

  it.each([
    ['type', "'synthetic.other'"],
    ['partition', "'eu-west-1'"],
    ['flags', `'["malformed"]'`],
  ])('names the run whose event %s was changed', async (column, value) => {
    const path = await syntheticStore(2);
    editOutside(path, (db) => db.exec(`UPDATE events SET ${column} = ${value} WHERE event_id = 'evt-0-1'`));
    const report = await verify(path);
    expect(report.problems[0]).toMatchObject({ kind: 'events', record: expect.stringMatching(/^run 1 /) });
  });

  it('never turns an intent injected into run_intents into a run, and verify names the intent', async () => {
    const path = await syntheticStore(2);
    const db = new Database(path);
    db.prepare(
      `INSERT INTO run_intents (id, collector, scope, started_at, pid, host, instance, deadline, agent_version, mapping_version, config_digest)
       VALUES ('injected', 'aws-iam', '999999999999', '2026-01-01T12:00:00.000Z', 4242, 'attacker', 'x', '2026-01-01T12:30:00.000Z', '0', 'm', 'c')`,
    ).run();
    db.close();
    const store = openStore(path);
    open.push(store);
    expect(await store.recoverAbandonedRuns(new Date('2026-02-01T00:00:00Z'))).toEqual([]);
    expect((await store.listRuns()).filter((run) => run.scope === '999999999999')).toEqual([]);
    const report = await store.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(
      expect.objectContaining({
        kind: 'intent',
        record: expect.stringMatching(/^run intent injected \(aws-iam 999999999999, started 2026-01-01T12:00:00\.000Z/),
      }),
    );
  });

  it('records a crashed run as aborted, its hash covering the intent that started it', async () => {
    const path = await syntheticStore(1);
    recordIntentOfAnotherProcess(path, {
      id: 'crashed',
      collector: 'synthetic',
      scope: 'acct-1',
      started_at: '2026-01-05T03:00:00.000Z',
      pid: 4242,
      host: 'old-container',
      instance: 'x',
      deadline: '2026-01-05T03:10:00.000Z',
    });
    const store = openStore(path);
    open.push(store);
    const [recovered] = await store.recoverAbandonedRuns(new Date('2026-01-06T00:00:00Z'));
    expect(recovered).toMatchObject({ id: 'crashed', collector: 'synthetic', scope: 'acct-1', status: 'aborted' });
    expect(recovered!.error).toMatch(/pid 4242 on old-container/);
    expect((await store.verify()).ok).toBe(true);
    await store.close();
    open.pop();
    // Who started it is under the hash: the intent edited afterwards is named, and so is its run.
    editOutside(path, (db) => db.prepare("UPDATE run_intents SET host = 'elsewhere' WHERE id = 'crashed'").run());
    const records = (await verify(path)).problems.map((p) => p.record);
    expect(records).toContainEqual(expect.stringMatching(/^run intent crashed \(synthetic acct-1, started 2026-01-05T03:00:00\.000Z/));
    expect(records).toContainEqual(expect.stringMatching(/^run 2 \(synthetic acct-1, .*id crashed\)/));
  });
});

/** Tables and columns that are deliberately not evidence, with the reason. Anything else must be under a hash. */
const NOT_EVIDENCE: Record<string, string> = {
  http_cache: 'a cache of GitHub replies (ETag and body): replaced freely, never read by a report; losing or changing it costs a full read (docs/security.md)',
  'schema_migrations.applied_at': 'when a migration ran on this file: read by nothing',
};

/** How verify must name an edited row of each table: a problem's record holds one of these. */
function namesOf(db: Database.Database, table: string, row: Record<string, unknown>): string[] {
  const runNamed = (seq: unknown) => `run ${String(seq)} (`;
  switch (table) {
    case 'runs':
      return [runNamed(row.seq), `id ${String(row.id)})`];
    case 'manifest':
    case 'findings':
    case 'events':
    case 'event_windows':
      return [runNamed(row.run_seq)];
    case 'blobs': {
      const owners = db
        .prepare('SELECT run_seq FROM manifest WHERE blob_hash = ? UNION SELECT run_seq FROM events WHERE blob_hash = ?')
        .pluck()
        .all(row.hash, row.hash) as number[];
      return [...owners.map(runNamed), `blob sha256:${String(row.hash).slice(0, 16)}`];
    }
    case 'run_intents': {
      const run = db.prepare('SELECT seq FROM runs WHERE id = ?').pluck().get(row.id) as number | undefined;
      return [`run intent ${String(row.id)} `, ...(run === undefined ? [] : [runNamed(run)])];
    }
    case 'store_identity':
      return ['store identity'];
    case 'store_info':
      return ['store_info'];
    case 'schema_migrations':
      return [`schema migration `];
    default:
      throw new Error(`table ${table} is new: say how verify names its rows (namesOf), or list it in NOT_EVIDENCE with the reason`);
  }
}

/** Values to try in place of `value`, each different from it; constraints (CHECK, UNIQUE) refuse some. */
function replacements(value: unknown): unknown[] {
  if (value === null) return ['["edited"]', 'edited', 1];
  if (typeof value === 'number') return [value + 1, value - 1, 0, 1, 1000];
  if (Buffer.isBuffer(value)) {
    const flipped = Buffer.from(value);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x01;
    return [flipped, Buffer.concat([value, Buffer.from([0])])];
  }
  const text = String(value);
  const candidates: unknown[] = [];
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) candidates.push(`2019${text.slice(4)}`);
  if (text.startsWith('{')) candidates.push('{"edited":1}');
  if (/^[0-9a-f]{64}$/.test(text)) candidates.push(`${text.slice(0, 63)}${text.endsWith('0') ? '1' : '0'}`);
  candidates.push('pass', 'fail', 'ok', 'failed', 'aborted', 'real', 'demo', 'identity', 'deflate', `${text}x`, text.slice(1), 'edited');
  return candidates.filter((c) => c !== value);
}

describe('every table and column of the schema is under a hash verify recomputes', () => {
  it('names the record when any column of any row is edited outside the agent', async () => {
    const source = await syntheticStore(3);
    const store = openStore(source);
    await store.cacheResponse('github', 'example-co', 'GET /orgs/example-co', { etag: '"e"', body: '{}' });
    await store.close();
    expect((await verify(source)).ok).toBe(true);

    const db = new Database(source, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const columns = new Map(
      tables.map((table) => [table, db.prepare(`SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string; pk: number }[]]),
    );
    db.close();
    // The schema as this test knows it: a new table or column is walked too, with no one adding it here.
    expect(tables).toEqual(
      expect.arrayContaining([
        'blobs',
        'event_windows',
        'events',
        'findings',
        'manifest',
        'run_intents',
        'runs',
        'schema_migrations',
        'store_identity',
        'store_info',
      ]),
    );

    const unnamed: string[] = [];
    let edited = 0;
    for (const table of tables) {
      if (NOT_EVIDENCE[table]) continue;
      const keys = columns
        .get(table)!
        .filter((c) => c.pk > 0)
        .map((c) => c.name);
      const where = keys.length > 0 ? keys.map((k) => `"${k}" = ?`).join(' AND ') : 'rowid = ?';
      for (const { name: column } of columns.get(table)!) {
        if (NOT_EVIDENCE[`${table}.${column}`]) continue;
        const path = tempDbPath();
        copyFileSync(source, path);
        let names: string[] = [];
        let changed = false;
        editOutside(path, (raw) => {
          // One row that matters: for blobs, a document of a snapshot; else the first row.
          const row = raw
            .prepare(
              table === 'blobs'
                ? 'SELECT * FROM blobs WHERE hash IN (SELECT blob_hash FROM manifest) ORDER BY hash LIMIT 1'
                : `SELECT ${keys.length > 0 ? '' : 'rowid AS _rowid, '}* FROM "${table}" ORDER BY ${keys.length > 0 ? keys.map((k) => `"${k}"`).join(', ') : 'rowid'} LIMIT 1`,
            )
            .get() as Record<string, unknown> | undefined;
          if (!row) throw new Error(`table ${table} has no row to edit: the store built here must fill it`);
          names = namesOf(raw, table, row);
          const keyValues = keys.length > 0 ? keys.map((k) => row[k]) : [row._rowid];
          for (const value of replacements(row[column])) {
            try {
              if (raw.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE ${where}`).run(value, ...keyValues).changes === 1) {
                changed = true;
                return;
              }
            } catch {
              // a constraint refused this value: try the next
            }
          }
        });
        expect(changed, `${table}.${column}: no value could be written`).toBe(true);
        edited += 1;
        let report: VerifyReport;
        try {
          report = await verify(path);
        } catch (error) {
          unnamed.push(`${table}.${column}: the store no longer opens (${(error as Error).message})`);
          continue;
        }
        const named = report.problems.some((p) => names.some((n) => p.record.includes(n)));
        if (!named)
          unnamed.push(
            `${table}.${column}: ${report.problems.length === 0 ? 'verify passes' : `verify names ${report.problems.map((p) => p.record).join('; ')}`} (expected ${names.join(' or ')})`,
          );
      }
    }
    expect(unnamed).toEqual([]);
    expect(edited).toBeGreaterThan(60);
  }, 120_000);
});

/** Stores written by the agent before hash version 2 (made with commit c342485; test/fixtures/store/README.md). */
const LEGACY = (name: LegacyStore) => {
  const path = tempDbPath();
  restoreLegacyStore(name, path);
  return path;
};

describe('stores written before hash version 2', () => {
  it('verify read-only under their version, without being migrated', async () => {
    for (const name of ['real', 'demo-digest', 'mixed'] as const) {
      const path = LEGACY(name);
      const report = await verify(path);
      expect(report, name).toMatchObject({ ok: true, problems: [] });
    }
  });

  it('keep verifying after the upgrade, their runs under version 1 and every new run under version 2', async () => {
    const path = LEGACY('real');
    const head = await headOf(path);
    const store = openStore(path);
    open.push(store);
    expect(await store.identity()).toMatchObject({ kind: 'real', recorded: true, intact: true });
    // The intent a crash left open before the upgrade becomes the aborted run it stands for.
    const recovered = await store.recoverAbandonedRuns(new Date('2026-02-01T00:00:00Z'));
    expect(recovered.map((r) => [r.seq, r.status, r.startedAt])).toEqual([[6, 'aborted', '2026-01-13T03:00:00.000Z']]);
    await collectSyntheticDay(store, 3, 6);
    expect(await store.verify({ head })).toMatchObject({ ok: true, runs: 7, head: { seq: 5, runsAfter: 2 } });
    await store.close();
    open.pop();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT seq, hash_version FROM runs ORDER BY seq').raw().all()).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
      [6, 2],
      [7, 2],
    ]);
    expect(db.prepare('SELECT kind, legacy_runs FROM store_identity').raw().get()).toEqual(['real', 5]);
    db.close();
  });

  it('name an event of a version-1 run moved in time after the upgrade (its row against its stored document)', async () => {
    const path = LEGACY('real');
    const store = openStore(path);
    await store.close();
    editOutside(path, (db) => db.prepare("UPDATE events SET occurred_at = '2019-01-01T00:00:00.000Z' WHERE event_id = 'ev-flagged'").run());
    const [problem] = (await verify(path)).problems;
    expect(problem).toMatchObject({
      kind: 'events',
      record: expect.stringMatching(/^run 4 \(aws-cloudtrail 111122223333, /),
      message: expect.stringMatching(/event ev-flagged says occurred_at "2019-01-01T00:00:00.000Z", its stored document "2026-01-10T03:00:00.000Z"/),
    });
  });

  it('name a version-1 run turned into version 2 after the upgrade, and a version-2 run turned into version 1', async () => {
    const path = LEGACY('real');
    const store = openStore(path);
    await collectSyntheticDay(store, 3, 6);
    await store.close();
    const downgraded = tempDbPath();
    copyFileSync(path, downgraded);
    editOutside(path, (db) => db.exec('UPDATE runs SET hash_version = 2 WHERE seq = 2'));
    expect((await verify(path)).problems).toContainEqual({
      kind: 'run',
      record: expect.stringMatching(/^run 2 /),
      message: expect.stringMatching(/hash version 2 where the chain has version 1/),
    });
    editOutside(downgraded, (db) => db.exec('UPDATE runs SET hash_version = 1 WHERE seq = 6'));
    expect((await verify(downgraded)).problems).toContainEqual({
      kind: 'run',
      record: expect.stringMatching(/^run 6 /),
      message: expect.stringMatching(/hash version 1 where the chain has version 2/),
    });
  });
});
