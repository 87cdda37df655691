import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { toCsv } from '../src/reports/csv.js';
import { rowKey } from '../src/sampling/draw.js';
import { drawSample, sampleScore } from '../src/sampling/select.js';
import { explicitSize, recurringSize, sampleSizeFor } from '../src/sampling/size.js';

const keyOf = (row: { key: string }) => row.key;
const population = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `row-${i}` }));

describe('drawSample', () => {
  it('draws the same rows for the same seed and population, whatever the row order', () => {
    const rows = population(200);
    const a = drawSample(rows, keyOf, 'seed-1', 25);
    const b = drawSample([...rows].reverse(), keyOf, 'seed-1', 25);
    expect(a.map((s) => s.key)).toHaveLength(25);
    expect(new Set(b.map((s) => s.key))).toEqual(new Set(a.map((s) => s.key)));
    expect(drawSample(rows, keyOf, 'seed-1', 25)).toEqual(a);
  });

  it('draws another sample for another seed', () => {
    const rows = population(200);
    const a = drawSample(rows, keyOf, 'seed-1', 25).map((s) => s.key);
    const b = drawSample(rows, keyOf, 'seed-2', 25).map((s) => s.key);
    expect(b).not.toEqual(a);
  });

  it('returns a subset without duplicates, of the stated size, in population order with ranks 1..n', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 0, maxLength: 60 }), fc.string(), fc.nat(70), (keys, seed, size) => {
        const rows = keys.map((key) => ({ key }));
        const sample = drawSample(rows, keyOf, seed, size);
        expect(sample).toHaveLength(Math.min(size, rows.length));
        expect(new Set(sample.map((s) => s.key)).size).toBe(sample.length);
        for (const s of sample) expect(rows[s.position - 1]).toBe(s.row);
        expect(sample.map((s) => s.position)).toEqual([...sample.map((s) => s.position)].sort((x, y) => x - y));
        expect(sample.map((s) => s.rank).sort((x, y) => x - y)).toEqual(sample.map((_, i) => i + 1));
      }),
    );
  });

  it('keeps rows with the same key distinct', () => {
    const rows = [{ key: 'same' }, { key: 'same' }, { key: 'other' }];
    const sample = drawSample(rows, keyOf, 's', 3);
    expect(sample.map((s) => s.position)).toEqual([1, 2, 3]);
    expect(new Set(sample.map((s) => s.score)).size).toBe(3);
  });

  it('scores by the documented construction', () => {
    // SHA-256 of "evidence-agent-sample-v1\nS\nK\n0", computed independently with `printf … | sha256sum`.
    expect(sampleScore('S', 'K')).toBe('99c7ebf328f410b6779d8fd24c9914c9149b6df8347ca0692075d95b61bd1ad5');
    expect(sampleScore('S', 'K', 1)).not.toBe(sampleScore('S', 'K', 0));
  });

  it('selects each row about equally often over many seeds (uniformity)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 30 }), fc.integer({ min: 1, max: 4 }), fc.string({ minLength: 1, maxLength: 8 }), (n, k, prefix) => {
        const rows = population(n).map((r) => ({ key: `${prefix}${r.key}` }));
        const size = Math.min(k, n);
        const trials = 2000;
        const counts = new Map<string, number>();
        for (let seed = 0; seed < trials; seed++) {
          for (const s of drawSample(rows, keyOf, `seed-${seed}`, size)) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
        }
        const expected = (trials * size) / n;
        // Six standard deviations of a binomial count: a uniform draw stays inside, a biased one does not.
        const tolerance = 6 * Math.sqrt(trials * (size / n) * (1 - size / n));
        for (const row of rows) expect(Math.abs((counts.get(row.key) ?? 0) - expected)).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 8 },
    );
  });
});

describe('rowKey', () => {
  it('keys a row without a source record as its CSV shows it, so the key computed from the CSV is the same', () => {
    // An IAM user may be named "=SUM(1)": the CSV quotes it so that a spreadsheet does not run it.
    const rows = [
      { scope: '111122223333', change: 'added', resourceId: '111122223333/=SUM(1)' },
      { scope: '111122223333', change: 'removed', resourceId: '=SUM(1)' },
      { scope: '111122223333', change: 'added', resourceId: '@ops' },
    ];
    const columns = ['scope', 'change', 'resourceId'];
    const fromCsv = parse(toCsv(columns, rows), { columns: true }) as Record<string, string>[];
    expect(fromCsv[1]!['resourceId']).toBe("'=SUM(1)");
    expect(fromCsv.map(rowKey)).toEqual(rows.map(rowKey));
    // A row with a source record is keyed by it alone.
    expect(rowKey({ ...rows[0]!, sourceSha256: 'a'.repeat(64) })).toBe('a'.repeat(64));
  });
});

