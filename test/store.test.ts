import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/index.js';
import { describeEvidenceStore } from './store-contract/evidence-store.js';
import { day, finding, okOutcome, recordIntentOfAnotherProcess, runStart, tempDbPath, userEvidence } from './helpers/store-fixtures.js';

const open: EvidenceStore[] = [];
function newStore(path = tempDbPath()): EvidenceStore {
  const store = openStore(path);
  open.push(store);
  return store;
}
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

async function storeRun(store: EvidenceStore, n: number, evidence = [userEvidence('alice'), userEvidence('bob')]) {
  const intent = await store.startRun(runStart(day(n)));
  return store.finishRun(intent, okOutcome(day(n), evidence, [finding('alice', 'pass'), finding('bob', 'fail')]));
}

describe('store: snapshots', () => {
  it('adds well under 4 KB per run over an unchanged estate of 2,000 resources', async () => {
    const store = newStore();
    const evidence = Array.from({ length: 2000 }, (_, i) => userEvidence(`user-${i}`, { mfa: i % 7 !== 0 }));
    const findings = Array.from({ length: 2000 }, (_, i) => finding(`user-${i}`, i % 7 === 0 ? 'fail' : 'pass'));
    const record = async (n: number) => store.finishRun(await store.startRun(runStart(day(n))), okOutcome(day(n), evidence, findings));
    await record(0);
    const afterFirst = (await store.stats()).fileBytes;
    for (let n = 1; n <= 30; n++) await record(n);
    const perRun = ((await store.stats()).fileBytes - afterFirst) / 30;
    expect(perRun).toBeLessThan(4096);
    expect((await store.stats()).manifestRows).toBe(2000);
  });
});

describe('store: hash chain and append-only tables', () => {
  it.each([
    ['UPDATE runs SET status = ? WHERE seq = 1', ['failed']],
    ['DELETE FROM runs WHERE seq = 1', []],
    ['UPDATE blobs SET size = 0', []],
    ['DELETE FROM blobs', []],
    ['DELETE FROM manifest', []],
    ['UPDATE findings SET status = ?', ['pass']],
    ['DELETE FROM findings', []],
  ])('refuses %s', async (sql, params) => {
    const path = tempDbPath();
    const store = newStore(path);
    await storeRun(store, 0);
    const raw = new Database(path);
    try {
      expect(() => raw.prepare(sql).run(...params)).toThrow(/append-only/);
    } finally {
      raw.close();
    }
  });
});

