// Every population an auditor can sample: the collectors' event populations (changes, direct pushes, IAM
// access changes), the principals added or removed between snapshots, and per event check the events it
// judged failing with their review. Each builds its rows for a period the way `population` prints them,
// and finds the stored records of sampled rows for an evidence pack.
import type { Collector, ControlFrequency, PopulationAttribute, PopulationDefinition } from '../collector.js';
import type { EvidenceStore } from '../store/types.js';
import { recordedEventFindings } from '../reports/event-findings.js';
import { buildPopulation, shownRecord, SOURCE_COLUMN, streamGaps } from '../reports/population.js';
import type { PopulationReport } from '../reports/population.js';
import { PRINCIPAL_CHANGE_COLUMNS, principalChangesBetween } from '../reports/principal-changes.js';
import { principalTypesOf } from '../registry.js';
import { loadReviews, reviewKey } from '../reports/reviews.js';

export interface SampleablePopulation {
  id: string;
  title: string;
  description: string;
  /** The collector whose stored events the rows come from (PRINCIPALS_COLLECTOR: snapshots of several). */
  collector: string;
  frequency?: ControlFrequency;
  attributes?: readonly PopulationAttribute[];
  /** The checks whose findings on a sampled event a pack holds. */
  checkIds: readonly string[];
  build(store: EvidenceStore, from: Date, to: Date, scope?: string): Promise<PopulationReport>;
  /** The source records as shown (canonical JSON, SOURCE_COLUMN) of the sampled rows, by key; rows without one are absent. */
  records(store: EvidenceStore, rows: readonly Record<string, string>[], from: Date, to: Date): Promise<Map<string, string>>;
}

export const PRINCIPALS_POPULATION = 'principals-added-removed';
export const PRINCIPALS_COLLECTOR = 'snapshots';
export const FAILING_EVENTS_PREFIX = 'failing-';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCollector = Collector<any>;

/** A collector's event population. */
export function eventPopulation(collectorId: string, definition: PopulationDefinition, checkIds: readonly string[]): SampleablePopulation {
  return {
    id: definition.id,
    title: definition.title,
    description: definition.description,
    collector: collectorId,
    ...(definition.frequency ? { frequency: definition.frequency } : {}),
    ...(definition.attributes ? { attributes: definition.attributes } : {}),
    checkIds,
    build: (store, from, to, scope) => buildPopulation(store, collectorId, definition, from, to, scope),
    // A second pass over the population keeps the records of the sampled rows only.
    async records(store, rows, from, to) {
      const wanted = new Set(rows.map((r) => r[SOURCE_COLUMN.name]).filter(Boolean));
      const found = new Map<string, string>();
      await buildPopulation(store, collectorId, definition, from, to, undefined, (_row, source) => {
        if (wanted.has(source.hash)) found.set(source.hash, source.canonical);
      });
      return found;
    },
  };
}

/**
 * Accounts and memberships that appeared or disappeared between consecutive snapshots of a stream: the
 * documents of `principalTypes`, the evidence types the collectors declare as principals (principalTypesOf).
 */
export function principalsPopulation(principalTypes: readonly string[]): SampleablePopulation {
  const population: SampleablePopulation = {
    id: PRINCIPALS_POPULATION,
    title: 'Principals added or removed between snapshots (accounts and memberships)',
    description:
      `Every ${principalTypes.join(', ')} document that appears in or disappears from a stream between two consecutive snapshots ` +
      'started in the period (the first is compared with the snapshot before the period). observedAt is the snapshot that first shows ' +
      'the change; it happened between previousSnapshotAt and observedAt. A row is known by the SHA-256 of its canonical JSON.',
    collector: PRINCIPALS_COLLECTOR,
    frequency: 'recurring',
    attributes: [
      {
        question: "Access granted or removed on an approved request (or a leaver's ticket)?",
        shown: (row) =>
          `not in the snapshots: match ${row['change']} ${row['resourceId']} to a request dated between ${row['previousSnapshotAt'] || 'the first snapshot'} and ${row['observedAt']}`,
      },
    ],
    checkIds: [],
    async build(store, from, to, scope) {
      const rows = await principalChangesBetween(store, principalTypes, from, to, scope);
      const snapshots = (await store.listRuns({ from, to })).filter((r) => r.status === 'ok' || r.status === 'partial');
      return {
        id: PRINCIPALS_POPULATION,
        title: population.title,
        description: population.description,
        collector: PRINCIPALS_COLLECTOR,
        from: from.toISOString(),
        to: to.toISOString(),
        columns: [...PRINCIPAL_CHANGE_COLUMNS],
        rows,
        streams: [],
        warnings: snapshots.length === 0 ? ['no snapshot was taken in the period: no change between snapshots can be seen'] : [],
      };
    },
    records: async () => new Map(),
  };
  return population;
}

