// Hostile text on the terminal: a pull-request title, a user name or a CloudTrail field carrying
// `ESC[2K ESC[1A ESC[32m all controls passing` would erase the "fail" line above it on screen. Every
// human output of the command line (findings, digest, controls, runs, coverage, population, warnings and
// error lines) shows such characters as escapes; documents (CSV, JSON) go out exactly as made into a
// file or a pipe, and are made safe only when stdout is a terminal. CSV cells are defused everywhere.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { neutralizeFormula } from '../src/reports/csv.js';
import { renderTable } from '../src/reports/table.js';
import { openStore } from '../src/store/index.js';
import { documentForStdout, terminalLine, terminalText } from '../src/terminal-text.js';
import { cliInProcess } from './helpers/cli-in-process.js';
import { runStart, tempDbPath } from './helpers/store-fixtures.js';

const ERASE = '\u001b[2K\u001b[1A\u001b[32m all controls passing\u001b[0m';
/** Terminal tricks: CSI sequences, a carriage return, a C1 CSI, a bidi override, a forged line. */
const HOSTILE = `${ERASE}\r\u009b2J\u202eliated\u202c\nPASS everything`;
// eslint-disable-next-line no-control-regex -- the characters a terminal acts on
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const SHOWN = '\\u001b[2K\\u001b[1A\\u001b[32m all controls passing';

const ACCOUNT = '111122223333';
const at = (day: string) => new Date(`${day}T03:00:00.000Z`);
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

/** A store where a user name, a finding's message, a run's error and CloudTrail fields carry HOSTILE. */
async function hostileStore(): Promise<string> {
  const path = tempDbPath();
  const store = openStore(path);
  try {
    const finding = (status: 'pass' | 'fail', message: string) => ({
      checkId: 'aws_iam_user_console_mfa_enabled',
      resourceType: 'aws.iam.user',
      resourceId: userArn(`mallory${HOSTILE}`),
      status,
      severity: 'high' as const,
      message,
    });
    const evidence = [{ type: 'aws.iam.user', resourceId: userArn(`mallory${HOSTILE}`), schemaVersion: 1, data: { userName: `mallory${HOSTILE}` } }];
    const iam = async (day: string, outcome: object) =>
      store.finishRun(await store.startRun(runStart(at(day))), {
        finishedAt: at(day),
        status: 'ok',
        error: null,
        apiCalls: 1,
        evidence,
        findings: [],
        meta: {},
        ...outcome,
      });
    await iam('2026-11-20', { findings: [finding('pass', 'has MFA')] });
    await iam('2026-11-24', { findings: [finding('fail', `IAM user lacks MFA: ${HOSTILE}`)] });
    await iam('2026-11-25', { status: 'failed', error: `IAM answered: ${HOSTILE}`, evidence: [], findings: [] });

    // CloudTrail: an IAM write from a hostile source address, then a window that could not be read.
    const trail = async (finishedAt: string, outcome: object) =>
      store.finishRun(await store.startRun(runStart(new Date(finishedAt), { collector: 'aws-cloudtrail' })), {
        finishedAt: new Date(finishedAt),
        status: 'ok',
        error: null,
        apiCalls: 1,
        evidence: [],
        findings: [],
        meta: {},
        ...outcome,
      });
    await trail('2026-11-23T12:00:00.000Z', {
      events: [
        {
          type: 'aws.cloudtrail.event',
          eventId: 'e-1',
          occurredAt: '2026-11-23T10:00:00.000Z',
          partition: 'us-east-1',
          schemaVersion: 1,
          data: {
            eventName: 'CreateUser',
            eventSource: 'iam.amazonaws.com',
            username: 'admin',
            readOnly: false,
            resources: [],
            record: {
              eventName: 'CreateUser',
              eventSource: 'iam.amazonaws.com',
              sourceIPAddress: `=HYPERLINK("https://evil.example","verify")${HOSTILE}`,
              userIdentity: { type: 'IAMUser', arn: `@SUM(1+1)${HOSTILE}` },
              requestParameters: { userName: `+mallory${HOSTILE}` },
            },
          },
        },
      ],
      windows: [{ partition: 'us-east-1', from: '2026-11-23T00:00:00.000Z', to: '2026-11-23T12:00:00.000Z', complete: true }],
    });
    await trail('2026-11-24T03:00:00.000Z', {
      status: 'partial',
      error: `us-east-1: ${HOSTILE}`,
      windows: [
        { partition: 'us-east-1', from: '2026-11-23T12:00:00.000Z', to: '2026-11-24T03:00:00.000Z', complete: false, error: `LookupEvents: ${HOSTILE}` },
      ],
    });
  } finally {
    await store.close();
  }
  return path;
}

