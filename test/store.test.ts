import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/index.js';
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
  it('rebuilds each snapshot exactly from the stored deltas', async () => {
    const store = newStore();
    const first = await storeRun(store, 0);
    const second = await storeRun(store, 1, [userEvidence('alice', { groups: ['Admins'] }), userEvidence('carol')]);
    expect(first.changes).toEqual({ added: 2, changed: 0, removed: 0 });
    expect(second.changes).toEqual({ added: 1, changed: 1, removed: 1 });
    expect(second.baseSeq).toBe(first.seq);

    const firstEvidence = await store.evidenceOf(first.seq);
    expect(firstEvidence.map((e) => e.resourceId)).toEqual([
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::111122223333:user/bob',
    ]);
    const secondEvidence = await store.evidenceOf(second.seq);
    expect(secondEvidence.map((e) => [e.resourceId, (e.data as { groups: string[] }).groups])).toEqual([
      ['arn:aws:iam::111122223333:user/alice', ['Admins']],
      ['arn:aws:iam::111122223333:user/carol', ['Developers']],
    ]);
  });

  it('stores an unchanged document once, however many runs see it', async () => {
    const store = newStore();
    for (let n = 0; n < 5; n++) await storeRun(store, n);
    const stats = await store.stats();
    expect(stats.runs).toBe(5);
    expect(stats.blobs).toBe(2);
    // Only the first run wrote manifest and findings rows; the next four changed nothing.
    expect(stats.manifestRows).toBe(2);
    expect(stats.findingRows).toBe(2);
    const runs = await store.listRuns();
    expect(runs.map((r) => r.changes.added + r.changes.changed + r.changes.removed)).toEqual([2, 0, 0, 0, 0]);
    expect(await store.findingsOf(runs[4]!.seq)).toHaveLength(2);
  });

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

  it('tracks findings that change and disappear', async () => {
    const store = newStore();
    const i1 = await store.startRun(runStart(day(0)));
    await store.finishRun(i1, okOutcome(day(0), [userEvidence('a')], [finding('a', 'fail'), finding('b', 'pass')]));
    const i2 = await store.startRun(runStart(day(1)));
    const r2 = await store.finishRun(i2, okOutcome(day(1), [userEvidence('a')], [finding('a', 'pass')]));
    expect((await store.findingsOf(r2.seq)).map((f) => [f.resourceId.split('/')[1], f.status])).toEqual([['a', 'pass']]);
    expect(r2.findingCounts).toEqual({ pass: 1, fail: 0, error: 0, not_applicable: 0 });
  });

  it('keeps failed runs out of the snapshot line: the next run is a delta of the last good one', async () => {
    const store = newStore();
    const good = await storeRun(store, 0);
    const failedIntent = await store.startRun(runStart(day(1)));
    const failed = await store.finishRun(failedIntent, {
      ...okOutcome(day(1), []),
      status: 'failed',
      error: 'AccessDenied: not authorized to perform iam:GetAccountAuthorizationDetails',
    });
    expect(failed.evidenceCount).toBe(0);
    expect(await store.evidenceOf(failed.seq)).toEqual([]);
    const next = await storeRun(store, 2);
    expect(next.baseSeq).toBe(good.seq);
    expect(next.changes).toEqual({ added: 0, changed: 0, removed: 0 });
    expect((await store.latestSnapshots(day(1))).map((r) => r.seq)).toEqual([good.seq]);
    expect((await store.latestSnapshots(day(3))).map((r) => r.seq)).toEqual([next.seq]);
  });

  it('refuses a run that holds the same resource twice and leaves nothing behind', async () => {
    const store = newStore();
    const intent = await store.startRun(runStart(day(0)));
    await expect(
      store.finishRun(intent, okOutcome(day(0), [userEvidence('alice'), userEvidence('alice')])),
    ).rejects.toThrow(/appears twice/);
    expect(await store.stats()).toMatchObject({ runs: 0, blobs: 0, manifestRows: 0 });
  });
});

