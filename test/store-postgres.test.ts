// The PostgreSQL store: the shared behaviour suite (test/store-contract/) against a throwaway server,
// then what only PostgreSQL has: append-only refused by the database itself, tampering named by verify
// just as on SQLite, read-only sessions, the password kept out of the store's printed location.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, intentHash } from '../src/store/chain.js';
import { intentFieldsOf } from '../src/store/intents.js';
import type { IntentRow } from '../src/store/intents.js';
import { openStore, redactedUrl } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/index.js';
import { describeEvidenceStore } from './store-contract/evidence-store.js';
import { day, finding, okOutcome, runStart, userEvidence } from './helpers/store-fixtures.js';
import { postgresOrSkip, startThrowawayPostgres, type PostgresStart } from './helpers/postgres.js';

let server: PostgresStart | undefined;
beforeAll(async () => {
  server = await startThrowawayPostgres();
}, 90_000);
afterAll(async () => {
  if (server?.ok) await server.server.stop();
}, 60_000);

async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Appends an intent through the chain of intents, as another agent process would. */
async function recordIntentOfAnotherProcess(
  url: string,
  intent: Partial<IntentRow> & Pick<IntentRow, 'id' | 'started_at' | 'pid' | 'host' | 'instance' | 'deadline'>,
): Promise<void> {
  const [last] = await sql<{ seq: number; hash: string }>(url, 'SELECT seq, hash FROM run_intents ORDER BY seq DESC LIMIT 1');
  const row: IntentRow = {
    collector: 'aws-iam',
    scope: '111122223333',
    agent_version: '0',
    mapping_version: 'm',
    config_digest: 'c',
    ...intent,
    seq: (last?.seq ?? 0) + 1,
    prev_hash: last?.hash ?? GENESIS_HASH,
    hash: '',
  };
  row.hash = intentHash(intentFieldsOf(row));
  const columns = Object.keys(row);
  await sql(url, `INSERT INTO run_intents (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
}

async function newDatabase(skip: (note: string) => never): Promise<string> {
  return postgresOrSkip(server, skip).createDatabase();
}

describeEvidenceStore('PostgreSQL', async (skip) => {
  const url = await newDatabase(skip);
  const store = openStore(url);
  await store.identity(); // the schema exists before a second connection reads it
  return {
    store,
    openReader: async () => openStore(url, { readonly: true }),
    openWriter: async () => openStore(url),
    recordIntentOfAnotherProcess: (intent) => recordIntentOfAnotherProcess(url, intent),
  };
});

describe('PostgreSQL store: append-only in the database', () => {
  const opened: EvidenceStore[] = [];
  afterAll(async () => {
    for (const store of opened) await store.close();
  });
  async function storeWithRuns(skip: (note: string) => never): Promise<{ url: string; store: EvidenceStore }> {
    const url = await newDatabase(skip);
    const store = openStore(url);
    opened.push(store);
    for (let n = 0; n < 3; n++) {
      const evidence = n === 0 ? [userEvidence('alice'), userEvidence('bob')] : [userEvidence('alice', { groups: ['Admins'] }), userEvidence('bob')];
      await store.finishRun(await store.startRun(runStart(day(n))), okOutcome(day(n), evidence, [finding('alice', 'pass'), finding('bob', 'fail')]));
    }
    return { url, store };
  }

  it.for([
    ['UPDATE runs SET status = $1 WHERE seq = 1', ['failed']],
    ['DELETE FROM runs WHERE seq = 3', []],
    ['UPDATE blobs SET size = 0', []],
    ['DELETE FROM manifest', []],
    ['UPDATE findings SET status = $1', ['pass']],
    ['DELETE FROM run_intents', []],
    ['UPDATE store_identity SET kind = $1', ['demo']],
    ['TRUNCATE events', []],
  ] as const)('refuses %s, even to the superuser', async ([statement, params], { skip }) => {
    const { url } = await storeWithRuns(skip);
    await expect(sql(url, statement, [...params])).rejects.toThrow(/evidence store is append-only: (UPDATE of|DELETE from|TRUNCATE of) \w+ refused/);
  });

  it('names the run and the document altered with the triggers disabled, as verify on SQLite does', async ({ skip }) => {
    const { url, store } = await storeWithRuns(skip);
    expect(await store.verify()).toMatchObject({ ok: true, runs: 3, problems: [] });
    await sql(url, 'ALTER TABLE runs DISABLE TRIGGER runs_append_only');
    await sql(url, "UPDATE runs SET status = 'ok', api_calls = 1 WHERE seq = 2");
    await sql(url, 'ALTER TABLE blobs DISABLE TRIGGER blobs_append_only');
    await sql(url, "UPDATE blobs SET content = content || '\\x00'::bytea WHERE hash = (SELECT blob_hash FROM manifest WHERE resource_id LIKE '%/bob' LIMIT 1)");
    const report = await store.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.find((p) => p.kind === 'blob')?.record).toMatch(/aws\.iam\.user arn:aws:iam::111122223333:user\/bob/);
    expect(report.problems.find((p) => p.kind === 'run')?.record).toMatch(/^run 2 /);
    expect(report.problems.filter((p) => p.kind === 'schema').map((p) => [p.record, p.message])).toEqual([
      ['trigger blobs_append_only', expect.stringMatching(/is disabled/)],
      ['trigger runs_append_only', expect.stringMatching(/is disabled/)],
    ]);
  });

  it('names a dropped trigger and an append-only function that no longer refuses', async ({ skip }) => {
    const { url, store } = await storeWithRuns(skip);
    await sql(url, 'DROP TRIGGER manifest_append_only ON manifest');
    await sql(url, 'CREATE OR REPLACE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$');
    const report = await store.verify();
    expect(report.problems.map((p) => p.record)).toEqual(['trigger manifest_append_only', 'function evidence_append_only']);
  });

  it('opens read-only sessions for readers, and never prints the password', async ({ skip }) => {
    const { url } = await storeWithRuns(skip);
    const reader = openStore(url, { readonly: true });
    opened.push(reader);
    expect((await reader.listRuns()).map((r) => r.seq)).toEqual([1, 2, 3]);
    await expect(reader.startRun(runStart(day(5)))).rejects.toThrow(/read-only transaction/);
    expect(redactedUrl('postgres://agent:s3cr3t@db.internal:5432/evidence')).toBe('postgres://agent:***@db.internal:5432/evidence');
    const withPassword = url.replace('postgres://evidence_test@', 'postgres://evidence_test:s3cr3t@');
    const store = openStore(withPassword);
    opened.push(store);
    expect(store.path).not.toContain('s3cr3t');
  });

  it('tells a reader that a database holds no evidence store', async ({ skip }) => {
    const url = await newDatabase(skip);
    const reader = openStore(url, { readonly: true });
    opened.push(reader);
    await expect(reader.listRuns()).rejects.toThrow(/holds no evidence store/);
  });
});

describe('PostgreSQL store: the roles docs/deploy.md grants', () => {
  it('lets an agent role that can only add rows write runs, and an auditor role only read and verify', async ({ skip }) => {
    const url = await newDatabase(skip);
    const owner = openStore(url);
    await owner.identity(); // the schema, created by the owner
    await owner.close();
    const database = new URL(url).pathname.slice(1);
    const [agent, auditor] = [`agent_${database}`, `auditor_${database}`];
    for (const statement of [
      `CREATE ROLE ${agent} LOGIN`,
      `GRANT CONNECT ON DATABASE ${database} TO ${agent}`,
      `GRANT USAGE ON SCHEMA public TO ${agent}`,
      `GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${agent}`,
      `GRANT UPDATE, DELETE ON http_cache TO ${agent}`,
      `CREATE ROLE ${auditor} LOGIN`,
      `GRANT CONNECT ON DATABASE ${database} TO ${auditor}`,
      `GRANT USAGE ON SCHEMA public TO ${auditor}`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${auditor}`,
    ]) {
      await sql(url, statement);
    }
    const as = (role: string) => url.replace('postgres://evidence_test@', `postgres://${role}@`);
    const writer = openStore(as(agent));
    try {
      await writer.finishRun(await writer.startRun(runStart(day(0))), okOutcome(day(0), [userEvidence('alice')], [finding('alice', 'pass')]));
      await writer.cacheResponse('github', 'acme', 'GET /orgs/acme', { etag: '1', body: 'a' });
      await writer.cacheResponse('github', 'acme', 'GET /orgs/acme', { etag: '2', body: 'b' });
      expect(await writer.recoverAbandonedRuns(day(5))).toEqual([]);
    } finally {
      await writer.close();
    }
    await expect(sql(as(agent), 'ALTER TABLE runs DISABLE TRIGGER runs_append_only')).rejects.toThrow(/must be owner of table runs/);
    const reader = openStore(as(auditor), { readonly: true });
    try {
      expect(await reader.verify()).toMatchObject({ ok: true, runs: 1 });
      await expect(reader.startRun(runStart(day(1)))).rejects.toThrow(/read-only transaction|permission denied/);
    } finally {
      await reader.close();
    }
    await expect(sql(as(auditor), 'INSERT INTO store_info (key, value) VALUES ($1, $2)', ['x', 'y'])).rejects.toThrow(/permission denied for table store_info/);
  });
});
