// Redaction of real secrets only (issue 15, finding 5): an environment variable the config does not use
// is no secret, however it is named, so an unrelated *_EXTERNAL_ID equal to the account id redacts
// nothing from the evidence; each run stores how many values it redacted, and `runs` shows it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Collector } from '../src/collector.js';
import { runsCommand } from '../src/commands/runs.js';
import { silentLogger } from '../src/logging.js';
import { SecretRegistry } from '../src/redaction.js';
import { runCollectors } from '../src/runner.js';
import { openStore } from '../src/store/index.js';
import { captured } from './helpers/cli-in-process.js';
import { spawnCli } from './helpers/cli-process.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && key !== 'EVIDENCE_AGENT_CONFIG'));

/** Every stored document of the store, as text. */
function documents(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT codec, content FROM blobs').all() as { codec: string; content: Buffer }[]).map((b) =>
      (b.codec === 'deflate' ? inflateSync(b.content) : b.content).toString('utf8'),
    );
  } finally {
    db.close();
  }
}

describe('an environment variable the config does not use is never a secret', () => {
  it('with EVIDENCE_AGENT_EXTERNAL_ID=111122223333 set, nothing is redacted from the demo evidence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-unrelated-env-'));
    const db = join(dir, 'demo.db');
    const result = await spawnCli(['demo', '--days', '1', '--db', db], {
      cwd: dir,
      env: { ...CLEAN_ENV, HOME: dir, LOG_LEVEL: 'warn', EVIDENCE_AGENT_EXTERNAL_ID: '111122223333', DEPLOY_TOKEN: 'example-co' },
    });
    expect(result.code, result.stderr).toBe(0);
    const stored = documents(db);
    // The sandbox account's ARNs are in the evidence, whole.
    expect(stored.filter((text) => text.includes('arn:aws:iam::111122223333:')).length).toBeGreaterThan(50);
    expect(stored.filter((text) => text.includes('[redacted]'))).toEqual([]);
    const store = openStore(db, { readonly: true });
    const runs = await store.listRuns();
    await store.close();
    expect(runs.filter((run) => run.collector !== 'digest' && run.collector !== 'export').map((run) => run.meta.redacted)).toEqual([0, 0, 0, 0]);
  }, 180_000);
});

describe('each run stores how many values it redacted', () => {
  it('in its chained meta, and `runs` shows it', async () => {
    const secrets = new SecretRegistry();
    secrets.register('test-secret-not-real-echoed-token');
    const echoing: Collector<{ timeoutSeconds: number }> = {
      id: 'echoing',
      title: 'A source that echoes the credentials it was sent',
      optionsSchema: z.object({ timeoutSeconds: z.number() }),
      permissions: [],
      checks: [],
      defaultSchedule: '0 3 * * *',
      scopes: () => [{ key: 'acct', settings: {} }],
      collect: async () => ({
        evidence: [
          {
            type: 'echo.reply',
            resourceId: 'r1',
            schemaVersion: 1,
            data: { message: 'denied for token test-secret-not-real-echoed-token', again: 'test-secret-not-real-echoed-token' },
          },
        ],
        errors: [],
      }),
    };
    const path = tempDbPath();
    const store = openStore(path);
    const { runs } = await runCollectors([{ collector: echoing as Collector<unknown>, options: { timeoutSeconds: 60 } }], {
      store,
      logger: silentLogger(),
      agentVersion: '0',
      mappingVersion: 'm',
      configDigest: 'c',
      secrets,
    });
    expect(runs[0]!.meta.redacted).toBe(2);
    expect(await store.evidenceOf(runs[0]!.seq)).toEqual([
      { type: 'echo.reply', resourceId: 'r1', schemaVersion: 1, data: { message: 'denied for token [redacted]', again: '[redacted]' } },
    ]);
    expect((await store.verify()).ok).toBe(true);
    await store.close();
    const printed = await captured(() => runsCommand({ db: path }));
    expect(printed.stdout).toMatch(/\bredacted\b/);
    expect(printed.stdout.split('\n')[2]).toMatch(/\bechoing\s+acct\s+ok\b.*\s2\s*$/);
  });
});
