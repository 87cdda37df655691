// The coverage matrix of a test sheet: one row per control of every framework, the count of days in each
// state and with a gap, then one column per day with its state (and "+gap" when some of that day's
// evidence is missing, whatever the state). Manual controls are listed as such. The same days and states
// as `evidence-agent coverage` and the bundle's coverage.csv, from buildCoverage.
import type { Collector } from '../collector.js';
import type { Framework } from '../mapping/load.js';
import { buildCoverage, DAY_STATES } from '../reports/coverage.js';
import type { CoverageReport } from '../reports/coverage.js';
import type { EvidenceStore } from '../store/types.js';
import { collectorCadence } from '../reports/cadence.js';
import { agentVersion } from '../version.js';
import type { PopulationSample } from './draw.js';
import type { SampleablePopulation } from './populations.js';
import { sampleSheetOf, testSheetXlsx } from './sheet.js';
import type { CoverageSheet } from './sheet.js';

export interface CoverageSheetOptions {
  frameworks: readonly Framework[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[];
  cadenceDays: (collectorId: string) => number;
  timeZone: string;
}

/** The first and last day (YYYY-MM-DD, UTC) of a period [from, to) as a sample states it. */
export function periodDays(from: Date, to: Date): { from: string; to: string } {
  return { from: from.toISOString().slice(0, 10), to: new Date(to.getTime() - 1).toISOString().slice(0, 10) };
}

export async function buildCoverageSheet(store: EvidenceStore, period: { from: string; to: string }, options: CoverageSheetOptions): Promise<CoverageSheet> {
  const reports: CoverageReport[] = [];
  for (const framework of options.frameworks) {
    reports.push(
      await buildCoverage(store, framework, {
        from: period.from,
        to: period.to,
        timeZone: options.timeZone,
        collectors: options.collectors,
        cadenceDays: options.cadenceDays,
      }),
    );
  }
  return coverageSheetOf(reports);
}

/** A sample's test sheet (xlsx): its items, then every control's coverage over the same days (the config's time zone and schedules). */
export async function sampleTestSheet(
  store: EvidenceStore,
  drawn: { sample: PopulationSample; population: Pick<SampleablePopulation, 'attributes'>; from: Date; to: Date },
  parts: { frameworks: readonly Framework[]; collectors: readonly Collector[]; config: { collectors?: object; timezone?: string } | undefined },
): Promise<Buffer> {
  return testSheetXlsx(
    sampleSheetOf(drawn.sample, drawn.population.attributes ?? [], `evidence-agent ${agentVersion()}`),
    await buildCoverageSheet(store, periodDays(drawn.from, drawn.to), {
      frameworks: parts.frameworks,
      collectors: parts.collectors,
      cadenceDays: collectorCadence(parts.collectors, (parts.config?.collectors ?? {}) as Record<string, { schedule?: string } | undefined>),
      timeZone: parts.config?.timezone ?? 'UTC',
    }),
  );
}

export function coverageSheetOf(reports: readonly CoverageReport[]): CoverageSheet {
  const days = reports[0]?.days ?? [];
  const columns = [...DAY_STATES.map((s) => `${s} days`), 'gap days', ...days];
  const rows = reports.flatMap((report) => [
    ...report.controls.map((control) => ({
      framework: report.framework,
      control: control.id,
      title: control.title,
      cells: {
        ...Object.fromEntries(DAY_STATES.map((s) => [`${s} days`, control.counts[s]])),
        'gap days': control.gapDays,
        ...Object.fromEntries(control.days.map((d) => [d.day, d.gap ? `${d.state}+gap` : d.state])),
      },
    })),
    ...report.manual.map((m) => ({ framework: report.framework, control: m.id, title: m.title, cells: Object.fromEntries(days.map((d) => [d, 'manual'])) })),
  ]);
  return { columns, rows };
}