describe('store: tampering is named by verify', () => {
  async function tamperedStore(edit: (raw: Database.Database) => void) {
    const path = tempDbPath();
    const store = openStore(path);
    await storeRun(store, 0);
    await storeRun(store, 1, [userEvidence('alice', { groups: ['Admins'] }), userEvidence('bob')]);
    await storeRun(store, 2, [userEvidence('alice', { groups: ['Admins'] }), userEvidence('bob')]);
    await store.close();
    const raw = new Database(path);
    raw.pragma('foreign_keys = OFF'); // as in the sqlite3 shell, where foreign keys are off by default
    for (const t of ['blobs', 'runs', 'manifest', 'findings']) {
      raw.exec(`DROP TRIGGER ${t}_no_update; DROP TRIGGER ${t}_no_delete;`);
    }
    edit(raw);
    raw.close();
    const reopened = newStore(path);
    return reopened.verify();
  }

  it('names the document when one byte of a stored blob changes', async () => {
    const report = await tamperedStore((raw) => {
      const blob = raw
        .prepare(
          `SELECT b.hash, b.content FROM blobs b JOIN manifest m ON m.blob_hash = b.hash
           WHERE m.resource_id LIKE '%/bob' LIMIT 1`,
        )
        .get() as { hash: string; content: Buffer };
      const bytes = Buffer.from(blob.content);
      bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0x01;
      raw.prepare('UPDATE blobs SET content = ? WHERE hash = ?').run(bytes, blob.hash);
    });
    expect(report.ok).toBe(false);
    // The trigger drop is reported too; the blob problem names bob's document.
    const blobProblem = report.problems.find((p) => p.kind === 'blob');
    expect(blobProblem?.record).toMatch(/aws\.iam\.user arn:aws:iam::111122223333:user\/bob/);
  });

  it('names the run when a manifest row is deleted', async () => {
    const report = await tamperedStore((raw) => raw.exec('DELETE FROM manifest WHERE run_seq = 2'));
    const problem = report.problems.find((p) => p.kind === 'manifest');
    expect(problem?.record).toMatch(/^run 2 /);
  });

  it('names the run when a run row is altered or deleted', async () => {
    const altered = await tamperedStore((raw) => raw.exec("UPDATE runs SET status = 'ok', api_calls = 1 WHERE seq = 2"));
    expect(altered.problems.find((p) => p.kind === 'run')?.record).toMatch(/^run 2 /);
    const deleted = await tamperedStore((raw) => raw.exec('DELETE FROM runs WHERE seq = 2'));
    expect(deleted.problems.find((p) => p.kind === 'run')?.message).toMatch(/missing from the chain|does not chain/);
  });

  it('names the run when its rows are moved to another stream', async () => {
    const report = await tamperedStore((raw) => {
      raw.exec("UPDATE manifest SET stream = 'aws-iam/999999999999' WHERE run_seq = 1");
      raw.exec("UPDATE findings SET stream = 'aws-iam/999999999999' WHERE run_seq = 1");
    });
    expect(report.problems[0]).toMatchObject({ kind: 'manifest', message: expect.stringMatching(/moved to another/) });
    expect(report.problems[0]!.record).toMatch(/^run 1 /);
  });

  it('reports an append-only trigger replaced by one that does nothing', async () => {
    const report = await tamperedStore((raw) => {
      for (const t of ['blobs', 'runs', 'manifest', 'findings']) {
        raw.exec(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT 1; END;
                  CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT 1; END;`);
      }
    });
    expect(report.problems).toHaveLength(8);
    expect(report.problems[0]).toMatchObject({ kind: 'schema', message: expect.stringMatching(/trigger is altered/) });
  });

  it('reports a trigger or view that is not part of the schema', async () => {
    const report = await tamperedStore((raw) => {
      raw.exec(`CREATE TRIGGER block_runs BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'no'); END;
                CREATE VIEW shadow AS SELECT * FROM runs;`);
    });
    expect(report.problems.map((p) => p.record)).toEqual(expect.arrayContaining(['trigger block_runs', 'view shadow']));
  });

  it('reports dropped append-only triggers', async () => {
    const report = await tamperedStore(() => undefined);
    expect(report.problems.map((p) => p.kind)).toEqual(Array(8).fill('schema'));
  });
});

describe('store: readers', () => {
  it('opens read-only without migrating or writing the file', async () => {
    const path = tempDbPath();
    const store = newStore(path);
    await storeRun(store, 0);
    await open.pop()!.close();
    const before = readFileSync(path);
    const reader = openStore(path, { readonly: true });
    expect((await reader.verify()).ok).toBe(true);
    await expect(reader.startRun(runStart(day(1)))).rejects.toThrow(/readonly/);
    await reader.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  // Needs root (to run the reader as nobody) and a node and checkout that nobody may read and execute.
  const canRunAsNobody =
    process.getuid?.() === 0 && spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { uid: 65534, gid: 65534, stdio: 'ignore' }).status === 0;

  it.skipIf(!canRunAsNobody)("reads a store in a directory the reader cannot write (an auditor's read-only copy)", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'evidence-agent-ro-'));
    chmodSync(folder, 0o755);
    const path = join(folder, 'evidence.db');
    const store = newStore(path);
    await storeRun(store, 0);
    await open.pop()!.close();
    chmodSync(path, 0o644);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/verify-child.ts', path], {
      uid: 65534,
      gid: 65534,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(errors).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(output)).toEqual({ ok: true, runs: 1 });
    expect(readdirSync(folder)).toEqual(['evidence.db']);
  });
});

describe('store: crash consistency', () => {
  it('leaves no half run when the process is killed mid-transaction, and records it as aborted', async () => {
    const path = tempDbPath();
    newStore(path); // create and migrate first, so the child only writes the run
    await open.pop()!.close();

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/crash-child.ts', path, '150000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('committing')) setTimeout(() => child.kill('SIGKILL'), 150);
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    expect(output).toContain('committing');
    expect(output).not.toContain('committed\n');
    expect(statSync(path).size).toBeGreaterThan(0);

    const store = newStore(path);
    expect(await store.verify()).toMatchObject({ ok: true, runs: 0 });
    expect(await store.stats()).toMatchObject({ runs: 0, blobs: 0, manifestRows: 0 });

    const recovered = await store.recoverAbandonedRuns(new Date());
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ status: 'aborted', evidenceCount: 0, collector: 'aws-iam' });
    expect(recovered[0]!.error).toMatch(/ended before the run finished/);
    expect(await store.recoverAbandonedRuns(new Date())).toEqual([]);
    expect((await store.verify()).ok).toBe(true);
  });
});

describe('store: event populations', () => {
  const event = (id: string, at: string, partition = 'us-east-1') => ({
    type: 'aws.cloudtrail.event',
    eventId: id,
    occurredAt: at,
    partition,
    schemaVersion: 1,
    data: { eventName: 'ConsoleLogin', id },
  });
  const window = (partition: string, from: string, to: string, complete = true) => ({
    partition,
    from,
    to,
    complete,
    ...(complete ? {} : { error: 'AccessDenied' }),
  });

  it('names the run whose events were altered, and the event whose document was', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    await store.finishRun(
      await store.startRun(runStart(day(0))),
      okOutcome(day(0), [], [], {
        events: [event('e1', '2026-01-01T01:00:00Z'), event('e2', '2026-01-01T02:00:00Z')],
        windows: [window('us-east-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z')],
      }),
    );
    await store.close();
    const raw = new Database(path);
    raw.pragma('foreign_keys = OFF');
    raw.exec("DROP TRIGGER events_no_delete; DELETE FROM events WHERE event_id = 'e2'");
    raw.exec("DROP TRIGGER blobs_no_update; UPDATE blobs SET content = zeroblob(8) WHERE hash = (SELECT blob_hash FROM events WHERE event_id = 'e1')");
    raw.close();
    const report = await newStore(path).verify();
    expect(report.problems.find((p) => p.kind === 'blob')?.record).toMatch(/^event aws\.cloudtrail\.event e1 /);
    expect(report.problems.find((p) => p.kind === 'events')?.record).toMatch(/^run 1 /);
  });
});

// The behaviour every store shares (test/store-contract/), here on SQLite; this file keeps what only a
// SQLite file has: its size per run, its triggers and raw tampering, readers of the file, killed writers.
describeEvidenceStore('SQLite', async () => {
  const path = tempDbPath();
  return {
    store: openStore(path),
    openReader: async () => openStore(path, { readonly: true }),
    openWriter: async () => openStore(path),
    recordIntentOfAnotherProcess: async (intent) => recordIntentOfAnotherProcess(path, intent),
  };
});