let db: string;
beforeAll(async () => {
  db = await hostileStore();
});

/** Both streams of a command, which must show the hostile text without one character a terminal acts on. */
async function human(args: string[]): Promise<string> {
  const result = await cliInProcess([...args, '--db', db]);
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output, output).not.toMatch(UNSAFE);
  return output;
}

describe('hostile text on the terminal', () => {
  it('findings: the table and the stale-run warning', async () => {
    const output = await human(['findings', '--at', '2026-11-26']);
    expect(output).toContain(`IAM user lacks MFA: ${SHOWN}`);
    expect(output).toContain('IAM answered: \\u001b[2K');
    // The forged line stays inside its cell: the only lines are the table's and the summary's.
    expect(output).not.toMatch(/^PASS everything/m);
  });

  it('runs: the error column', async () => {
    expect(await human(['runs'])).toContain('IAM answered: \\u001b[2K');
  });

  it('controls: the warning about the failed run', async () => {
    expect(await human(['controls', '--framework', 'soc2'])).toContain('IAM answered: \\u001b[2K');
  });

  it('coverage: failing details and gaps', async () => {
    const output = await human(['coverage', '--from', '2026-11-20', '--to', '2026-11-26', '--framework', 'soc2']);
    expect(output).toContain(SHOWN);
  });

  it('digest: the Markdown printed', async () => {
    const output = await human(['digest', '--week', '2026-W48', '--dry-run']);
    expect(output).toContain('IAM user lacks MFA: \\u001b\\[2K');
  });

  it('population: its gap warnings', async () => {
    // The CSV on stdout is a document (see below); the warnings are for people.
    const result = await cliInProcess(['population', 'aws-access-changes', '--from', '2026-11-23', '--to', '2026-11-23', '--db', db]);
    expect(result.stderr).not.toMatch(UNSAFE);
    expect(result.stderr).toContain('LookupEvents: \\u001b[2K');
  });

  it('error lines', async () => {
    const result = await cliInProcess(['findings', '--control', `CC6.1${ERASE}`, '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(UNSAFE);
    expect(result.stderr).toBe(`evidence-agent: --control: "CC6.1${SHOWN}\\u001b[0m" is not a control of soc1 or soc2 (see \`evidence-agent controls\`)\n`);
    const config = join(mkdtempSync(join(tmpdir(), 'evidence-agent-hostile-')), 'c.yaml');
    writeFileSync(config, `timezone: "Mars/${ERASE}"\n`);
    const bad = await cliInProcess(['collect', '--config', config, '--db', join(tmpdir(), 'never.db')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(UNSAFE);
    expect(bad.stderr).toContain('Mars/\\u001b[2K');
  });
});

describe('documents: exact in a file, safe on a terminal, CSV defused', () => {
  const tty = process.stdout.isTTY;
  afterEach(() => {
    process.stdout.isTTY = tty;
  });

  it('population CSV: formulas defused; control characters kept in a pipe, shown on a terminal', async () => {
    process.stdout.isTTY = false as never;
    const piped = await cliInProcess(['population', 'aws-access-changes', '--from', '2026-11-23', '--to', '2026-11-23', '--db', db]);
    expect(piped.stdout).toContain(`'=HYPERLINK(""https://evil.example"",""verify"")${ERASE}`);
    expect(piped.stdout).toContain(`'@SUM(1+1)`);
    expect(piped.stdout).toContain(`'+mallory`);
    process.stdout.isTTY = true;
    const shown = await cliInProcess(['population', 'aws-access-changes', '--from', '2026-11-23', '--to', '2026-11-23', '--db', db]);
    // CSV's own CRLF line ends stay; every other control character is shown.
    expect(shown.stdout.replace(/\r\n/g, '\n')).not.toMatch(UNSAFE);
    expect(shown.stdout).toContain(`'=HYPERLINK(""https://evil.example"",""verify"")${SHOWN}`);
  });

  it('a cell is defused when it starts like a formula (OWASP ASVS 1.2.10: = + - @ tab NUL, and CR)', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r', '\0']) expect(neutralizeFormula(`${start}cmd|' /C calc'!A0`)).toBe(`'${start}cmd|' /C calc'!A0`);
    expect(neutralizeFormula('arn:aws:iam::1:user/a=b')).toBe('arn:aws:iam::1:user/a=b');
  });

  it('JSON on a terminal stays the same JSON', async () => {
    process.stdout.isTTY = true;
    const shown = await cliInProcess(['findings', '--json', '--at', '2026-11-26', '--db', db]);
    expect(shown.stdout).not.toMatch(/[\u009b\u202e]/);
    const piped = JSON.parse(shown.stdout) as { message: string }[];
    expect(piped.map((f) => f.message)).toContain(`IAM user lacks MFA: ${HOSTILE}`);
  });

  it('one CSV writer: no other module writes CSV itself', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const writers = [...sources('src'), ...sources('collectors')].filter((file) => /from 'csv-stringify/.test(readFileSync(file, 'utf8')));
    expect(writers).toEqual([join('src', 'reports', 'csv.ts')]);
  });

  it('every CSV of an export bundle is defused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-hostile-export-'));
    const out = join(dir, 'bundle');
    expect((await cliInProcess(['keygen', '--out', join(dir, 'key.pem')])).code).toBe(0);
    const result = await cliInProcess([
      'export',
      '--from',
      '2026-11-20',
      '--to',
      '2026-11-26',
      '--out',
      out,
      '--signing-key',
      join(dir, 'key.pem'),
      '--db',
      db,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const csvs: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.csv')) csvs.push(join(dir, entry.name));
      }
    };
    walk(out);
    expect(csvs.length).toBeGreaterThan(3);
    const { parse } = await import('csv-parse/sync');
    let hostileCells = 0;
    for (const file of csvs) {
      for (const row of parse(readFileSync(file, 'utf8'), { relax_column_count: true }) as string[][]) {
        for (const cell of row) {
          expect(cell, `${file}: ${cell}`).not.toMatch(/^[=+\-@\t\r\0]/);
          if (cell.includes('HYPERLINK') || cell.includes('SUM(1+1)')) hostileCells++;
        }
      }
    }
    expect(hostileCells).toBeGreaterThan(0);
  });
});

describe('the shared functions', () => {
  it('show every control character but newline and tab in text; those too in one line', () => {
    expect(terminalText(`a\u001b[31mb\nc\td\re\u0085f\u202eg\u2066h\u007f`)).toBe('a\\u001b[31mb\nc\td\\re\\u0085f\\u202eg\\u2066h\\u007f');
    expect(terminalLine('a\nb\tc')).toBe('a\\nb\\tc');
    expect(terminalText('plain text, ünïcödé, emoji 🙂, CJK 漢字')).toBe('plain text, ünïcödé, emoji 🙂, CJK 漢字');
    expect(documentForStdout('\u001b', { isTTY: false })).toBe('\u001b');
    expect(documentForStdout('\u001b', { isTTY: true })).toBe('\\u001b');
  });

  it('keep table columns aligned on the escaped text', () => {
    const table = renderTable(
      ['a', 'b'],
      [
        [`x${'\u001b'}y`, 'z'],
        ['w', 'v'],
      ],
    );
    expect(table.split('\n')).toEqual(['a         b', '--------  -', 'x\\u001by  z', 'w         v']);
  });
});