/** The events an event check judged failing, with the review recorded for each (or none: still open). */
export function failingEventsPopulation(collectorId: string, check: { id: string; title: string }): SampleablePopulation {
  const id = `${FAILING_EVENTS_PREFIX}${check.id}`;
  const title = `Events failing ${check.id} (${check.title}), with their review`;
  const description =
    `Every stored event of ${collectorId} that occurred in the period and that ${check.id} judged failing (its latest finding), with the ` +
    'review recorded for it (evidence-agent review: who, when, the note, the run that recorded it) or "open". The record is the event as stored, ' +
    'secret-named fields redacted.';
  const columns = [
    'scope',
    'occurredAt',
    'checkId',
    'eventId',
    'severity',
    'message',
    'review',
    'reviewedBy',
    'reviewedAt',
    'reviewNote',
    'reviewRun',
    SOURCE_COLUMN.name,
  ];
  return {
    id,
    title,
    description,
    collector: collectorId,
    frequency: 'recurring',
    attributes: [
      {
        question: 'Reviewed, and what was found recorded?',
        shown: (row) =>
          row['review'] === 'open' ? 'no: open (no review recorded)' : `yes: ${row['reviewedBy']} on ${row['reviewedAt']}: ${row['reviewNote']}`,
      },
      {
        question: 'Reviewed within the period (or the review SLA)?',
        shown: (row) => (row['review'] === 'open' ? 'no review' : `event ${row['occurredAt']}, review ${row['reviewedAt']}`),
      },
    ],
    checkIds: [check.id],
    async build(store, from, to, onlyScope) {
      const scopes = await scopesOf(store, collectorId, onlyScope);
      const reviews = await loadReviews(store);
      const rows: Record<string, string>[] = [];
      const warnings: string[] = [];
      for (const scope of scopes) {
        const found = await recordedEventFindings(store, collectorId, scope, [check.id], {});
        const failing = found
          .filter((f) => f.status === 'fail' && f.occurredAt !== null && Date.parse(f.occurredAt) >= from.getTime() && Date.parse(f.occurredAt) < to.getTime())
          .sort((a, b) => (a.occurredAt! < b.occurredAt! ? -1 : a.occurredAt! > b.occurredAt! ? 1 : a.resourceId < b.resourceId ? -1 : 1));
        // Keyed by the record as shown, as every population row is (SOURCE_COLUMN).
        const shownHashes = new Map(
          (await store.eventsById(collectorId, scope, [...new Set(failing.map((f) => f.resourceId))])).map((event) => [event.eventId, shownRecord(event).hash]),
        );
        for (const f of failing) {
          const review = reviews.get(reviewKey(f));
          rows.push({
            scope,
            occurredAt: f.occurredAt!,
            checkId: f.checkId,
            eventId: f.resourceId,
            severity: f.severity,
            message: f.message,
            review: review ? 'reviewed' : 'open',
            reviewedBy: review?.reviewedBy ?? '',
            reviewedAt: review?.reviewedAt ?? '',
            reviewNote: review?.note ?? '',
            reviewRun: review ? String(review.runSeq) : '',
            [SOURCE_COLUMN.name]: shownHashes.get(f.resourceId) ?? '',
          });
        }
        warnings.push(...(await streamGaps(store, collectorId, scope, from, to)).warnings);
      }
      if (scopes.length === 0) warnings.push(`${collectorId} has no runs in this store${onlyScope ? ` for scope ${onlyScope}` : ''}`);
      return { id, title, description, collector: collectorId, from: from.toISOString(), to: to.toISOString(), columns, rows, streams: [], warnings };
    },
    async records(store, rows) {
      const found = new Map<string, string>();
      const byScope = new Map<string, string[]>();
      for (const row of rows) byScope.set(row['scope']!, [...(byScope.get(row['scope']!) ?? []), row['eventId']!]);
      for (const [scope, ids] of byScope) {
        for (const event of await store.eventsById(collectorId, scope, ids)) {
          const shown = shownRecord(event);
          found.set(shown.hash, shown.canonical);
        }
      }
      return found;
    },
  };
}

async function scopesOf(store: EvidenceStore, collectorId: string, onlyScope?: string): Promise<string[]> {
  return [...new Set((await store.latestRuns()).filter((r) => r.collector === collectorId).map((r) => r.scope))]
    .filter((scope) => onlyScope === undefined || scope === onlyScope)
    .sort();
}

/**
 * Every population to sample: the collectors' event populations, the principals added or removed (of the
 * types the collectors declare), and the failing events of each event check (`eventChecks`: the review
 * lifecycle's).
 */
export function sampleablePopulations(collectors: readonly AnyCollector[], eventChecks: ReadonlySet<string>): SampleablePopulation[] {
  const offered: SampleablePopulation[] = [];
  for (const collector of collectors) {
    const checkIds = collector.checks.map((c) => c.id);
    for (const definition of collector.populations ?? []) offered.push(eventPopulation(collector.id, definition, checkIds));
  }
  offered.push(principalsPopulation(principalTypesOf(collectors)));
  for (const collector of collectors) {
    for (const check of collector.checks) if (eventChecks.has(check.id)) offered.push(failingEventsPopulation(collector.id, check));
  }
  return offered;
}
