// `evidence-agent coverage --from --to [--framework] [--json|--csv]`: for every control, every day of the
// period: evidenced, failing, excepted or not evidenced, with gaps and failing intervals, and the controls
// left to manual evidence.
import { openStoreForReading, pickFramework, readerSetup } from '../app.js';
import type { GlobalOptions } from '../app.js';
import { CliError } from '../cli-error.js';
import { collectorCadence } from '../reports/cadence.js';
import { buildCoverage } from '../reports/coverage.js';
import type { CoverageReport } from '../reports/coverage.js';
import { toCsv } from '../reports/csv.js';
import { daysBetween } from '../reports/days.js';
import { startProgress } from '../progress.js';
import { print, printDocument, printJson } from './options.js';
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

export function coverageCsv(reports: readonly CoverageReport[]): string {
  const rows = reports.flatMap((report) => [
    ...report.controls.flatMap((control) =>
      control.days.map((d) => ({
        framework: report.framework,
        control: control.id,
        day: d.day,
        state: d.state,
        causes: d.causes.join(' | '),
        failing: d.failing.join(' | '),
        excepted: d.excepted.join(' | '),
      })),
    ),
    ...report.manual.map((m) => ({ framework: report.framework, control: m.id, day: '', state: 'manual', causes: '', failing: '', excepted: '' })),
  ]);
  return toCsv(['framework', 'control', 'day', 'state', 'causes', 'failing', 'excepted'], rows);
}

const more = (items: readonly string[]) => (items.length > 1 ? ` (+${items.length - 1} more)` : '');
/** The first detail of a gap or failing interval, on its line (API text: a newline in it stays shown). */
const first = (items: readonly string[]) => terminalLine(items[0] ?? '');

export function coverageText(report: CoverageReport): string {
  const lines = [`${report.framework}: ${report.from} to ${report.to} (${report.days.length} days, ${report.timeZone})`];
  for (const control of report.controls) {
    const c = control.counts;
    lines.push(
      `  ${control.id.padEnd(12)} ${c.evidenced + c.excepted + c.failing}/${report.days.length} days evidenced: ` +
        `${c.evidenced} passing, ${c.failing} failing, ${c.excepted} excepted, ${c.not_evidenced} not evidenced`,
    );
    for (const gap of control.gaps) lines.push(`      gap ${gap.from}..${gap.to}: ${first(gap.details)}${more(gap.details)}`);
    for (const failing of control.failing) lines.push(`      failing ${failing.from}..${failing.to}: ${first(failing.details)}${more(failing.details)}`);
  }
  lines.push(`  manual evidence (${report.manual.length} controls no check covers): ${report.manual.map((m) => m.id).join(', ')}`);
  return lines.join('\n');
}