describe('sample sizes', () => {
  it('follows the table by control frequency', () => {
    expect(sampleSizeFor('annual', 1).size).toBe(1);
    expect(sampleSizeFor('quarterly', 4).size).toBe(2);
    expect(sampleSizeFor('monthly', 12).size).toBe(2);
    expect(sampleSizeFor('weekly', 52).size).toBe(5);
    expect(sampleSizeFor('daily', 365).size).toBe(25);
    expect([recurringSize(100), recurringSize(250), recurringSize(251), recurringSize(1000), recurringSize(1001)]).toEqual([25, 25, 40, 40, 60]);
  });

  it('tests a population smaller than the size whole, and says so', () => {
    const size = sampleSizeFor('recurring', 12);
    expect(size.size).toBe(12);
    expect(size.rationale).toMatch(/every item is tested/);
    expect(explicitSize(30, 7)).toEqual({ size: 7, rationale: expect.stringMatching(/every item/) });
    expect(explicitSize(3, 70).size).toBe(3);
  });
});

describe('test sheet', () => {
  it('writes an XLSX that its reader reads back with the header block, columns and rows, formulas left as text', async () => {
    const { testSheetXlsx } = await import('../src/sampling/sheet.js');
    const { default: readXlsxFile } = await import('read-excel-file/node');
    const rows = [
      { scope: 'acme', title: 'Fix login', author: 'ana' },
      { scope: 'acme', title: '=HYPERLINK("https://evil.example","x")', author: 'bo' },
    ];
    const bytes = await testSheetXlsx(
      {
        populationId: 'github-changes',
        title: 'Merged changes',
        description: 'Every merged pull request',
        columns: ['scope', 'title', 'author'],
        period: { from: '2026-01-01', to: '2026-06-30' },
        populationSize: 2,
        populationSha256: 'a'.repeat(64),
        seed: 'audit-2026',
        algorithm: 'evidence-agent-sample-v1',
        rationale: 'size 2 requested',
        chainHead: `12:sha256:${'b'.repeat(64)}`,
        generatedBy: 'evidence-agent 0.1.0',
        attributes: [{ question: 'Approved by another person?', shown: (row) => (row.author === 'ana' ? 'yes' : 'no') }],
        items: rows.map((row, i) => ({ rank: i + 1, position: i + 1, key: `k${i}`, row })),
        warnings: [],
      },
      {
        columns: ['evidenced', 'failing'],
        rows: [{ framework: 'soc2', control: 'CC8.1', title: 'Change management', cells: { evidenced: 170, failing: 11 } }],
      },
    );
    const sheets = await readXlsxFile(bytes);
    expect(sheets.map((s) => s.sheet)).toEqual(['Sample', 'Coverage']);
    // The reader pads every row to the widest one with nulls.
    const trim = (row: readonly unknown[]) => {
      const r = [...row];
      while (r.length > 0 && r[r.length - 1] === null) r.pop();
      return r;
    };
    const sample = sheets[0]!.data.map(trim);
    expect(sample[0]).toEqual(['Population', 'github-changes: Merged changes']);
    expect(sample.find((r) => r[0] === 'Seed')?.[1]).toBe('audit-2026');
    expect(sample.find((r) => r[0] === 'Chain head')?.[1]).toBe(`12:sha256:${'b'.repeat(64)}`);
    const headerAt = sample.findIndex((r) => r[0] === 'Rank');
    expect(sample[headerAt]).toEqual([
      'Rank',
      'Row',
      'Row key (SHA-256)',
      'scope',
      'title',
      'author',
      'Approved by another person? (evidence)',
      'Approved by another person? (tested ✓/✗)',
      'Auditor notes',
    ]);
    expect(sample[headerAt + 1]!.slice(0, 7)).toEqual(['1', '1', 'k0', 'acme', 'Fix login', 'ana', 'yes']);
    expect(sample[headerAt + 2]![4]).toBe('=HYPERLINK("https://evil.example","x")');
    expect(sheets[1]!.data.map(trim)).toEqual([
      ['Framework', 'Control', 'Title', 'evidenced', 'failing'],
      ['soc2', 'CC8.1', 'Change management', 170, 11],
    ]);
  });
});
