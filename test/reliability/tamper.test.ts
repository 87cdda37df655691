// A database edited outside the agent (the sqlite3 CLI, the append-only triggers dropped first):
// `verify` names the run or row that was changed, deleted or cut off. A cut-off chain end verifies on
// its own; a head kept from an earlier verify catches it (`verify --head`).
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { APPEND_ONLY_TRIGGERS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/index.js';
import type { VerifyReport } from '../../src/store/index.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { tempDbPath } from '../helpers/store-fixtures.js';
import { collectSyntheticDay } from '../helpers/synthetic-estate.js';

const DAYS = 6;
let path: string;

beforeEach(async () => {
  path = tempDbPath();
  const store = openStore(path);
  for (let day = 0; day < DAYS; day++) await collectSyntheticDay(store, day, 40);
  await store.close();
});

/** What someone with the sqlite3 CLI does: drop the triggers, edit, and put the triggers back. */
function editOutside(sql: string, restoreTriggers = true): void {
  const db = new Database(path);
  try {
    db.pragma('foreign_keys = OFF');
    for (const name of APPEND_ONLY_TRIGGERS.keys()) db.exec(`DROP TRIGGER ${name}`);
    db.exec(sql);
    if (restoreTriggers) for (const trigger of APPEND_ONLY_TRIGGERS.values()) db.exec(trigger);
  } finally {
    db.close();
  }
}

async function verify(head?: string): Promise<VerifyReport> {
  const store = openStore(path, { readonly: true });
  try {
    return await store.verify(head === undefined ? {} : { head });
  } finally {
    await store.close();
  }
}

async function headHash(): Promise<string> {
  const store = openStore(path, { readonly: true });
  try {
    return (await store.listRuns({ limit: 1 }))[0]!.hash;
  } finally {
    await store.close();
  }
}

const runName = (seq: number) => new RegExp(`^run ${seq} \\(synthetic acct-1, started `);

describe('tamper: the database edited outside the agent', () => {
  it('verifies untouched, and the edits below are refused while the triggers stand', async () => {
    expect((await verify()).problems).toEqual([]);
    const db = new Database(path);
    expect(() => db.exec('DELETE FROM findings WHERE run_seq = 1')).toThrow(/append-only: DELETE from findings refused/);
    expect(() => db.exec("UPDATE runs SET status = 'ok' WHERE seq = 2")).toThrow(/append-only: UPDATE of runs refused/);
    db.close();
  });

  it('names the run whose finding row was deleted', async () => {
    editOutside("DELETE FROM findings WHERE run_seq = 1 AND resource_id = 'user/u0'");
    const [first, ...rest] = (await verify()).problems;
    expect(first).toMatchObject({ kind: 'findings', message: 'its findings were added, removed or changed after it was stored' });
    expect(first!.record).toMatch(runName(1));
    expect(rest).toEqual([]);
  });

  it('names the run whose evidence manifest row was deleted', async () => {
    editOutside("DELETE FROM manifest WHERE run_seq = 1 AND resource_id = 'user/u5'");
    const [first] = (await verify()).problems;
    expect(first).toMatchObject({ kind: 'manifest' });
    expect(first!.record).toMatch(runName(1));
  });

  it('names a run row that was updated (a failing run turned into a passing one)', async () => {
    editOutside('UPDATE runs SET finding_counts = \'{"pass":40,"fail":0,"error":0,"not_applicable":0}\' WHERE seq = 4');
    const problems = (await verify()).problems;
    expect(problems).toEqual([expect.objectContaining({ kind: 'run', message: 'its fields do not match its hash: the run row was altered' })]);
    expect(problems[0]!.record).toMatch(runName(4));
  });

  it('names the gap when a whole run is deleted from the middle of the chain', async () => {
    editOutside(
      'DELETE FROM findings WHERE run_seq = 3; DELETE FROM manifest WHERE run_seq = 3; DELETE FROM events WHERE run_seq = 3; DELETE FROM event_windows WHERE run_seq = 3; DELETE FROM runs WHERE seq = 3',
    );
    const problems = (await verify()).problems;
    expect(problems[0]).toMatchObject({ kind: 'run', message: 'runs 3..3 are missing from the chain' });
    expect(problems[0]!.record).toMatch(runName(4));
  });

  it('says the triggers are gone when they were not put back', async () => {
    editOutside("DELETE FROM findings WHERE run_seq = 1 AND resource_id = 'user/u1'", false);
    const problems = (await verify()).problems;
    expect(problems[0]!.record).toMatch(runName(1));
    expect(problems).toContainEqual(
      expect.objectContaining({ kind: 'schema', record: 'trigger findings_no_delete', message: expect.stringMatching(/missing/) }),
    );
  });

  it('catches the newest runs cut off only with a head kept from before', async () => {
    const kept = await headHash();
    expect(await verify(kept)).toMatchObject({ ok: true, head: { seq: DAYS, runsAfter: 0 } });
    const tail = `run_seq > ${DAYS - 2}`;
    editOutside(
      `DELETE FROM findings WHERE ${tail}; DELETE FROM manifest WHERE ${tail}; DELETE FROM events WHERE ${tail}; DELETE FROM event_windows WHERE ${tail}; DELETE FROM runs WHERE seq > ${DAYS - 2}`,
    );
    // The known limit: what is left is a valid chain.
    expect((await verify()).ok).toBe(true);
    const report = await verify(`sha256:${kept}`);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        kind: 'run',
        record: `chain head sha256:${kept.slice(0, 16)}…`,
        message: `is not in the store (its chain now ends at run ${DAYS - 2}): runs were cut off the end of the chain, or the chain was rewritten`,
      },
    ]);

    const cli = await cliInProcess(['verify', '--db', path, '--head', kept]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/^FAILED: chain head sha256:[0-9a-f]{16}…: is not in the store/);
    const bad = await cliInProcess(['verify', '--db', path, '--head', kept.slice(0, 16)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^evidence-agent: --head: expected the run hash a verify or a digest printed/);
  });
});
