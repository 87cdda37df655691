// Verifying a PostgreSQL store: its rows are copied into a scratch SQLite file and recomputed there by
// the SQLite store's verify (every blob against its address, every delta digest, both chains, the
// identity), so the two stores give identical answers over identical rows; then what only PostgreSQL
// has is checked: its append-only triggers and the function they run, and its schema migrations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { openDatabase } from '../open-database.js';
import { verifyDatabase } from '../verify.js';
import type { VerifyOptions, VerifyProblem, VerifyReport } from '../types.js';
import { rows } from './connection.js';
import { copyPostgresToSqlite } from './copy.js';
import { APPEND_ONLY_FUNCTION_BODY, POSTGRES_MIGRATIONS, appendOnlyTriggerNames } from './schema.js';

export async function verifyPostgres(pool: pg.Pool, options: VerifyOptions = {}): Promise<VerifyReport> {
  const folder = mkdtempSync(join(tmpdir(), 'evidence-agent-verify-'));
  try {
    const client = await pool.connect();
    let report: VerifyReport;
    try {
      // One snapshot of every table: a run committed by another agent meanwhile is in all of them or none.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const copy = openDatabase(join(folder, 'copy.db'), { withoutIdentity: true });
      try {
        await copyPostgresToSqlite(client, copy);
        report = verifyDatabase(copy, options);
      } finally {
        copy.close();
      }
      report.problems.push(...(await schemaProblems(client)));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    return { ...report, ok: report.problems.length === 0 };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The append-only triggers are all there, enabled, and run the function that refuses; the migrations are the shipped ones. */
async function schemaProblems(db: pg.PoolClient): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  const present = new Map(
    (
      await rows<{ name: string; table: string; enabled: string; fn: string }>(
        db,
        `SELECT t.tgname AS name, c.relname AS table, t.tgenabled AS enabled, p.proname AS fn
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
         WHERE NOT t.tgisinternal AND n.nspname = current_schema()`,
      )
    ).map((t) => [t.name, t]),
  );
  for (const [name, table] of appendOnlyTriggerNames()) {
    const trigger = present.get(name);
    if (!trigger || trigger.table !== table || trigger.fn !== 'evidence_append_only' || trigger.enabled === 'D') {
      problems.push({
        kind: 'schema',
        record: `trigger ${name}`,
        message: `append-only trigger is ${trigger ? (trigger.enabled === 'D' ? 'disabled' : 'altered') : 'missing'}: the database was modified outside the agent`,
      });
    }
  }
  for (const name of present.keys()) {
    if (!appendOnlyTriggerNames().has(name)) {
      problems.push({ kind: 'schema', record: `trigger ${name}`, message: 'is not part of the store schema: the database was modified outside the agent' });
    }
  }
  const [fn] = await rows<{ body: string }>(
    db,
    `SELECT p.prosrc AS body FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'evidence_append_only' AND n.nspname = current_schema()`,
  );
  if (!fn || normalise(fn.body) !== normalise(APPEND_ONLY_FUNCTION_BODY)) {
    problems.push({
      kind: 'schema',
      record: 'function evidence_append_only',
      message: `is ${fn ? 'altered' : 'missing'}: the append-only triggers may no longer refuse anything`,
    });
  }
  const migrations = await rows<{ version: number; description: string }>(db, 'SELECT version, description FROM schema_migrations ORDER BY version');
  migrations.forEach((row, index) => {
    const shipped = POSTGRES_MIGRATIONS.find((m) => m.version === row.version);
    if (row.version !== index + 1 || shipped?.description !== row.description) {
      problems.push({
        kind: 'schema',
        record: `schema migration ${row.version}`,
        message: 'is not the migration this agent shipped under that number: the database was modified outside the agent',
      });
    }
  });
  return problems;
}
