// What each command reads of the config, and in which order its errors come, as openAgent assembles it:
// `verify` of the store reads only the config's store.path (a config that would not load for collecting
// still names the store to verify), and `export` looks for its store only after its own flags and key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../src/store/index.js';
import { cliInProcess } from './helpers/cli-in-process.js';
import { day, okOutcome, runStart, userEvidence } from './helpers/store-fixtures.js';

afterEach(() => vi.restoreAllMocks());

async function storeWithOneRun(dir: string): Promise<string> {
  const path = join(dir, 'evidence.db');
  const store = openStore(path);
  try {
    const intent = await store.startRun(runStart(day(1)));
    await store.finishRun(intent, okOutcome(new Date(day(1).getTime() + 60_000), [userEvidence('alice')]));
  } finally {
    await store.close();
  }
  return path;
}

describe('the commands as openAgent assembles them', () => {
  it('verify of the store reads of the config only its store.path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'command-assembly-'));
    const path = await storeWithOneRun(dir);
    const config = join(dir, 'agent.yaml');
    writeFileSync(config, `store:\n  path: ${path}\ncollectors:\n  no-such-collector: {}\n`);
    // The rest of that config does not load: the read commands that need it say so.
    const findings = await cliInProcess(['findings', '--config', config]);
    expect(findings.code).toBe(2);
    expect(findings.stderr).toContain('no-such-collector');
    const verified = await cliInProcess(['verify', '--config', config]);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toContain(`ok: ${path}: 1 runs and `);
    expect(verified.code).toBe(0);
  });

  it('export names a missing signing key before it looks at a config it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'command-assembly-'));
    const result = await cliInProcess([
      'export',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-31',
      '--out',
      join(dir, 'b.tar.gz'),
      '--config',
      join(dir, 'missing.yaml'),
    ]);
    expect(result.stderr).toBe(
      'evidence-agent: --signing-key: required (or signing.privateKeyPath in the config); make one with `evidence-agent keygen --out <file>`\n',
    );
    expect(result.code).toBe(2);
  });
});
