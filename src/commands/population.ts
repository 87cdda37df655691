// `evidence-agent population [id] --from --to`: the rows of a population (all access changes, all
// merged changes, principals added or removed, the events an event check failed) over a period, as CSV
// for sampling or JSON, with every coverage gap warned about. Without an id: the populations to sample
// (with --from, their sizes in the period).
import { openAgent } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { toCsv } from '../reports/csv.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { renderTable } from '../reports/table.js';
import { sampleablePopulations } from '../sampling/populations.js';
import { print, printDocument, printError, printJson } from './print.js';
import { parsePeriod } from './period.js';

export interface PopulationOptions extends GlobalOptions {
  from?: string;
  to?: string;
  scope?: string;
  json?: boolean;
}

export async function populationCommand(id: string | undefined, options: PopulationOptions): Promise<number> {
  const agent = await openAgent(options, 'read');
  const offered = sampleablePopulations(agent.collectors, lifecycleOf(agent).eventChecks);
  if (id === undefined) {
    const rows = offered.map((population) => ({
      id: population.id,
      collector: population.collector,
      title: population.title,
      rows: undefined as number | undefined,
      gaps: undefined as number | undefined,
    }));
    // With a period: how many rows each holds in it (and how many coverage gaps), to choose what to sample.
    if (options.from) {
      const { from, to } = parsePeriod(options.from, options.to, new Date());
      const store = await agent.openStore('read');
      try {
        for (const [i, population] of offered.entries()) {
          const report = await population.build(store, from, to, options.scope);
          rows[i]!.rows = report.rows.length;
          rows[i]!.gaps = report.warnings.length;
        }
      } finally {
        await store.close();
      }
    }
    if (options.json) printJson(rows.map((r) => (options.from ? r : { id: r.id, collector: r.collector, title: r.title })));
    else if (options.from)
      print(
        renderTable(
          ['ID', 'COLLECTOR', 'ROWS', 'GAPS', 'TITLE'],
          rows.map((r) => [r.id, r.collector, String(r.rows), String(r.gaps), r.title]),
        ),
      );
    else
      print(
        renderTable(
          ['ID', 'COLLECTOR', 'TITLE'],
          rows.map((r) => [r.id, r.collector, r.title]),
        ),
      );
    return 0;
  }
  const population = offered.find((p) => p.id === id);
  if (!population) throw new CliError(`unknown population "${id}" (known: ${offered.map((p) => p.id).join(', ')})`);
  if (!options.from) throw new CliError('--from: required (the first day of the period, YYYY-MM-DD)');
  const { from, to } = parsePeriod(options.from, options.to, new Date());

  const store = await agent.openStore('read');
  try {
    const report = await population.build(store, from, to, options.scope);
    // Gaps go to stderr so stdout stays a clean CSV or JSON document.
    for (const warning of report.warnings) printError(`warning: ${warning}`);
    if (options.json) printJson(report);
    else printDocument(toCsv(report.columns, report.rows));
    return 0;
  } finally {
    await store.close();
  }
}
