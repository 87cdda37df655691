// Findings on events (a sign-in, a root call, a merged change) live by the event's clock, not the run's:
// each run records the findings of the events it read, so one event's finding sits in the run that read
// it, hours or months after it occurred. Here they are read back with the time their event occurred (from
// the stored event document, under its hash), and the failures of the event checks are kept open until
// someone records a review of them (src/reports/reviews.ts).
import type { Collector } from '../collector.js';
import { ConfigError } from '../config/errors.js';
import type { LoadedConfig } from '../registry-load.js';
import type { EvidenceReader, FindingRecord, RecordedFinding } from '../store/types.js';
import { closest } from '../suggest.js';
import { reviewKey } from './reviews.js';
import type { Review } from './reviews.js';

/** What happens to an event failure: open until reviewed, and overdue past the SLA. */
export interface EventLifecycle {
  /** Checks whose failures stay open until reviewed (the event checks). */
  eventChecks: ReadonlySet<string>;
  /** Days an event failure may stay unreviewed before it is overdue. */
  slaDays: number;
}

export const DEFAULT_REVIEW_SLA_DAYS = 7;

export interface ReviewsConfig {
  eventChecks?: string[] | undefined;
  slaDays?: number | undefined;
}

/**
 * The lifecycle the config asks for: `reviews.eventChecks` (default: every check that judges events)
 * and `reviews.slaDays`. A listed check no collector has is a config error naming it, unless a collector
 * module failed to load (its checks cannot be known then).
 */
export function eventLifecycle(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[],
  config: ReviewsConfig | undefined,
  modulesMissing = false,
): EventLifecycle {
  const known = collectors.flatMap((c) => c.checks.map((check) => check.id));
  const listed = config?.eventChecks;
  if (listed && !modulesMissing) {
    const lines = listed.flatMap((id, index) => {
      if (known.includes(id)) return [];
      const hint = closest(id, known);
      return [`reviews.eventChecks[${index}]: unknown check "${id}"${hint ? `; did you mean "${hint}"?` : ''} (evidence-agent findings lists the checks)`];
    });
    if (lines.length > 0) throw new ConfigError(lines);
  }
  const eventChecks = listed ?? collectors.flatMap((c) => c.checks.filter((check) => check.judgesEvents).map((check) => check.id));
  return { eventChecks: new Set(eventChecks), slaDays: config?.slaDays ?? DEFAULT_REVIEW_SLA_DAYS };
}

/** The lifecycle of a command's setup: the config's `reviews` section, else the defaults. */
export function lifecycleOf(setup: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[];
  loaded: Pick<LoadedConfig, 'config' | 'brokenModules'> | undefined;
}): EventLifecycle {
  return eventLifecycle(setup.collectors, setup.loaded?.config.reviews, (setup.loaded?.brokenModules.length ?? 0) > 0);
}

/**
 * The times of stored events already read, per store and stream. An event is stored once and never
 * changes, so a time read from its document stays true for the store's life (an id not found is asked
 * again: a later run may store it).
 */
const knownTimes = new WeakMap<EvidenceReader, Map<string, Map<string, string>>>();

/** When the events a stream's findings name occurred, each id looked up once (null: not a stored event). */
export class EventTimes {
  private readonly known: Map<string, string>;
  private readonly missing = new Set<string>();

  constructor(
    private readonly store: EvidenceReader,
    private readonly collector: string,
    private readonly scope: string,
  ) {
    let streams = knownTimes.get(store);
    if (!streams) knownTimes.set(store, (streams = new Map()));
    const key = `${collector}\u0000${scope}`;
    let known = streams.get(key);
    if (!known) streams.set(key, (known = new Map()));
    this.known = known;
  }

  /** Looks up the ids not seen yet. */
  async load(ids: Iterable<string>): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !this.known.has(id) && !this.missing.has(id));
    if (unknown.length === 0) return;
    for (const event of await this.store.eventsById(this.collector, this.scope, unknown)) this.known.set(event.eventId, event.occurredAt);
    for (const id of unknown) if (!this.known.has(id)) this.missing.add(id);
  }

  /** The time of a loaded id: an ISO instant, or null when the resource is not a stored event of the stream. */
  of(id: string): string | null {
    return this.known.get(id) ?? null;
  }
}

export interface EventFinding extends FindingRecord {
  collector: string;
  scope: string;
  /** When its event occurred; null for a finding of an event check on another resource (a region read with no event). */
  occurredAt: string | null;
  /** The run whose record of it is shown (the latest up to the range's end). */
  runSeq: number;
  /** The first run that recorded it, and when that run started: when the agent first knew of it. */
  firstSeq: number;
  firstRecordedAt: string;
}

/**
 * Every finding of `checkIds` a stream's runs recorded in the range, once each (its latest record), with
 * the time of its event. A finding an event check made in one run and no later run repeats stays here.
 */
export async function recordedEventFindings(
  store: EvidenceReader,
  collector: string,
  scope: string,
  checkIds: readonly string[],
  range: { fromSeq?: number; toSeq?: number },
  times: EventTimes = new EventTimes(store, collector, scope),
): Promise<EventFinding[]> {
  const latest = new Map<string, { first: RecordedFinding; last: RecordedFinding }>();
  for (const row of await store.recordedFindings(collector, scope, checkIds, range)) {
    const key = `${row.checkId}\u0000${row.resourceId}`;
    const seen = latest.get(key);
    if (seen) seen.last = row;
    else latest.set(key, { first: row, last: row });
  }
  await times.load([...latest.values()].map((r) => r.last.resourceId));
  return [...latest.values()].map(({ first, last }) => ({
    checkId: last.checkId,
    resourceType: last.resourceType,
    resourceId: last.resourceId,
    status: last.status,
    severity: last.severity,
    message: last.message,
    collector,
    scope,
    occurredAt: times.of(last.resourceId),
    runSeq: last.runSeq,
    firstSeq: first.runSeq,
    firstRecordedAt: first.runStartedAt,
  }));
}

export interface EventFailure extends EventFinding {
  review: Review | null;
}

/**
 * The failures of the event checks of every stream as of `at` (default: now), whenever they were
 * recorded, each with its review if one was recorded by then: an unreviewed one is open.
 */
export async function eventFailures(
  store: EvidenceReader,
  lifecycle: EventLifecycle,
  reviews: ReadonlyMap<string, Review>,
  at?: Date,
): Promise<EventFailure[]> {
  const checks = [...lifecycle.eventChecks].sort();
  if (checks.length === 0) return [];
  const failures: EventFailure[] = [];
  for (const snapshot of await store.latestSnapshots(at)) {
    const found = await recordedEventFindings(store, snapshot.collector, snapshot.scope, checks, { toSeq: snapshot.seq });
    for (const finding of found) {
      if (finding.status === 'fail') failures.push({ ...finding, review: reviews.get(reviewKey(finding)) ?? null });
    }
  }
  return failures;
}

/** Whole days since an event failure's event (else since it was first recorded) at `at`. */
export function eventAgeDays(failure: Pick<EventFinding, 'occurredAt' | 'firstRecordedAt'>, at: Date): number {
  return Math.floor((at.getTime() - Date.parse(failure.occurredAt ?? failure.firstRecordedAt)) / 86_400_000);
}
