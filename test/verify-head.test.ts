// `verify --head <seq>:<sha256>`: the store's chain checked against a head kept off the volume (the
// digest's chain head, a bundle's last run). An older copy of the file put back (runs cut off) and a
// chain rebuilt with recomputed hashes both verify on their own; the kept head names both.
import { copyFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../src/cli-error.js';
import { verifyCommand } from '../src/commands/verify.js';
import { openStore } from '../src/store/index.js';
import type { RunRecord } from '../src/store/types.js';
import { parseHead } from '../src/verify/kept-head.js';
import { day, okOutcome, runStart, tempDbPath, userEvidence } from './helpers/store-fixtures.js';

async function addRun(path: string, n: number, groups: string[] = ['Developers']): Promise<RunRecord> {
  const store = openStore(path);
  try {
    const intent = await store.startRun(runStart(day(n)));
    return await store.finishRun(intent, okOutcome(new Date(day(n).getTime() + 60_000), [userEvidence('alice', { groups })]));
  } finally {
    await store.close();
  }
}

async function verify(db: string, head: string): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await verifyCommand(undefined, { db, head }), out };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('verify --head', () => {
  it('passes while the run still has the kept hash, and names runs cut off or rewritten since', async () => {
    const path = tempDbPath();
    await addRun(path, 0);
    await addRun(path, 1);
    const older = tempDbPath();
    copyFileSync(path, older);
    const head = await addRun(path, 2);
    const kept = `${head.seq}:sha256:${head.hash}`;

    expect(await verify(path, kept)).toEqual({
      code: 0,
      out: expect.stringMatching(/chain intact [^\n]*\nthe kept head is run 3, hash unchanged; 0 run\(s\) recorded since/),
    });

    // The older copy put back: its chain is intact, but the kept head's run is gone.
    expect(await verify(older, `${head.seq}:${head.hash}`)).toEqual({
      code: 1,
      out: expect.stringMatching(/FAILED: --head: run 3 of the kept head is not in the store: runs were removed/),
    });

    // A chain rebuilt from the older copy with another run 3 (hashes recomputed): intact, and not the kept head.
    const rewritten = tempDbPath();
    copyFileSync(older, rewritten);
    await addRun(rewritten, 2, ['Admins']);
    expect(await verify(rewritten, kept)).toEqual({
      code: 1,
      out: expect.stringMatching(/FAILED: --head: run 3 has hash sha256:[0-9a-f]{64}, not the kept head .*: the chain was rewritten/),
    });
  });

  it.each(['3', '3:abc', 'x:' + 'a'.repeat(64), `3:${'g'.repeat(64)}`])('refuses a head that is neither <seq>:<sha256> nor sha256:<hash> (%s)', (value) => {
    expect(() => parseHead(value)).toThrow(CliError);
    expect(() => parseHead(value)).toThrow(/--head: expected the run hash a verify or a digest printed/);
  });
});
