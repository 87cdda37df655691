// Bad input through the real command line (in-process): every invalid config, exceptions file and
// out-of-range flag gets one line naming the field or flag, and exit 2, before anything is written.
// Export refuses targets that exist, are directories or cannot be written, and never leaves half a
// bundle behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinCollectors } from '../../collectors/index.js';
import { loadFrameworks } from '../../src/agent.js';
import { exportBundle } from '../../src/bundle/export.js';
import { generateSigningKey, loadPrivateKey } from '../../src/bundle/signing.js';
import { openStore } from '../../src/store/index.js';
import type { EvidenceStore } from '../../src/store/index.js';
import { INVALID_CONFIGS } from '../fixtures/invalid-configs.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { collectSyntheticDay } from '../helpers/synthetic-estate.js';

const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-bad-input-'));
let counter = 0;
function file(content: string, name = `f${counter++}.yaml`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A billion-laughs document: nine levels of nine aliases each, a few hundred bytes of YAML. */
function aliasBomb(prefix = ''): string {
  const lines = [`${prefix}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < 9; i++) {
    const [prev, cur] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
    lines.push(`${prefix}${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** The command must fail as bad usage (2) with exactly this one line on stderr and write no store. */
async function expectUsageError(args: string[], line: string | RegExp): Promise<void> {
  const db = join(dir, `never-${counter++}.db`);
  const result = await cliInProcess([...args, '--db', db]);
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
  expect(existsSync(db)).toBe(false);
}

describe('bad input: invalid configs on the command line', () => {
  it.each(INVALID_CONFIGS)('%s: one line naming the field, exit 2', async (_, yaml, line) => {
    const path = file(yaml);
    await expectUsageError(['collect', '--config', path], `evidence-agent: config: ${line.replace('{file}', path)}`);
  });

  it('refuses a YAML alias bomb without expanding it', async () => {
    const path = file(aliasBomb('x-'));
    await expectUsageError(
      ['collect', '--config', path],
      `evidence-agent: config: ${path}: YAML aliases expand to more than 50 copies (an alias bomb?); write the values out instead of nesting aliases`,
    );
  });

  it('refuses a config over 1 MiB before reading it', async () => {
    const path = file(`# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expectUsageError(
      ['collect', '--config', path],
      `evidence-agent: config: ${path}: the config file is ${2 * 1024 * 1024 + 3} bytes, larger than 1 MiB; is it the right file?`,
    );
    // The read commands only look up store.path in it, and refuse it the same way.
    const runs = await cliInProcess(['runs', '--config', path]);
    expect(runs.code).toBe(2);
    expect(runs.stderr).toBe(`evidence-agent: config: ${path}: the config file is ${2 * 1024 * 1024 + 3} bytes, larger than 1 MiB; is it the right file?\n`);
  });
});

describe('bad input: the exceptions file', () => {
  const valid = {
    id: 'RISK-1',
    check: 'aws_iam_root_mfa_enabled',
    resource: '*',
    reason: 'Accepted for the migration quarter.',
    approver: 'ciso@example.com',
    approved: '2026-01-15',
    expires: '2026-07-15',
  };
  const exceptionsYaml = (fields: Record<string, string>) =>
    `exceptions:\n  - ${Object.entries({ ...valid, ...fields })
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n    ')}\n`;

  it.each<[string, string, string]>([
    [
      'a day that does not exist',
      exceptionsYaml({ expires: '2026-02-30' }),
      'exceptions.0.expires: expected the expiry date as a day of the calendar, got "2026-02-30"',
    ],
    [
      'a month that does not exist',
      exceptionsYaml({ approved: '2026-13-01' }),
      'exceptions.0.approved: expected the approval date as a day of the calendar, got "2026-13-01"',
    ],
    ['a date in another format', exceptionsYaml({ approved: '15/01/2026' }), 'exceptions.0.approved: expected the approval date as YYYY-MM-DD'],
    ['an expiry before the approval', exceptionsYaml({ expires: '2026-01-01' }), 'exceptions.0.expires: expected a day on or after the approval (2026-01-15)'],
    ['an unknown field', exceptionsYaml({ expiry: '2026-07-01' }), 'exceptions.0: Unrecognized key: "expiry"'],
  ])('%s: one line naming the field, exit 2', async (_, yaml, line) => {
    const exceptions = file(yaml);
    const config = file(`exceptions: ${exceptions}\ncollectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n`);
    await expectUsageError(['collect', '--config', config], `evidence-agent: config: ${exceptions}: ${line}`);
  });

  it('prints the first ten of 6,500 invalid entries and a count, not 6,500 lines', async () => {
    const entries = Array.from(
      { length: 6500 },
      (_, i) =>
        `  - { id: R-${i}, check: aws_iam_root_mfa_enabled, resource: "*", reason: Accepted for the quarter., approver: ciso, approved: 2026-01-15, expires: 2026-02-30 }`,
    );
    const exceptions = file(`exceptions:\n${entries.join('\n')}\n`);
    const config = file(`exceptions: ${exceptions}\ncollectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n`);
    const db = join(dir, `never-${counter++}.db`);
    const result = await cliInProcess(['collect', '--config', config, '--db', db]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toEqual([
      ...Array.from(
        { length: 10 },
        (_, i) => `evidence-agent: config: ${exceptions}: exceptions.${i}.expires: expected the expiry date as a day of the calendar, got "2026-02-30"`,
      ),
      'evidence-agent: config: … and 6,490 more problem(s): 6,500 in all, the first 10 above',
    ]);
    expect(existsSync(db)).toBe(false);
  });

  it('refuses an alias bomb and a file over 1 MiB', async () => {
    for (const [content, line] of [
      [aliasBomb(), 'YAML aliases expand to more than 50 copies'],
      [`# ${'x'.repeat(1024 * 1024)}\n`, 'larger than 1 MiB'],
    ] as const) {
      const exceptions = file(content);
      const config = file(`exceptions: ${exceptions}\ncollectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n`);
      await expectUsageError(['collect', '--config', config], new RegExp(`^evidence-agent: config: ${exceptions}: .*${line}`));
    }
  });
});

describe('bad input: flags out of range', () => {
  it.each<[string[], string]>([
    [['coverage', '--from', '2026-03-01', '--to', '2026-02-01'], '--to: expected a day on or after --from (2026-03-01), got "2026-02-01"'],
    [
      ['coverage', '--from', '2016-01-01', '--to', '2025-12-31'],
      '--from: the period 2016-01-01 to 2025-12-31 is 3653 days, longer than 1096 (3 years); split it into shorter periods',
    ],
    [['coverage', '--from', '2026-02-30', '--to', '2026-03-01'], '--from: expected a day (YYYY-MM-DD), got "2026-02-30"'],
    [['coverage', '--from', '2026-01-01'], '--to: required (a day, YYYY-MM-DD)'],
    [
      ['export', '--from', '2026-01-01', '--to', '2035-12-31', '--out', 'x.tar.gz'],
      '--from: the period 2026-01-01 to 2035-12-31 is 3652 days, longer than 1096 (3 years); split it into shorter periods',
    ],
    [['export', '--from', '2026-01-01', '--to', '2026-1-31', '--out', 'x.tar.gz'], '--to: expected a day (YYYY-MM-DD), got "2026-1-31"'],
    [['digest', '--from', '2026-05-01', '--to', '2026-04-01'], '--to: expected a day on or after --from (2026-05-01), got "2026-04-01"'],
    [['digest', '--week', '2026-W54'], '--week: expected an ISO week such as'],
    [
      ['population', 'aws-access-changes', '--from', '2016-01-01', '--to', '2026-01-01'],
      '--from: the period from 2016-01-01 to 2026-01-01 is longer than 1096 days (3 years); split it into shorter periods',
    ],
    [['population', 'aws-access-changes', '--from', '2026-04-31'], '--from: expected a date (YYYY-MM-DD) or an ISO 8601 timestamp, got "2026-04-31"'],
    [['findings', '--at', '2026-02-29'], '--at: expected a date (YYYY-MM-DD) or an ISO 8601 timestamp, got "2026-02-29"'],
    [['runs', '--limit', '0'], '--limit: expected a whole number from 1 to 1000000, got "0"'],
    [['demo', '--days', '367'], '--days: expected a whole number from 1 to 366, got "367"'],
    // Dates outside 1970..2999: "Invalid time value" (exit 1), or week 0050-W01 read as 1950.
    [['coverage', '--from', '9999-12-30', '--to', '9999-12-31'], '--from: expected a date from 1970-01-01 to 2999-12-31, got "9999-12-30"'],
    [['coverage', '--from', '0001-01-01', '--to', '0001-01-02'], '--from: expected a date from 1970-01-01 to 2999-12-31, got "0001-01-01"'],
    [['digest', '--week', '9999-W52'], '--week: expected an ISO week of a year from 1970 to 2999, got "9999-W52"'],
    [['digest', '--week', '0050-W01'], '--week: expected an ISO week of a year from 1970 to 2999, got "0050-W01"'],
    [['digest', '--from', '9999-12-30', '--to', '9999-12-31'], '--from: expected a date from 1970-01-01 to 2999-12-31, got "9999-12-30"'],
    [['export', '--from', '2999-12-31', '--to', '3000-01-01', '--out', 'x.tar.gz'], '--to: expected a date from 1970-01-01 to 2999-12-31, got "3000-01-01"'],
    [['findings', '--at', '9999-12-31'], '--at: expected a date from 1970-01-01 to 2999-12-31, got "9999-12-31"'],
    [['findings', '--at', '+275760-09-13T00:00:00Z'], '--at: expected a date from 1970-01-01 to 2999-12-31, got "+275760-09-13T00:00:00Z"'],
    [['population', 'aws-access-changes', '--from', '9999-12-30'], '--from: expected a date from 1970-01-01 to 2999-12-31, got "9999-12-30"'],
    [
      ['population', 'aws-access-changes', '--from', '1969-12-31T23:59:59Z', '--to', '1970-01-02'],
      '--from: expected a date from 1970-01-01 to 2999-12-31, got "1969-12-31T23:59:59Z"',
    ],
    [['demo', '--now', '3000-01-01T00:00:00Z'], '--now: expected a date from 1970-01-01 to 2999-12-31, got "3000-01-01T00:00:00Z"'],
    [
      ['verify', '--head', 'abc'],
      '--head: expected the run hash a verify or a digest printed (sha256:<64 hex digits>, or <run seq>:sha256:<64 hex digits>), got "abc"',
    ],
  ])('%j: one line, exit 2', async (args, line) => {
    await expectUsageError(args, new RegExp(`^evidence-agent: ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});

describe('bad input: export targets', () => {
  let db: string;
  let key: string;
  beforeAll(async () => {
    db = join(dir, 'store.db');
    const store = openStore(db);
    for (let day = 0; day < 3; day++) await collectSyntheticDay(store, day, 20);
    await store.close();
    key = file(generateSigningKey().privateKey, 'signing.pem');
  });
  const exportTo = (out: string) => cliInProcess(['export', '--db', db, '--from', '2026-01-01', '--to', '2026-01-03', '--signing-key', key, '--out', out]);

  it('writes a new archive whole, and refuses to overwrite it', async () => {
    const target = mkdtempSync(join(dir, 'out-'));
    const out = join(target, 'bundle.tar.gz');
    expect((await exportTo(out)).code).toBe(0);
    const bytes = readFileSync(out);
    const again = await exportTo(out);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`evidence-agent: ${out} already exists: choose a new path (a bundle is never overwritten)\n`);
    expect(readFileSync(out)).toEqual(bytes);
    expect(readdirSync(target)).toEqual(['bundle.tar.gz']);
    // Checked against the key the store recorded with the export.
    expect((await cliInProcess(['verify', out, '--db', db])).code).toBe(0);
  });

  it.each<[string, (target: string) => string, RegExp]>([
    [
      'a directory that is not empty',
      (t) => (writeFileSync(join(t, 'keep.txt'), 'mine'), t),
      /already exists and is not empty: choose a new path or an empty directory/,
    ],
    [
      'a file where a directory bundle would go',
      (t) => (writeFileSync(join(t, 'bundle'), 'mine'), join(t, 'bundle')),
      /already exists and is not a directory: choose a new path/,
    ],
    [
      'a directory under a file',
      (t) => (writeFileSync(join(t, 'file'), 'mine'), join(t, 'file', 'bundle.tar.gz')),
      /^--out: cannot write in .*\/file \((ENOTDIR|EEXIST)\): choose a directory you can write to$/,
    ],
    ['a read-only file system', () => '/proc/evidence-agent-bundle.tar.gz', /^--out: cannot write in \/proc \(\w+\): choose a directory you can write to$/],
  ])('refuses %s with exit 2, leaving what was there', async (_, prepare, message) => {
    const target = mkdtempSync(join(dir, 'out-'));
    const out = prepare(target);
    const before = readdirSync(target);
    const result = await exportTo(out);
    expect(result.code).toBe(2);
    expect(result.stderr.replace(/^evidence-agent: /, '').trim()).toMatch(message);
    expect(readdirSync(target)).toEqual(before);
  });

  it('exports into a new empty directory', async () => {
    const out = join(mkdtempSync(join(dir, 'out-')), 'bundle');
    mkdirSync(out);
    expect((await exportTo(out)).code).toBe(0);
    expect(readdirSync(out)).toContain('manifest.json');
    // Not the private mode of the staging directory it was written in.
    expect(statSync(out).mode & 0o777).toBe(0o755);
  });

  it('leaves nothing behind, not even hidden, when the export fails midway', async () => {
    const store = openStore(db, { readonly: true });
    let reads = 0;
    // The store fails while the evidence is written out (a disk error, a corrupt page).
    const failing = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'storedDocument') {
          return async (hash: string) => {
            if (++reads > 1) throw new Error('disk I/O error');
            return target.storedDocument(hash);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as EvidenceStore;
    const { frameworks } = loadFrameworks();
    for (const name of ['bundle.tar.gz', 'bundle']) {
      const target = mkdtempSync(join(dir, 'out-'));
      reads = 0;
      await expect(
        exportBundle(failing, {
          from: '2026-01-01',
          to: '2026-01-03',
          timeZone: 'UTC',
          frameworks,
          collectors: builtinCollectors,
          cadenceDays: () => 1,
          signingKey: loadPrivateKey(readFileSync(key, 'utf8'), key),
          agentVersion: 'test',
          out: join(target, name),
        }),
      ).rejects.toThrow('disk I/O error');
      expect(readdirSync(target)).toEqual([]);
    }
    await store.close();
  });
});
