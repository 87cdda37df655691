// The samples of an export bundle (`export --sample population=N,… --seed S`): per population, the sample
// as CSV and its test sheet (with the bundle's coverage matrix) in its evidence pack, samples/<id>/,
// and samples/README.md with the seed and how to draw the same rows again. Written before the manifest,
// so every file is listed and signed with the rest; verify checks each pack as well.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import { toCsv } from '../reports/csv.js';
import type { EvidenceStore } from '../store/types.js';
import { sampleCsv, samplePopulation } from './draw.js';
import { writePack } from './pack.js';
import type { SampleablePopulation } from './populations.js';
import type { CoverageSheet } from './sheet.js';
import { sampleSheetOf, testSheetXlsx } from './sheet.js';

export interface BundleSampleRequest {
  population: SampleablePopulation;
  size: number;
}

export interface BundleSamples {
  seed: string;
  requests: readonly BundleSampleRequest[];
}

/**
 * The export's --sample population=N[,…] with --seed: the samples the bundle carries (none without
 * --sample), against the populations `offered` gives; a bad value is a one-line usage error.
 */
export function requestedSamples(
  sample: string | undefined,
  seed: string | undefined,
  offered: () => readonly SampleablePopulation[],
): BundleSamples | undefined {
  if (sample === undefined) {
    if (seed !== undefined) throw new CliError('--seed: only with --sample population=N[,…]');
    return undefined;
  }
  if (seed === undefined || seed === '') throw new CliError('--seed: required with --sample (any text; the same seed draws the same samples)');
  try {
    return { seed, requests: parseSampleRequests(sample, offered()) };
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/**
 * `population=N[,population=N…]` as the export's --sample gives it, against the populations offered.
 * Throws a one-line message naming the part that is wrong.
 */
export function parseSampleRequests(value: string, offered: readonly SampleablePopulation[]): BundleSampleRequest[] {
  const requests: BundleSampleRequest[] = [];
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([^=]+)=(\d+)$/.exec(part);
    if (!match) throw new Error(`--sample: expected population=N (e.g. github-changes=25), got "${part}"`);
    const population = offered.find((p) => p.id === match[1]);
    if (!population) throw new Error(`--sample: unknown population "${match[1]}" (known: ${offered.map((p) => p.id).join(', ')})`);
    const size = Number(match[2]);
    if (size < 1 || size > 100_000) throw new Error(`--sample: ${match[1]}: a size from 1 to 100000, got ${match[2]}`);
    if (requests.some((r) => r.population.id === population.id)) throw new Error(`--sample: ${population.id} is named twice`);
    requests.push({ population, size });
  }
  if (requests.length === 0) throw new Error('--sample: expected population=N[,population=N…]');
  return requests;
}

export async function writeBundleSamples(
  store: EvidenceStore,
  root: string,
  samples: BundleSamples,
  period: { from: Date; to: Date; label: string },
  coverage: CoverageSheet,
  generatedBy: string,
  /** The populations the bundle already carries under populations/, by id. */
  bundledPopulations: ReadonlySet<string>,
): Promise<void> {
  const readme = [
    '# Samples',
    '',
    `Period ${period.label}: from ${period.from.toISOString()} up to (not including) ${period.to.toISOString()}. Seed: "${samples.seed}" (also in seed.txt).`,
    'Each row of a population is scored SHA-256("evidence-agent-sample-v1\\n" + seed + "\\n" + row key + "\\n" + occurrence), the row key',
    "being its sourceSha256 (else the SHA-256 of the row's canonical JSON, its cells as the CSV shows them) and occurrence 0 for the first row with that key; the sample is",
    'the N rows with the lowest scores. docs/auditors.md shows how to recompute it with sha256sum and sort. Each population sampled is under',
    'populations/ (a failing-<check> population too), and `evidence-agent verify` of the bundle draws every sample again from it.',
    '',
  ];
  mkdirSync(join(root, 'samples'), { recursive: true });
  writeFileSync(join(root, 'samples', 'seed.txt'), `${samples.seed}\n`);
  for (const request of samples.requests) {
    const sample = await samplePopulation(store, request.population, { from: period.from, to: period.to, seed: samples.seed, size: request.size });
    // A population the bundle carries for no other reason (failing-<check>): its CSV beside the others, as
    // `population` prints it, so that every sample can be drawn again from the bundle alone.
    if (!bundledPopulations.has(request.population.id)) {
      const report = await request.population.build(store, period.from, period.to);
      mkdirSync(join(root, 'populations'), { recursive: true });
      writeFileSync(join(root, 'populations', `${request.population.id}.csv`), toCsv(report.columns, report.rows));
    }
    // The pack holds the sample's CSV and test sheet next to the items: samples/<id>/ is the pack.
    const xlsx = await testSheetXlsx(sampleSheetOf(sample, request.population.attributes ?? [], generatedBy), coverage);
    await writePack(store, join(root, 'samples', request.population.id), { sample, population: request.population, csv: sampleCsv(sample), xlsx });
    readme.push(
      `## samples/${request.population.id}: ${sample.title}`,
      '',
      `${sample.items.length} of ${sample.populationSize} rows; ${sample.size.rationale}. Population SHA-256 (its CSV for the period): ${sample.populationSha256}.`,
      `Chain head when drawn: ${sample.chainHead}. It is an evidence pack: sample.csv, test-sheet.xlsx (the sample and the coverage matrix), items/`,
      "(per item the source record and the findings on it), runs/ and chain.jsonl (their proof in the chain), pack.json (every file's SHA-256);",
      '`evidence-agent verify` of the bundle checks it, and `evidence-agent verify <bundle>/samples/<id>` checks it alone.',
      ...sample.warnings.map((w) => `- coverage gap: ${w}`),
      '',
    );
  }
  writeFileSync(join(root, 'samples', 'README.md'), `${readme.join('\n')}\n`);
}
