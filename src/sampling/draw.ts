// A sample of a population over a period: the population is built as `evidence-agent population`
// builds it, each row is known by the SHA-256 of its canonical JSON (scope and every column), and the
// draw is select.ts's. The result carries what an auditor records about the sample: the population's
// size and SHA-256 (of the CSV that `population` prints for the same period), the seed, the size and
// why, the chain head, and the coverage gaps of the period.
import { digestOf, sha256Hex } from '../canonical.js';
import { neutralizeFormula, toCsv } from '../reports/csv.js';
import { SOURCE_COLUMN } from '../reports/population.js';
import type { EvidenceStore } from '../store/types.js';
import type { SampleablePopulation } from './populations.js';
import { SAMPLE_ALGORITHM, drawSample } from './select.js';
import { explicitSize, sampleSizeFor } from './size.js';
import type { Frequency, SampleSize } from './size.js';

export interface SampleRequest {
  from: Date;
  to: Date;
  seed: string;
  /** An explicit size; else the size for `frequency`, else for the population's own frequency. */
  size?: number;
  frequency?: Frequency;
  scope?: string;
}

export interface SampleItem {
  rank: number;
  position: number;
  /** The row's key (its source record's SHA-256): what the draw scores. */
  key: string;
  row: Record<string, string>;
}

export interface PopulationSample {
  populationId: string;
  title: string;
  description: string;
  collector: string;
  from: string;
  to: string;
  columns: string[];
  populationSize: number;
  /** SHA-256 of the population's CSV for the same period, as `evidence-agent population` prints it. */
  populationSha256: string;
  seed: string;
  algorithm: string;
  frequency: Frequency | null;
  size: SampleSize;
  /** `<seq>:sha256:<hash>` of the newest run when the sample was drawn (what `verify --head` takes). */
  chainHead: string;
  /** The newest run when the sample was drawn (null: the store holds none): the head of a pack's proofs. */
  headRun: { seq: number; hash: string } | null;
  items: SampleItem[];
  warnings: string[];
}

/**
 * The key a row is drawn by: its `sourceSha256`, the SHA-256 of the record it comes from as shown (secret-named
 * fields replaced; the file name of that record under sources/ in an export bundle); a row without one is
 * known by the SHA-256 of its RFC 8785 JSON (scope and every column, as text as the CSV shows it: a cell a
 * spreadsheet would run as a formula is quoted there), so the key is the same computed from the CSV.
 */
export function rowKey(row: Record<string, string>): string {
  return row[SOURCE_COLUMN.name] || digestOf(Object.fromEntries(Object.entries(row).map(([column, value]) => [column, neutralizeFormula(value)])));
}

export async function chainHeadOf(store: EvidenceStore): Promise<string> {
  return headText(await headRunOf(store));
}

async function headRunOf(store: EvidenceStore): Promise<{ seq: number; hash: string } | null> {
  const [head] = await store.listRuns({ limit: 1 });
  return head ? { seq: head.seq, hash: head.hash } : null;
}

function headText(head: { seq: number; hash: string } | null): string {
  return head ? `${head.seq}:sha256:${head.hash}` : 'none (the store holds no run)';
}

export async function samplePopulation(store: EvidenceStore, population: SampleablePopulation, request: SampleRequest): Promise<PopulationSample> {
  const report = await population.build(store, request.from, request.to, request.scope);
  const frequency = request.size === undefined ? (request.frequency ?? population.frequency ?? 'recurring') : null;
  const size = request.size !== undefined ? explicitSize(request.size, report.rows.length) : sampleSizeFor(frequency!, report.rows.length);
  const drawn = drawSample(report.rows, rowKey, request.seed, size.size);
  const headRun = await headRunOf(store);
  return {
    populationId: report.id,
    title: report.title,
    description: report.description,
    collector: population.collector,
    from: report.from,
    to: report.to,
    columns: report.columns,
    populationSize: report.rows.length,
    populationSha256: sha256Hex(toCsv(report.columns, report.rows)),
    seed: request.seed,
    algorithm: SAMPLE_ALGORITHM,
    frequency,
    size,
    chainHead: headText(headRun),
    headRun,
    items: drawn.map((d) => ({ rank: d.rank, position: d.position, key: d.key, row: d.row })),
    warnings: report.warnings,
  };
}

/** The sample as CSV: its rank in the draw, its row in the population, its key, then the row. */
export function sampleCsv(sample: PopulationSample): string {
  const columns = ['rank', 'row', 'row_sha256', ...sample.columns];
  return toCsv(
    columns,
    sample.items.map((item) => ({ rank: String(item.rank), row: String(item.position), row_sha256: item.key, ...item.row })),
  );
}

/** What was drawn and why, a line each (stderr beside the CSV, so stdout stays the sample). */
export function sampleSummary(sample: PopulationSample): string[] {
  return [
    `${sample.populationId}: ${sample.items.length} of ${sample.populationSize} rows from ${sample.from} to ${sample.to}, seed "${sample.seed}" (${sample.algorithm})`,
    `size: ${sample.size.rationale}`,
    `population SHA-256 (the CSV of \`evidence-agent population ${sample.populationId}\` for this period): ${sample.populationSha256}`,
    `chain head: ${sample.chainHead}`,
  ];
}
