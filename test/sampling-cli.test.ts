// `evidence-agent sample`, its test sheet and evidence pack, and `export --sample`, through the CLI over a
// demo store (its clock fixed: any machine, any day): the same seed draws byte-identical samples, another
// seed another one, every sample a subset of the population without duplicates and of the stated size; a
// pack verifies offline and a changed one fails.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/canonical.js';
import type { PackManifest } from '../src/sampling/pack.js';
import { resign } from './helpers/bundle-fixtures.js';
import { cliInProcess } from './helpers/cli-in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-sampling-cli-'));
const db = join(dir, 'demo.db');
const period = ['--from', '2026-01-01', '--to', '2026-01-07'];
const sample = (seed: string, ...more: string[]) => cliInProcess(['sample', 'github-changes', ...period, '--seed', seed, '--size', '5', '--db', db, ...more]);
const rows = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];
/** The reader pads every row to the widest one with nulls. */
const trim = (row: readonly unknown[]) => {
  const r = [...row];
  while (r.length > 0 && r[r.length - 1] === null) r.pop();
  return r;
};

describe('evidence-agent sample', () => {
  beforeAll(async () => {
    const demo = await cliInProcess(['demo', '--days', '2', '--now', '2026-01-07T12:00:00Z', '--db', db]);
    expect(demo.code).toBe(0);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws the same CSV and test sheet for the same seed, another sample for another seed, a subset of the population without duplicates', async () => {
    const a = await sample('audit-2026', '--xlsx', join(dir, 'a.xlsx'));
    const b = await sample('audit-2026', '--xlsx', join(dir, 'b.xlsx'));
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const [sheetA, sheetB] = [await readXlsxFile(readFileSync(join(dir, 'a.xlsx'))), await readXlsxFile(readFileSync(join(dir, 'b.xlsx')))];
    expect(sheetB).toEqual(sheetA);

    const population = await cliInProcess(['population', 'github-changes', ...period, '--db', db]);
    const members = rows(population.stdout);
    const drawn = rows(a.stdout);
    expect(members.length).toBeGreaterThan(5);
    expect(drawn).toHaveLength(5);
    expect(a.stderr).toContain(`github-changes: 5 of ${members.length} rows`);
    expect(a.stderr).toContain('size: size 5 requested');
    expect(new Set(drawn.map((r) => r['row_sha256'])).size).toBe(5);
    for (const row of drawn) {
      const { rank: _rank, row: position, row_sha256: key, ...values } = row;
      expect(members[Number(position) - 1]).toEqual(values);
      expect(values['sourceSha256']).toBe(key);
    }

    const other = rows((await sample('another-seed')).stdout);
    expect(other.map((r) => r['row_sha256'])).not.toEqual(drawn.map((r) => r['row_sha256']));
  });

  it('draws the rows the shell recipe of docs/auditors.md draws (sha256sum and sort)', async () => {
    const population = await cliInProcess(['population', 'github-changes', ...period, '--db', db]);
    writeFileSync(join(dir, 'github-changes.csv'), population.stdout);
    const docs = readFileSync(new URL('../docs/auditors.md', import.meta.url), 'utf8');
    const recipe = /```sh\n(SEED=[^\n]*\n[\s\S]*?)```/.exec(docs)![1]!;
    const script = recipe.replace(/^SEED=.*$/m, 'SEED="FY26 audit, 2026-07-02"; N=7').replace('github-changes.csv', join(dir, 'github-changes.csv'));
    const byShell = execFileSync('bash', ['-c', script], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.split(' ').slice(1).join(' '))
      .sort();
    const drawn = rows((await cliInProcess(['sample', 'github-changes', ...period, '--seed', 'FY26 audit, 2026-07-02', '--size', '7', '--db', db])).stdout);
    expect(byShell).toEqual(drawn.map((r) => `${r['row']} ${r['row_sha256']}`).sort());
  });

  it('states the size by frequency when none is given', async () => {
    const daily = await cliInProcess(['sample', 'github-changes', ...period, '--seed', 's', '--frequency', 'weekly', '--db', db]);
    expect(rows(daily.stdout)).toHaveLength(5);
    expect(daily.stderr).toContain('size: a weekly control: 5 items');
  });

  it('writes a test sheet its reader reads back: the sampled rows under their headers, and the coverage of every control', async () => {
    const csv = await sample('sheet', '--xlsx', join(dir, 'sheet.xlsx'));
    const sheets = await readXlsxFile(readFileSync(join(dir, 'sheet.xlsx')));
    expect(sheets.map((s) => s.sheet)).toEqual(['Sample', 'Coverage']);
    const data = sheets[0]!.data.map(trim);
    expect(data.find((r) => r[0] === 'Seed')?.[1]).toBe('sheet');
    const headerAt = data.findIndex((r) => r[0] === 'Rank');
    const drawn = rows(csv.stdout);
    const columns = Object.keys(drawn[0]!).slice(3);
    expect(data[headerAt]!.slice(0, 3 + columns.length)).toEqual(['Rank', 'Row', 'Row key (SHA-256)', ...columns]);
    expect(data.slice(headerAt + 1).map((r) => r.slice(0, 3 + columns.length))).toEqual(
      drawn.map((r) => [r['rank'], r['row'], r['row_sha256'], ...columns.map((c) => r[c] || null)]),
    );

    // The coverage matrix holds each control's state on each day, as `coverage --csv` gives them.
    const coverage = rows((await cliInProcess(['coverage', ...period, '--csv', '--db', db])).stdout).filter((r) => r['state'] !== 'manual');
    const matrix = sheets[1]!.data;
    const head = matrix[0] as string[];
    for (const row of coverage) {
      const line = matrix.find((m) => m[0] === row['framework'] && m[1] === row['control'])!;
      expect(line[head.indexOf(row['day']!)]).toBe(row['gap'] === 'true' ? `${row['state']}+gap` : row['state']);
    }
  });

  it('writes an evidence pack that verifies offline, tied to the store; a changed pack fails', async () => {
    const out = join(dir, 'pack');
    const drawn = await sample('pack', '--pack', out);
    expect(drawn.code).toBe(0);
    const head = /--head (\d+:sha256:[0-9a-f]{64})/.exec(drawn.stderr)![1]!;
    const ok = await cliInProcess(['verify', out, '--db', db]);
    expect(ok.stdout).toMatch(/^ok: .*: 5 sampled items, 5 source records and \d+ findings proven in the chain of \d+ runs/);
    expect(ok.code).toBe(0);
    expect((await cliInProcess(['verify', out, '--head', head])).code).toBe(0);
    const wrongHead = await cliInProcess(['verify', out, '--head', `1:sha256:${'0'.repeat(64)}`]);
    expect(wrongHead.code).toBe(1);
    expect(wrongHead.stdout).toMatch(/^FAILED: --head: the pack's chain ends at run \d+/);

    const manifest = JSON.parse(readFileSync(join(out, 'pack.json'), 'utf8')) as PackManifest;
    const record = join(out, manifest.items[0]!.record!);
    writeFileSync(record, readFileSync(record, 'utf8').replace('"APPROVED"', '"COMMENTED"'));
    const changed = await cliInProcess(['verify', out, '--db', db]);
    expect(changed.code).toBe(1);
    // The file's listed SHA-256 first; then that the record is no longer the sampled row's.
    expect(changed.stdout).toBe(
      `FAILED: ${manifest.items[0]!.record}: its SHA-256 differs from the one pack.json lists: the file was changed\n(1 more problem(s); --json lists them all)\n`,
    );
    const json = JSON.parse((await cliInProcess(['verify', out, '--json'])).stdout) as { ok: boolean; problems: string[] };
    expect(json.ok).toBe(false);
    expect(json.problems[1]).toMatch(/its SHA-256 is [0-9a-f]{64}, not the sampled row's key [0-9a-f]{64}: the record was changed$/);
  });

  it('exports the samples inside the signed bundle, the same rows as `sample`, checked by verify', async () => {
    expect((await cliInProcess(['keygen', '--out', join(dir, 'key')])).code).toBe(0);
    const bundle = join(dir, 'bundle');
    const exported = await cliInProcess([
      'export',
      ...period,
      '--out',
      bundle,
      '--signing-key',
      join(dir, 'key'),
      '--sample',
      'github-changes=5,failing-github_pull_request_independently_approved=1,principals-added-removed=2',
      '--seed',
      'audit-2026',
      '--db',
      db,
    ]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(readFileSync(join(bundle, 'samples', 'github-changes', 'sample.csv'), 'utf8')).toBe((await sample('audit-2026')).stdout);
    expect(readFileSync(join(bundle, 'samples', 'seed.txt'), 'utf8')).toBe('audit-2026\n');
    const listed = (JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { files: { path: string }[] }).files.map((f) => f.path);
    expect(listed).toEqual(
      expect.arrayContaining([
        'samples/README.md',
        'samples/github-changes/pack.json',
        'samples/github-changes/test-sheet.xlsx',
        'samples/failing-github_pull_request_independently_approved/items/001/record.json',
      ]),
    );
    const verified = await cliInProcess(['verify', bundle, '--db', db]);
    expect(verified.stdout).toMatch(/^ok: /);
    expect(verified.code).toBe(0);
    // Every sample is drawn again from the bundle: a population it carries for no other reason
    // (failing-<check>) is written beside the others.
    expect(verified.stdout).not.toContain('cannot be drawn again');
    const failing = 'failing-github_pull_request_independently_approved';
    const failingPack = JSON.parse(readFileSync(join(bundle, 'samples', failing, 'pack.json'), 'utf8')) as PackManifest;
    expect(sha256Hex(readFileSync(join(bundle, 'populations', `${failing}.csv`)))).toBe(failingPack.populationSha256);
    // The pack of a bundle verifies alone too.
    expect((await cliInProcess(['verify', join(bundle, 'samples', 'github-changes')])).code).toBe(0);

    // The signer itself changing a sampled record (its listed SHA-256 in pack.json too) and signing again:
    // the bundle's verify checks the pack, not only the file hashes.
    const forged = join(dir, 'forged');
    cpSync(bundle, forged, { recursive: true });
    const packDir = join(forged, 'samples', 'github-changes');
    const packed = JSON.parse(readFileSync(join(packDir, 'pack.json'), 'utf8')) as PackManifest;
    const record = packed.items[0]!.record!;
    const text = readFileSync(join(packDir, record), 'utf8').replace('"APPROVED"', '"COMMENTED"');
    writeFileSync(join(packDir, record), text);
    Object.assign(
      packed.files.find((f) => f.path === record)!,
      { sha256: sha256Hex(Buffer.from(text)), size: Buffer.byteLength(text) },
    );
    writeFileSync(join(packDir, 'pack.json'), JSON.stringify(packed, null, 2));
    resign(forged, readFileSync(join(dir, 'key'), 'utf8'));
    const resigned = await cliInProcess(['verify', forged, '--db', db]);
    expect(resigned.code).toBe(1);
    expect(resigned.stdout).toMatch(new RegExp(`^FAILED: samples/github-changes/${record}: its SHA-256 is [0-9a-f]{64}, not the sampled row's key`));

    // The signer swapping in a pack drawn with another seed (each item real and proven by the chain, but
    // picked, not the sample seed.txt draws): the bundle's verify draws the sample again from its population.
    const other = join(dir, 'other-seed');
    expect(
      (
        await cliInProcess([
          'export',
          ...period,
          '--out',
          other,
          '--signing-key',
          join(dir, 'key'),
          '--sample',
          'github-changes=5',
          '--seed',
          'picked',
          '--db',
          db,
        ])
      ).code,
    ).toBe(0);
    const picked = join(dir, 'picked');
    cpSync(bundle, picked, { recursive: true });
    rmSync(join(picked, 'samples', 'github-changes'), { recursive: true });
    cpSync(join(other, 'samples', 'github-changes'), join(picked, 'samples', 'github-changes'), { recursive: true });
    // Its pack.json made to name the bundle's seed, as a careful forger would.
    const pickedPack = join(picked, 'samples', 'github-changes', 'pack.json');
    writeFileSync(pickedPack, readFileSync(pickedPack, 'utf8').replace('"seed": "picked"', '"seed": "audit-2026"'));
    resign(picked, readFileSync(join(dir, 'key'), 'utf8'));
    const cherryPicked = await cliInProcess(['verify', picked, '--db', db]);
    expect(cherryPicked.code).toBe(1);
    expect(cherryPicked.stdout).toMatch(
      /^FAILED: samples\/github-changes: not the sample populations\/changes\.csv draws with the seed in samples\/seed\.txt \(rows [\d, ]+; the pack holds rows [\d, ]+\)/,
    );
    // ... nor by renaming the pack's population to one the bundle does not carry (to be only noted).
    const renamed = join(dir, 'renamed');
    cpSync(bundle, renamed, { recursive: true });
    const renamedPack = join(renamed, 'samples', 'github-changes', 'pack.json');
    writeFileSync(renamedPack, readFileSync(renamedPack, 'utf8').replace('"population": "github-changes"', '"population": "github-changes-old"'));
    resign(renamed, readFileSync(join(dir, 'key'), 'utf8'));
    const renamedVerified = await cliInProcess(['verify', renamed, '--db', db, '--json']);
    expect(renamedVerified.code).toBe(1);
    expect((JSON.parse(renamedVerified.stdout) as { problems: string[] }).problems).toEqual(
      expect.arrayContaining([
        'samples/github-changes: pack.json names population github-changes-old',
        'samples/github-changes: its population github-changes-old is not among the populations the bundle carries: the sample cannot be drawn again',
      ]),
    );
    // ... and a pack drawn over another period, from another population than the bundle's.
    const shorter = join(dir, 'shorter');
    const exportedShorter = await cliInProcess([
      'export',
      '--from',
      '2026-01-03',
      '--to',
      '2026-01-07',
      '--out',
      shorter,
      '--signing-key',
      join(dir, 'key'),
      '--sample',
      'github-changes=5',
      '--seed',
      'audit-2026',
      '--db',
      db,
    ]);
    expect(exportedShorter.code).toBe(0);
    const shifted = join(dir, 'shifted');
    cpSync(bundle, shifted, { recursive: true });
    rmSync(join(shifted, 'samples', 'github-changes'), { recursive: true });
    cpSync(join(shorter, 'samples', 'github-changes'), join(shifted, 'samples', 'github-changes'), { recursive: true });
    resign(shifted, readFileSync(join(dir, 'key'), 'utf8'));
    const otherPopulation = await cliInProcess(['verify', shifted, '--db', db]);
    expect(otherPopulation.code).toBe(1);
    expect(otherPopulation.stdout).toContain('samples/github-changes: drawn from a population whose CSV has SHA-256');

    const manifest = JSON.parse(readFileSync(join(bundle, 'samples', 'github-changes', 'pack.json'), 'utf8')) as PackManifest;
    const findings = join(bundle, 'samples', 'github-changes', manifest.items[0]!.findings);
    writeFileSync(findings, readFileSync(findings, 'utf8').replace('"pass"', '"fail"'));
    const changed = await cliInProcess(['verify', bundle, '--db', db]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(
      new RegExp(`^FAILED: samples/github-changes/${manifest.items[0]!.findings}: content does not match its SHA-256 in SHA256SUMS`),
    );
  }, 120_000);
});
