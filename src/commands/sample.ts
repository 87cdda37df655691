// `evidence-agent sample <population> --from --to --seed S [--size N | --frequency F] [--json] [--xlsx FILE]`:
// a reproducible random sample of a population for an auditor's test of operating effectiveness.
// CSV on stdout (rank, row position, row key, then the population's columns); what was drawn and why on
// stderr, so stdout stays a clean CSV; --json carries both; --xlsx also writes the test sheet.
import { writeFileSync } from 'node:fs';
import { openAgent } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { sampleCsv, samplePopulation, sampleSummary } from '../sampling/draw.js';
import { PackError, writePack } from '../sampling/pack.js';
import { sampleablePopulations } from '../sampling/populations.js';
import { sampleTestSheet } from '../sampling/coverage-sheet.js';
import { FREQUENCIES } from '../sampling/size.js';
import { parseChoice, parseIntegerOption } from './options.js';
import { printJson } from './print.js';
import { parsePeriod } from './period.js';

export interface SampleOptions extends GlobalOptions {
  from?: string;
  to?: string;
  scope?: string;
  seed?: string;
  size?: string;
  frequency?: string;
  json?: boolean;
  xlsx?: string;
  pack?: string;
}

export async function sampleCommand(id: string | undefined, options: SampleOptions): Promise<number> {
  const agent = await openAgent(options, 'read');
  const offered = sampleablePopulations(agent.collectors, lifecycleOf(agent).eventChecks);
  if (!id) throw new CliError('sample: which population? (run `evidence-agent population` for the list)');
  const population = offered.find((p) => p.id === id);
  if (!population) throw new CliError(`unknown population "${id}" (known: ${offered.map((p) => p.id).join(', ')})`);
  // Both ends are required: a sample drawn up to "now" could not be drawn again.
  if (!options.from) throw new CliError('--from: required (the first day of the period, YYYY-MM-DD)');
  if (!options.to)
    throw new CliError('--to: required (the last day of the period, YYYY-MM-DD): a sample must be reproducible, so the period cannot end at "now"');
  if (options.seed === undefined || options.seed === '') {
    throw new CliError('--seed: required (any text; record it in your workpaper: the same seed draws the same sample)');
  }
  if (options.size !== undefined && options.frequency !== undefined) throw new CliError('--size and --frequency: give one or the other');
  const size = options.size === undefined ? undefined : parseIntegerOption('--size', options.size, 1, 100_000);
  const frequency = options.frequency === undefined ? undefined : parseChoice('--frequency', options.frequency, FREQUENCIES);
  const { from, to } = parsePeriod(options.from, options.to, new Date(0));

  const store = await agent.openStore('read');
  try {
    const sample = await samplePopulation(store, population, { from, to, seed: options.seed, size, frequency, scope: options.scope });
    for (const warning of sample.warnings) process.stderr.write(`evidence-agent: warning: ${warning}\n`);
    const xlsx =
      options.xlsx || options.pack
        ? await sampleTestSheet(
            store,
            { sample, population, from, to },
            { frameworks: agent.frameworks, collectors: agent.collectors, config: agent.loaded?.config },
          )
        : undefined;
    if (options.xlsx) writeFileSync(options.xlsx, xlsx!);
    if (options.pack) {
      const pack = await writePack(store, options.pack, { sample, population, csv: sampleCsv(sample), xlsx }).catch((error: unknown) => {
        throw error instanceof PackError ? new CliError(error.message) : error;
      });
      process.stderr.write(
        `evidence-agent: evidence pack: ${pack.path} (${pack.files} files); check it with \`evidence-agent verify ${pack.path} --head ${sample.chainHead}\`\n`,
      );
    }
    if (options.json) printJson(sample);
    else {
      for (const line of sampleSummary(sample)) process.stderr.write(`evidence-agent: ${line}\n`);
      process.stdout.write(sampleCsv(sample));
    }
    return 0;
  } finally {
    await store.close();
  }
}
