// `evidence-agent population [id] --from --to`: the rows of a population (all access changes, all
// merged changes) over a period, as CSV for sampling or JSON, with every coverage gap warned about.
// Without an id: the populations the collectors offer.
import { openStoreForReading, readerSetup } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { toCsv } from '../reports/csv.js';
import { buildPopulation, findPopulation } from '../reports/population.js';
import { renderTable } from '../reports/table.js';
import { print, printDocument, printError, printJson } from './options.js';
import { parsePeriod } from './period.js';

export interface PopulationOptions extends GlobalOptions {
  from?: string;
  to?: string;
  scope?: string;
  json?: boolean;
}

export async function populationCommand(id: string | undefined, options: PopulationOptions): Promise<number> {
  const { collectors } = await readerSetup(options);
  const offered = collectors.flatMap((collector) => (collector.populations ?? []).map((p) => ({ collector, population: p })));
  if (id === undefined) {
    const rows = offered.map(({ collector, population }) => ({ id: population.id, collector: collector.id, title: population.title }));
    if (options.json) printJson(rows);
    else print(renderTable(['ID', 'COLLECTOR', 'TITLE'], rows.map((r) => [r.id, r.collector, r.title])));
    return 0;
  }
  const found = findPopulation(collectors, id);
  if (!found) {
    throw new CliError(`unknown population "${id}" (known: ${offered.map((o) => o.population.id).join(', ')})`);
  }
  if (!options.from) throw new CliError('--from: required (the first day of the period, YYYY-MM-DD)');
  const { from, to } = parsePeriod(options.from, options.to, new Date());

  const store = openStoreForReading(options);
  try {
    const report = await buildPopulation(store, found.collector.id, found.population, from, to, options.scope);
    // Gaps go to stderr so stdout stays a clean CSV or JSON document.
    for (const warning of report.warnings) printError(`warning: ${warning}`);
    if (options.json) printJson(report);
    else printDocument(toCsv(report.columns, report.rows));
    return 0;
  } finally {
    await store.close();
  }
}
