// `evidence-agent coverage --from --to [--framework] [--json|--csv]`: for every control, every day of the
// period: evidenced, failing, excepted or not evidenced, with gaps and failing intervals, and the controls
// left to manual evidence.
import { openAgent, pickFramework } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { collectorCadence } from '../reports/cadence.js';
import { buildCoverage } from '../reports/coverage.js';
import type { CoverageReport } from '../reports/coverage.js';
import { coverageCsv } from '../reports/coverage-csv.js';
import { coverageText } from '../reports/coverage-text.js';
import { daysBetween } from '../reports/days.js';
import { startProgress } from '../progress.js';
import { print, printDocument, printJson } from './print.js';
import { parseDayRange } from './period.js';

export interface CoverageCommandOptions extends GlobalOptions {
  from?: string;
  to?: string;
  framework?: string;
  json?: boolean;
  csv?: boolean;
  asCollected?: boolean;
}

export async function coverageCommand(options: CoverageCommandOptions): Promise<number> {
  const { from, to } = parseDayRange(options.from, options.to);
  if (options.json && options.csv) throw new CliError('--json and --csv: choose one');
  // The time zone, schedules, collector modules and control sets come from the config when there is one.
  const agent = await openAgent(options, 'read');
  const frameworks = pickFramework(agent.frameworks, options.framework);
  const config = agent.loaded?.config;
  const timeZone = config?.timezone ?? 'UTC';
  const sections = (config?.collectors ?? {}) as Record<string, { schedule?: string } | undefined>;
  const cadence = collectorCadence(agent.collectors, sections);

  const store = await agent.openStore('read');
  // A month takes a moment; a long period gets a bar (on a terminal, without --quiet).
  const progress = daysBetween(from, to).length > 62 ? startProgress('coverage', 0, 'days', { quiet: options.quiet === true }) : undefined;
  try {
    const reports: CoverageReport[] = [];
    for (const framework of frameworks) {
      const onDay = (done: number, total: number) => {
        progress?.setTotal(total);
        progress?.update(done, framework.id);
      };
      reports.push(
        await buildCoverage(store, framework, {
          from,
          to,
          timeZone,
          collectors: agent.collectors,
          cadenceDays: cadence,
          asCollected: options.asCollected === true,
          onDay,
        }),
      );
    }
    progress?.stop();
    if (options.json) printJson(reports.length === 1 ? reports[0] : reports);
    else if (options.csv) printDocument(coverageCsv(reports));
    else for (const report of reports) print(coverageText(report));
    return 0;
  } finally {
    progress?.stop();
    await store.close();
  }
}
