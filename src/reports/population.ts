// A population over a period: the rows a collector's population definition derives from the stored
// events of each of its streams, with the coverage of the period by event windows, so that a list is
// never presented as complete over a span nobody read.
import type { Collector, EventItem, PopulationDefinition } from '../collector.js';
import { withoutSecretFields } from '../redaction.js';
import { encodeEvent } from '../store/blob-codec.js';
import type { EncodedDocument } from '../store/blob-codec.js';
import type { EvidenceReader } from '../store/types.js';
import { eventCoverage } from './event-coverage.js';
import type { PartitionCoverage } from './event-coverage.js';

/**
 * The column every population ends with: the SHA-256 of the source record the row was derived from, as
 * every output shows it (`shownRecord`: the stored event with secret-named fields replaced; for almost
 * every event the stored record itself, the hash the store addresses it by and `verify` recomputes). A
 * bundle carries that record as sources/<sha256>.json, so `population`, `sample` and an export key a row alike.
 */
export const SOURCE_COLUMN = {
  name: 'sourceSha256',
  description:
    'SHA-256 of the source record the row was derived from (the CloudTrail event, the pull request with its reviews and checks, as stored, ' +
    'with the values of secret-named fields replaced by [redacted]): in a bundle, sources/<sha256>.json holds that record, so a sampled row ' +
    'traces to its source offline.',
} as const;

/**
 * A row's source record as shown: the stored event with the string values of secret-named fields replaced
 * (src/redaction.ts). Equal to the stored record, and hashed the same, when the event holds none.
 */
export function shownRecord(event: EventItem): EncodedDocument {
  return encodeEvent(withoutSecretFields(event));
}

export interface PopulationStream {
  scope: string;
  /** Events of the population's type stored for the period. */
  events: number;
  rows: number;
  coverage: PartitionCoverage[];
}

export interface PopulationReport {
  id: string;
  title: string;
  description: string;
  collector: string;
  from: string;
  to: string;
  /** `scope` first (the stream: account, org), then the definition's columns, then `sourceSha256`. */
  columns: string[];
  rows: Record<string, string>[];
  streams: PopulationStream[];
  /** One sentence per gap or stream without any read: the population is incomplete there. */
  warnings: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCollector = Collector<any>;

/** The population `id` and the collector declaring it, among `collectors`. */
export function findPopulation(collectors: readonly AnyCollector[], id: string): { collector: AnyCollector; population: PopulationDefinition } | undefined {
  for (const collector of collectors) {
    const population = collector.populations?.find((p) => p.id === id);
    if (population) return { collector, population };
  }
  return undefined;
}

export async function buildPopulation(
  store: EvidenceReader,
  collectorId: string,
  population: PopulationDefinition,
  from: Date,
  to: Date,
  onlyScope?: string,
  /** Receives each row and its source record as shown, instead of the report holding them (its `rows` stay empty): an export streams them. */
  onRow?: (row: Record<string, string>, source: EncodedDocument) => void,
): Promise<PopulationReport> {
  const scopes = [...new Set((await store.latestRuns()).filter((r) => r.collector === collectorId).map((r) => r.scope))]
    .filter((scope) => onlyScope === undefined || scope === onlyScope)
    .sort();
  const rows: Record<string, string>[] = [];
  const streams: PopulationStream[] = [];
  const warnings: string[] = [];
  for (const scope of scopes) {
    let events = 0;
    let count = 0;
    for await (const event of store.iterateEvents(collectorId, scope, from, to)) {
      if (!population.eventTypes.includes(event.type)) continue;
      events++;
      const row = population.rowOf(event);
      if (!row) continue;
      const source = shownRecord(event);
      const full = { scope, ...Object.fromEntries(population.columns.map((c) => [c.name, row[c.name] ?? ''])), [SOURCE_COLUMN.name]: source.hash };
      if (onRow) onRow(full, source);
      else rows.push(full);
      count++;
    }
    const { coverage, warnings: gaps } = await streamGaps(store, collectorId, scope, from, to);
    streams.push({ scope, events, rows: count, coverage });
    warnings.push(...gaps);
  }
  if (scopes.length === 0) warnings.push(`${collectorId} has no runs in this store${onlyScope ? ` for scope ${onlyScope}` : ''}`);
  return {
    id: population.id,
    title: population.title,
    description: population.description,
    collector: collectorId,
    from: from.toISOString(),
    to: to.toISOString(),
    columns: populationColumns(population),
    rows,
    streams,
    warnings,
  };
}

/** The coverage of a stream's events over [from, to), and one warning per gap (or for no read at all). */
export async function streamGaps(
  store: EvidenceReader,
  collectorId: string,
  scope: string,
  from: Date,
  to: Date,
): Promise<{ coverage: PartitionCoverage[]; warnings: string[] }> {
  const coverage = eventCoverage(await store.streamWindows(collectorId, scope, from, to), from, to);
  const warnings: string[] = [];
  if (coverage.length === 0)
    warnings.push(`${collectorId} ${scope}: no run read events in the period: the population is empty for want of reads, not of changes`);
  // One line per gap, naming every partition it hits (an outage usually hits all regions alike).
  const partitionsByGap = new Map<string, string[]>();
  for (const partition of coverage) {
    for (const gap of partition.gaps) {
      const key = `events from ${gap.from} to ${gap.to} are missing (${gap.reason})`;
      partitionsByGap.set(key, [...(partitionsByGap.get(key) ?? []), partition.partition]);
    }
  }
  for (const [gap, partitions] of partitionsByGap) warnings.push(`${collectorId} ${scope} ${partitions.join(', ')}: ${gap}`);
  return { coverage, warnings };
}

/** The columns of a population's rows: the stream, the definition's own, the source record's hash. */
export function populationColumns(population: PopulationDefinition): string[] {
  return ['scope', ...population.columns.map((c) => c.name), SOURCE_COLUMN.name];
}
