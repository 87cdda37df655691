// Demo and real evidence never mix (issue 15, finding 4): a store records what it holds when it is
// created, in a record every run covers; the demo (and `collect` without a config) never writes into a
// file that is not a store or holds real evidence, and the real writers refuse a demo store, also one
// that had a digest written into it. A foreign file is left byte for byte as it was.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import type { StoreKind } from '../src/store/index.js';
import { cliInProcess } from './helpers/cli-in-process.js';
import { spawnCli } from './helpers/cli-process.js';
import { day, okOutcome, runStart, tempDbPath, userEvidence } from './helpers/store-fixtures.js';
import { restoreLegacyStore } from './helpers/legacy-store.js';

/** An SQLite file of another program: a `customers` table with a row. */
function foreignDatabase(dir: string): string {
  const path = join(dir, 'important.db');
  const db = new Database(path);
  db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Acme Corp');");
  db.close();
  return path;
}

/** A store of `kind` with two runs, the demo's config digest on a demo store's, and a digest after them. */
async function storeOf(kind: StoreKind, path = tempDbPath()): Promise<string> {
  const store = openStore(path, { kind });
  for (const n of [0, 1]) {
    const intent = await store.startRun(runStart(day(n), { configDigest: kind === 'demo' ? 'demo' : 'real-config' }));
    await store.finishRun(intent, okOutcome(day(n), [userEvidence('alice')]));
  }
  // A digest made later with a real config: the store stays what it was.
  const digest = await store.startRun(runStart(day(3), { collector: 'digest', scope: '2026-W01', configDigest: 'real-config' }));
  await store.finishRun(digest, okOutcome(day(3), [{ type: 'agent.digest', resourceId: '2026-W01', schemaVersion: 1, data: {} }]));
  await store.close();
  return path;
}

function realConfig(dir: string): string {
  const path = join(dir, 'real.yaml');
  writeFileSync(path, 'collectors:\n  aws-iam: {}\n');
  return path;
}

const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && key !== 'EVIDENCE_AGENT_CONFIG'));

describe('a file that is not an evidence store is never written', () => {
  it('demo --db on a foreign SQLite file exits non-zero and leaves it byte-identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-foreign-'));
    const path = foreignDatabase(dir);
    const before = readFileSync(path);
    const result = await cliInProcess(['demo', '--days', '1', '--db', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `evidence-agent: ${path} is not an evidence store: it is another application's SQLite database (tables: customers), left as it is; pass --db (or store.path) the evidence store's file, or a new file to start a store\n`,
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['important.db']);
  });

  it('demo --db on a file that is not SQLite at all: the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-foreign-'));
    const path = join(dir, 'notes.db');
    writeFileSync(path, 'quarterly access review notes, not a database\n'.repeat(100));
    const before = readFileSync(path);
    const result = await cliInProcess(['demo', '--days', '1', '--db', path]);
    expect(result.code).not.toBe(0);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['notes.db']);
  });

  it('collect without a config (the demo) on a foreign file: the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-foreign-'));
    const path = foreignDatabase(dir);
    const before = readFileSync(path);
    const result = await spawnCli(['collect', '--db', path], { cwd: dir, env: { ...CLEAN_ENV, HOME: dir } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/is not an evidence store: it is another application's SQLite database \(tables: customers\), left as it is/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['important.db']);
  });

  it.each([['collect'], ['attest']])('%s with a real config on a foreign file: the same, no table added', async (command) => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-foreign-'));
    const path = foreignDatabase(dir);
    const before = readFileSync(path);
    writeFileSync(join(dir, 'review.txt'), 'reviewed');
    const args = command === 'collect' ? ['collect'] : ['attest', '--control', 'CC6.2', '--file', join(dir, 'review.txt'), '--note', 'access review'];
    const result = await cliInProcess([...args, '--config', realConfig(dir), '--db', path]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/is not an evidence store: it is another application's SQLite database \(tables: customers\)/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('a store records what it holds, in its chain', () => {
  it('a demo store stays a demo store: the kind is recorded once and covered by every run', async () => {
    const path = await storeOf('demo');
    const store = openStore(path, { readonly: true });
    expect(await store.identity()).toMatchObject({ kind: 'demo', recorded: true, intact: true });
    expect((await store.verify()).ok).toBe(true);
    await store.close();
    // Opening it again asking for another kind changes nothing.
    const again = openStore(path, { kind: 'real' });
    expect(await again.identity()).toMatchObject({ kind: 'demo' });
    await again.close();
  });

  it('a kind changed outside the agent is named by verify, and the real writers refuse the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-kind-'));
    const path = await storeOf('demo', join(dir, 'demo.db'));
    const db = new Database(path);
    db.exec("DROP TRIGGER store_identity_no_update; UPDATE store_identity SET kind = 'real';");
    db.exec(
      "CREATE TRIGGER store_identity_no_update BEFORE UPDATE ON store_identity BEGIN SELECT RAISE(ABORT, 'evidence store is append-only: UPDATE of store_identity refused'); END",
    );
    db.close();
    const store = openStore(path, { readonly: true });
    const report = await store.verify();
    await store.close();
    expect(report.problems[0]).toMatchObject({
      kind: 'store',
      record: expect.stringMatching(/^store identity \(store [0-9a-f-]+, real, created /),
      message: expect.stringMatching(/do not match its hash/),
    });
    const result = await cliInProcess(['collect', '--config', realConfig(dir), '--db', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/identity record .* does not match its hash: run `evidence-agent verify/);
  });
});

describe('real evidence never goes into a demo store', () => {
  it.each([
    ['a demo store with a digest written after the demo', async () => storeOf('demo')],
    [
      'a demo store written by the agent before stores recorded their kind, with a digest after the demo',
      async () => {
        const path = tempDbPath();
        restoreLegacyStore('demo-digest', path);
        return path;
      },
    ],
  ])('collect, attest and daemon refuse %s, naming how to start a clean store', async (_, make) => {
    const path = await make();
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-demo-real-'));
    const config = realConfig(dir);
    writeFileSync(join(dir, 'review.txt'), 'reviewed');
    const before = readFileSync(path);
    for (const args of [['collect'], ['attest', '--control', 'CC6.2', '--file', join(dir, 'review.txt'), '--note', 'access review'], ['daemon']]) {
      const result = await cliInProcess([...args, '--config', config, '--db', path]);
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr).toBe(
        `evidence-agent: ${path} is a demo store (simulated runs of the sandbox account): collect real evidence into another file (--db or store.path); a new file starts a clean store\n`,
      );
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('the demo never replaces real evidence', () => {
  it.each([
    [
      'a store created for real evidence, with a digest',
      async () => storeOf('real'),
      /holds real evidence \(run 1, aws-iam 111122223333\): the demo will not write into it; pass --db to choose another file/,
    ],
    [
      'a store of the agent before stores recorded their kind, where real runs followed the demo',
      async () => {
        const path = tempDbPath();
        restoreLegacyStore('mixed', path);
        return path;
      },
      /holds real evidence \(run 2, aws-iam 111122223333\): the demo will not write into it/,
    ],
    [
      'an empty store created for real evidence',
      async () => {
        const path = tempDbPath();
        await openStore(path).close();
        return path;
      },
      /is a store for real evidence \(recorded when it was created\): the demo will not write into it/,
    ],
  ])('refuses %s and leaves it as it was', async (_, make, message) => {
    const path = await make();
    const before = readFileSync(path);
    const result = await cliInProcess(['demo', '--days', '1', '--db', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
