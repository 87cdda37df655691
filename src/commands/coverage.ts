// `evidence-agent coverage --from --to [--framework] [--json|--csv]`: for every control, every day of the
// period: evidenced, failing, excepted or not evidenced, with gaps and failing intervals, and the controls
// left to manual evidence.
import { openStoreForReading, pickFramework, readerSetup } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { collectorCadence } from '../reports/cadence.js';
import { buildCoverage } from '../reports/coverage.js';
import type { CoverageReport } from '../reports/coverage.js';
import { coverageCsv } from '../reports/coverage-csv.js';
import { daysBetween } from '../reports/days.js';
import { startProgress } from '../progress.js';
import { reviewLine } from '../reports/reviews.js';
import { print, printDocument, printJson } from './print.js';
import { terminalLine } from '../terminal-text.js';
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
  const setup = await readerSetup(options);
  const frameworks = pickFramework(setup.frameworks, options.framework);
  const config = setup.loaded?.config;
  const timeZone = config?.timezone ?? 'UTC';
  const sections = (config?.collectors ?? {}) as Record<string, { schedule?: string } | undefined>;
  const cadence = collectorCadence(setup.collectors, sections);

  const store = openStoreForReading(options);
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
        await buildCoverage(store, framework, { from, to, timeZone, collectors: setup.collectors, cadenceDays: cadence, asCollected: options.asCollected === true, onDay }),
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

const more = (items: readonly string[]) => (items.length > 1 ? ` (+${items.length - 1} more)` : '');
/** The first detail of a gap or failing interval, on its line (API text: a newline in it stays shown). */
const first = (items: readonly string[]) => terminalLine(items[0] ?? '');

export function coverageText(report: CoverageReport): string {
  const lines = [`${report.framework}: ${report.from} to ${report.to} (${report.days.length} days, ${report.timeZone})`];
  for (const control of report.controls) {
    const c = control.counts;
    // A failing or excepted day with a gap was not evidenced in full: it is counted apart, never hidden.
    const withGap = (state: string) => control.days.filter((d) => d.state === state && d.gap).length;
    const [failingGaps, exceptedGaps] = [withGap('failing'), withGap('excepted')];
    lines.push(
      `  ${control.id.padEnd(12)} ${report.days.length - control.gapDays}/${report.days.length} days evidenced: ` +
        `${c.evidenced} passing, ${c.failing} failing${failingGaps ? ` (${failingGaps} with a gap)` : ''}, ` +
        `${c.excepted} excepted${exceptedGaps ? ` (${exceptedGaps} with a gap)` : ''}, ${c.not_evidenced} not evidenced`,
    );
    for (const gap of control.gaps) lines.push(`      gap ${gap.from}..${gap.to}: ${first(gap.details)}${more(gap.details)}`);
    for (const failing of control.failing) lines.push(`      failing ${failing.from}..${failing.to}: ${first(failing.details)}${more(failing.details)}`);
  }
  lines.push(`  manual evidence (${report.manual.length} controls no check covers): ${report.manual.map((m) => m.id).join(', ')}`);
  if (report.eventFailures.length > 0) {
    const open = report.eventFailures.filter((e) => !e.review && !e.exception).length;
    lines.push(`  failing events (${report.eventFailures.length}, ${open} not reviewed):`);
    for (const e of report.eventFailures) {
      lines.push(`      ${e.day} ${e.checkId} ${e.resourceId}: ${e.exception ? `excepted (${e.exception})` : e.review ? `${reviewLine(e.review)}: ${e.review.note}` : 'not reviewed'}`);
    }
  }
  if (report.beforePeriod.length > 0) {
    lines.push(`  before the period (${report.beforePeriod.length} failing events read in it that occurred earlier; no deviation in it): ${report.beforePeriod.map((e) => `${e.day} ${e.checkId} ${e.resourceId}`).slice(0, 5).join(', ')}${report.beforePeriod.length > 5 ? ` (+${report.beforePeriod.length - 5} more)` : ''}`);
  }
  return lines.join('\n');
}