describe('store: hash chain and append-only tables', () => {
  it('chains every run to the one before it', async () => {
    const store = newStore();
    const a = await storeRun(store, 0);
    const b = await storeRun(store, 1);
    expect(a.prevHash).toBe('0'.repeat(64));
    expect(b.prevHash).toBe(a.hash);
    expect(await store.verify()).toMatchObject({ ok: true, runs: 2, blobs: 2, problems: [] });
  });

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
    process.getuid?.() === 0 &&
    spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { uid: 65534, gid: 65534, stdio: 'ignore' }).status === 0;

  it.skipIf(!canRunAsNobody)(
    'reads a store in a directory the reader cannot write (an auditor\'s read-only copy)',
    async () => {
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
    },
  );
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

  it('knows an earlier process that had the same pid (a restarted container) from this one', async () => {
    const path = tempDbPath();
    const store = newStore(path);
    const now = new Date('2026-03-01T12:00:00Z');
    const future = '2026-03-01T13:00:00.000Z';
    const past = '2026-03-01T11:30:00.000Z';
    const intent = (id: string, pid: number, host: string, instance: string, deadline: string) =>
      recordIntentOfAnotherProcess(path, { id, started_at: '2026-03-01T11:00:00.000Z', pid, host, instance, deadline });
    intent('same-pid-earlier-process', process.pid, hostname(), 'an-earlier-instance', future);
    intent('other-host-before-deadline', 4242, 'another-host', 'x', future);
    intent('other-host-past-deadline', 4242, 'another-host', 'y', past);
    // A live process (this one's parent) past the deadline: its pid was reused, or the run hung.
    intent('live-pid-past-deadline', process.ppid, hostname(), 'z', past);
    const recovered = await store.recoverAbandonedRuns(now);
    expect(recovered.map((r) => r.id).sort()).toEqual([
      'live-pid-past-deadline',
      'other-host-past-deadline',
      'same-pid-earlier-process',
    ]);
  });

  it('files a recovered run under the account its configured scope last resolved to', async () => {
    const path = tempDbPath();
    const store = newStore(path);
    const resolved = await store.finishRun(
      await store.startRun(runStart(day(0), { scope: 'default' })),
      okOutcome(day(0), [userEvidence('a')], [], { resolvedScope: '111122223333', meta: { configuredScope: 'default' } }),
    );
    expect(resolved.scope).toBe('111122223333');
    recordIntentOfAnotherProcess(path, {
      id: 'crashed', scope: 'default', started_at: day(1).toISOString(), pid: 4242, host: 'old-container', instance: 'x', deadline: day(1).toISOString(),
    });
    const [recovered] = await store.recoverAbandonedRuns(day(2));
    expect(recovered).toMatchObject({ scope: '111122223333', status: 'aborted', meta: { configuredScope: 'default' } });
  });

  it('does not treat a run of a live process as abandoned', async () => {
    const store = newStore();
    await store.startRun(runStart(day(0)));
    expect(await store.recoverAbandonedRuns(new Date())).toEqual([]);
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

  it('stores each event once across runs whose windows overlap, and records every window', async () => {
    const store = newStore();
    const first = await store.finishRun(
      await store.startRun(runStart(day(0))),
      okOutcome(day(0), [], [], {
        events: [event('e1', '2026-01-01T01:00:00Z'), event('e2', '2026-01-01T02:00:00Z')],
        windows: [window('us-east-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z')],
      }),
    );
    const second = await store.finishRun(
      await store.startRun(runStart(day(1))),
      okOutcome(day(1), [], [], {
        events: [event('e2', '2026-01-01T02:00:00Z'), event('e3', '2026-01-02T01:00:00Z')],
        windows: [window('us-east-1', '2026-01-01T02:30:00Z', '2026-01-02T03:00:00Z')],
      }),
    );
    expect(first.eventCounts).toEqual({ read: 2, stored: 2, incompleteWindows: 0 });
    expect(second.eventCounts).toEqual({ read: 2, stored: 1, incompleteWindows: 0 });
    const population = await store.eventsOf('aws-iam', '111122223333', new Date('2026-01-01'), new Date('2026-01-03'));
    expect(population.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(await store.windowsOf(second.seq)).toEqual([
      { partition: 'us-east-1', from: '2026-01-01T02:30:00Z', to: '2026-01-02T03:00:00Z', complete: true },
    ]);
    expect(await store.watermarks('aws-iam', '111122223333')).toEqual({ 'us-east-1': '2026-01-02T03:00:00Z' });
    expect((await store.verify()).ok).toBe(true);
  });

  it('keeps the watermark of a partition at its last complete window, so a hole is read again', async () => {
    const store = newStore();
    await store.finishRun(
      await store.startRun(runStart(day(0))),
      okOutcome(day(0), [], [], {
        events: [],
        windows: [
          window('us-east-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z'),
          window('eu-west-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z'),
        ],
      }),
    );
    const holed = await store.finishRun(
      await store.startRun(runStart(day(1))),
      okOutcome(day(1), [], [], {
        status: 'partial',
        events: [],
        windows: [
          window('us-east-1', '2026-01-01T03:00:00Z', '2026-01-02T03:00:00Z'),
          window('eu-west-1', '2026-01-01T03:00:00Z', '2026-01-02T03:00:00Z', false),
        ],
      }),
    );
    expect(holed.eventCounts.incompleteWindows).toBe(1);
    expect(await store.watermarks('aws-iam', '111122223333')).toEqual({
      'eu-west-1': '2026-01-01T03:00:00Z',
      'us-east-1': '2026-01-02T03:00:00Z',
    });
  });

  it('refuses an event outside every window the run reports, leaving nothing behind', async () => {
    const store = newStore();
    const intent = await store.startRun(runStart(day(0)));
    await expect(
      store.finishRun(
        intent,
        okOutcome(day(0), [], [], {
          events: [event('e1', '2026-01-01T01:00:00Z', 'ap-south-1')],
          windows: [window('us-east-1', '2025-12-31T03:00:00Z', '2026-01-01T03:00:00Z')],
        }),
      ),
    ).rejects.toThrow(/partition ap-south-1, for which the run reports no window/);
    expect(await store.stats()).toMatchObject({ runs: 0, blobs: 0 });
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

describe('store: findings of a period, read run after run', () => {
  it('gives every run the same findings whether read in order (from the previous state) or alone', async () => {
    const path = tempDbPath();
    const store = newStore(path);
    // Two streams interleaved; names come and go (added ones sort before existing ones), statuses flip.
    const seqs: number[] = [];
    for (let n = 0; n < 12; n++) {
      for (const scope of ['111122223333', '444455556666']) {
        const names = ['bob', 'dave', 'erin', ...(n % 3 === 0 ? [] : ['alice']), ...(n >= 5 ? ['carol', 'zoe'] : [])].filter((name) => !(n === 8 && name === 'dave'));
        const intent = await store.startRun(runStart(new Date(day(n).getTime() + (scope === '111122223333' ? 0 : 60_000)), { scope }));
        const findings = names.map((name, i) => finding(name, (i + n) % 3 === 0 ? 'fail' : 'pass'));
        const run = await store.finishRun(intent, okOutcome(day(n), names.map((name) => userEvidence(name)), findings, { resolvedScope: scope }));
        seqs.push(run.seq);
      }
    }
    const inOrder = [];
    for (const seq of seqs) inOrder.push(await store.findingsOf(seq));
    // Backwards, then alone in a fresh store: no state carried from one read to the next.
    const backwards = [];
    for (const seq of [...seqs].reverse()) backwards.push(await store.findingsOf(seq));
    const fresh = [];
    for (const seq of seqs) {
      const reader = openStore(path, { readonly: true });
      fresh.push(await reader.findingsOf(seq));
      await reader.close();
    }
    expect(inOrder).toEqual(fresh);
    expect(backwards.reverse()).toEqual(fresh);
    expect(fresh[12]!.map((f) => f.resourceId.split('/')[1])).toEqual(['bob', 'carol', 'dave', 'erin', 'zoe']);
    expect(fresh[16]!.map((f) => f.resourceId.split('/')[1])).toEqual(['alice', 'bob', 'carol', 'erin', 'zoe']);
  });
});
