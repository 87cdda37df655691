// Coverage of a Type II period: for every control of a framework and every day of the period (in the
// configured time zone), whether it was evidenced, failing, failing under an accepted exception, or not
// evidenced (no successful snapshot, a failed run, an event-window hole, a check that could not
// verify), with the causes and the failing resources; a day can be failing and have a gap, and carries
// both. A state check's day comes from the last successful snapshot of that day, valid for its
// collector's cadence (a missed day of a daily collector is a gap). An event check's day comes from
// the events that occurred on it, whichever run read them (the next morning's, a backfill after a
// hole), with the event windows' holes as its gaps: an event is a deviation on its own day only, and
// one before the period is none in it.
import type { CheckDefinition, Collector, Severity } from '../collector.js';
import { exceptionFor } from '../exceptions/apply.js';
import { exceptionsStoredWith } from '../exceptions/schema.js';
import type { AcceptedException } from '../exceptions/schema.js';
import { criteriaOf } from '../mapping/control-set.js';
import { onlySupports } from '../mapping/load.js';
import type { Control, Framework } from '../mapping/load.js';
import { MAPPINGS_EVIDENCE_TYPE, MAPPINGS_RESOURCE_ID } from '../mapping/stored.js';
import type { MappingsEvidence, StoredMappings } from '../mapping/stored.js';
import type { EvidenceReader, FindingRecord, RunRecord } from '../store/types.js';
import { daysBetween, dayOf, nextDay, startOfDay } from './days.js';
import { eventCoverage } from './event-coverage.js';
import { EventTimes, recordedEventFindings } from './event-findings.js';
import type { EventFinding } from './event-findings.js';
import { loadReviews, reviewKey, reviewLine } from './reviews.js';
import type { Review } from './reviews.js';

export type DayState = 'evidenced' | 'failing' | 'excepted' | 'not_evidenced';
export const DAY_STATES: readonly DayState[] = ['evidenced', 'failing', 'excepted', 'not_evidenced'];

export interface ControlDay {
  day: string;
  /** The day's first state in the order failing, not evidenced, excepted, evidenced. */
  state: DayState;
  /** Some of the day's evidence is missing (`causes` say what), whatever `state` is: a failing day can have a gap. */
  gap: boolean;
  /** Why a check could not evidence the control that day (one sentence each). */
  causes: string[];
  /** `<check> <resource>` of each failing finding not covered by an exception. */
  failing: string[];
  /** `<check> <resource> (<exception id>)` of each failing finding an exception covers. */
  excepted: string[];
  /** `<check> <resource>: reviewed by <who> on <day>` of each failing event someone reviewed (still failing on its day). */
  reviewed: string[];
  /** Findings that judged a resource or an event that day (pass or fail), over the control's checks. */
  judged: number;
  /** Of those, failing and not excepted (the length of `failing`). */
  failed: number;
  /** The worst severity among the failing ones; null when none fails. */
  severity: Severity | null;
}

/** A failing event placed by its own time: on a day of the period, or before the period (no deviation in it). */
export interface EventFailureEntry {
  /** The day the event occurred, in the report's time zone. */
  day: string;
  occurredAt: string;
  collector: string;
  scope: string;
  checkId: string;
  resourceId: string;
  severity: Severity;
  message: string;
  /** The controls of this framework the check evidences. */
  controls: string[];
  /** The accepted exception covering it on its day, if any. */
  exception: string | null;
  review: { reviewedBy: string; reviewedAt: string; note: string; runSeq: number } | null;
}

export interface DayRange {
  from: string;
  to: string;
  /** The causes (gaps) or the resources (failing), as on the days of the range. */
  details: string[];
}

export interface ControlCoverage {
  id: string;
  title: string;
  group: string;
  checks: string[];
  days: ControlDay[];
  /** Days by their `state` (they add up to the period's days). */
  counts: Record<DayState, number>;
  /** Days with a gap, failing ones included: the rows of coverage.csv whose `gap` is true. */
  gapDays: number;
  /** Consecutive days with a gap (whatever their state), with the causes. */
  gaps: DayRange[];
  /** Consecutive days with an unexcepted failure, with the failing resources. */
  failing: DayRange[];
}

export interface CoverageReport {
  framework: string;
  from: string;
  to: string;
  timeZone: string;
  days: string[];
  /** Controls that automated checks evidence, in catalog order. */
  controls: ControlCoverage[];
  /** Controls no automated check covers: evidenced manually. */
  manual: { id: string; title: string; group: string }[];
  /** Every failing event of the period on the day it occurred, with its review (the monitoring evidence). */
  eventFailures: EventFailureEntry[];
  /** Failing events read by runs in the period that occurred before it: not deviations in it, listed as a note. */
  beforePeriod: EventFailureEntry[];
}

export interface CoverageOptions {
  from: string;
  to: string;
  timeZone: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[];
  /** Days one snapshot of a collector stays valid (from its schedule); default 1. */
  cadenceDays?: (collectorId: string) => number;
  /**
   * Judge each snapshot by the mappings stored with it (the version in force when it was collected)
   * instead of the current ones; snapshots collected before mappings were stored map nothing.
   */
  asCollected?: boolean;
  /** Receives every finding behind a control's day (an export writes them out as they come). */
  onFindings?: (controlId: string, day: string, rows: DayFinding[]) => void;
  /** Called after each day of the period is judged (progress of a long period). */
  onDay?: (done: number, total: number) => void;
}

/** One finding behind a control's day: the evidence an auditor traces a day's state to. */
export interface DayFinding {
  checkId: string;
  collector: string;
  scope: string;
  resourceType: string;
  resourceId: string;
  status: string;
  exception: string;
  message: string;
  /** When it was observed: its event's time for a finding on an event, else the snapshot's (or run's) time. */
  observedAt: string;
  /** `reviewed by <who> on <day>: <note>` for a reviewed event failure, else empty. */
  review: string;
}

/** A finding on an event that occurred on the day, with what applies to it there. */
interface DayEventFinding extends EventFinding {
  occurredAt: string;
  /** The exceptions stored with the run that recorded it. */
  exceptions: AcceptedException[];
  review: Review | null;
}

/** A finding of an event check on something other than an event (a region read with no event), from a run of the day. */
type RunFinding = FindingRecord & { observedAt: string };

/** What one stream (collector and scope) shows on one day. */
interface StreamDay {
  /** Findings of the snapshot valid that day; null when none is (then `cause` says why). */
  snapshot: FindingRecord[] | null;
  /** When that snapshot was taken. */
  snapshotAt: string | null;
  /** The mappings stored with that snapshot (as-collected re-evaluation): framework → control → checks. */
  mapping: StoredMappings | null;
  /** Of those, the checks that only supported each control then (as-collected re-evaluation). */
  supports: StoredMappings | null;
  /** Event checks' findings on other resources than events (a region with none), from every successful run of the day. */
  events: RunFinding[];
  /** Event checks' findings on the events that occurred that day, whichever run read them. */
  eventFindings: DayEventFinding[];
  exceptions: AcceptedException[];
  cause: string | null;
  /** Event-window gaps overlapping the day. */
  eventGaps: string[];
}

const SNAPSHOT: readonly RunRecord['status'][] = ['ok', 'partial'];

export async function buildCoverage(store: EvidenceReader, framework: Framework, options: CoverageOptions): Promise<CoverageReport> {
  const days = daysBetween(options.from, options.to);
  const periodStart = startOfDay(options.from, options.timeZone);
  const periodEnd = startOfDay(nextDay(options.to), options.timeZone);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const checkOwner = new Map<string, { collector: Collector<any>; check: CheckDefinition<any> }>();
  for (const collector of options.collectors) for (const check of collector.checks) checkOwner.set(check.id, { collector, check });
  // Attestation checks evidence the control their stream is for (its scope), whatever the mappings say.
  const scopedChecks = new Map<string, string[]>();
  for (const collector of options.collectors) {
    const ids = collector.checks.filter((check) => check.controlFromScope).map((check) => check.id);
    if (ids.length > 0) scopedChecks.set(collector.id, ids);
  }
  // With as-collected mappings any collector may evidence any control: follow them all.
  const neededCollectors = options.asCollected
    ? new Set(options.collectors.map((c) => c.id))
    : new Set([
        ...[...framework.checksByControl.values()].flat().flatMap((id) => (checkOwner.has(id) ? [checkOwner.get(id)!.collector.id] : [])),
        ...scopedChecks.keys(),
      ]);
  const streams: StreamCursor[] = [];
  const collectorsWithoutRuns = new Set<string>();
  const reviews = await loadReviews(store);
  for (const collectorId of [...neededCollectors].sort()) {
    const eventChecks = (options.collectors.find((c) => c.id === collectorId)?.checks ?? []).filter((c) => c.judgesEvents).map((c) => c.id);
    const found = await collectorStreams(store, collectorId, days, periodStart, periodEnd, options, scopedChecks.has(collectorId), eventChecks, reviews);
    if (found.length === 0) collectorsWithoutRuns.add(collectorId);
    streams.push(...found);
  }
  const attested = new Set(streams.filter((s) => scopedChecks.has(s.collectorId)).map((s) => s.scope));

  const automated = framework.controls.filter((control) =>
    options.asCollected
      ? true
      : (framework.checksByControl.get(control.id) ?? []).some((id) => checkOwner.has(id)) || attestationKeys(control).some((key) => attested.has(key)),
  );
  const perControl = new Map<string, (ControlDay & { checks: string[] })[]>(automated.map((c) => [c.id, []]));
  // Day by day: only the findings of the snapshots valid on one day are in memory at a time.
  let daysDone = 0;
  for (const day of days) {
    options.onDay?.(daysDone++, days.length);
    const today = new Map<StreamCursor, StreamDay>();
    for (const stream of streams) today.set(stream, await stream.dayOf(day));
    for (const control of automated) {
      const rows: DayFinding[] = [];
      const judged = judgeDay(day, control, framework, checkOwner, scopedChecks, today, collectorsWithoutRuns, options, options.onFindings ? rows : null);
      if (judged) {
        perControl.get(control.id)!.push(judged);
        options.onFindings?.(control.id, day, rows);
      }
    }
  }

  const controls: ControlCoverage[] = [];
  const manual: CoverageReport['manual'] = [];
  for (const control of framework.controls) {
    const controlDays = perControl.get(control.id) ?? [];
    // As collected, a control is automated when some day's mapping gave it a check.
    if (controlDays.length === 0 || controlDays.every((d) => d.checks.length === 0)) {
      manual.push({ id: control.id, title: control.title, group: control.group });
      continue;
    }
    controls.push({
      id: control.id,
      title: control.title,
      group: control.group,
      checks: [...new Set(controlDays.flatMap((d) => d.checks))].sort(),
      days: controlDays.map(({ checks: _checks, ...rest }) => rest),
      counts: Object.fromEntries(DAY_STATES.map((s) => [s, controlDays.filter((d) => d.state === s).length])) as Record<DayState, number>,
      gapDays: controlDays.filter((d) => d.gap).length,
      gaps: ranges(controlDays, (d) => (d.gap ? d.causes : null)),
      failing: ranges(controlDays, (d) => (d.failing.length > 0 ? d.failing : null)),
    });
  }
  const entry = (f: DayEventFinding): EventFailureEntry | null => {
    const controlIds = framework.controlsByCheck.get(f.checkId) ?? [];
    if (controlIds.length === 0) return null;
    const day = dayOf(new Date(f.occurredAt), options.timeZone);
    return {
      day,
      occurredAt: f.occurredAt,
      collector: f.collector,
      scope: f.scope,
      checkId: f.checkId,
      resourceId: f.resourceId,
      severity: f.severity,
      message: f.message,
      controls: [...controlIds],
      exception: exceptionFor(f, f.exceptions, day)?.id ?? null,
      review: f.review ? { reviewedBy: f.review.reviewedBy, reviewedAt: f.review.reviewedAt, note: f.review.note, runSeq: f.review.runSeq } : null,
    };
  };
  const byTime = (a: EventFailureEntry, b: EventFailureEntry) =>
    a.occurredAt < b.occurredAt
      ? -1
      : a.occurredAt > b.occurredAt
        ? 1
        : a.checkId < b.checkId
          ? -1
          : a.checkId > b.checkId
            ? 1
            : a.resourceId < b.resourceId
              ? -1
              : 1;
  const listed = (pick: (s: StreamCursor) => DayEventFinding[]) =>
    streams
      .flatMap(pick)
      .flatMap((f) => entry(f) ?? [])
      .sort(byTime);
  return {
    framework: framework.id,
    from: options.from,
    to: options.to,
    timeZone: options.timeZone,
    days,
    controls,
    manual,
    eventFailures: listed((s) => s.eventFailures),
    beforePeriod: listed((s) => s.beforePeriod),
  };
}

/** The checks mapped to a control for a stream's day: the current mapping, or the one stored with the snapshot. */
function checksFor(controlId: string, framework: Framework, sd: StreamDay | undefined, options: CoverageOptions): string[] {
  if (!options.asCollected) return framework.checksByControl.get(controlId) ?? [];
  return sd?.mapping?.[framework.id]?.[controlId] ?? [];
}

/** The stream scopes whose attestations evidence a control: its own id and the criteria it is mapped to. */
function attestationKeys(control: Control): string[] {
  return [control.id, ...criteriaOf(control)];
}

// A day's findings by check, built once per list: every control a check is mapped to reads its
// findings, and a year of 10,000 resources made the repeated scans most of the report's time.
interface CheckLists<F> {
  all: F[];
  unresolved: F[];
  /** Findings that judged their resource: pass or fail. */
  judged: number;
}
const findingsByCheck = new WeakMap<readonly FindingRecord[], Map<string, CheckLists<FindingRecord>>>();
const NO_FINDINGS: CheckLists<never> = { all: [], unresolved: [], judged: 0 };

function findingsOfCheck<F extends FindingRecord>(findings: readonly F[], checkId: string): CheckLists<F> {
  let byCheck = findingsByCheck.get(findings) as Map<string, CheckLists<F>> | undefined;
  if (!byCheck) {
    byCheck = new Map();
    for (const finding of findings) {
      let lists = byCheck.get(finding.checkId);
      if (!lists) byCheck.set(finding.checkId, (lists = { all: [], unresolved: [], judged: 0 }));
      lists.all.push(finding);
      if (finding.status === 'fail' || finding.status === 'error') lists.unresolved.push(finding);
      if (finding.status === 'fail' || finding.status === 'pass') lists.judged += 1;
    }
    findingsByCheck.set(findings, byCheck as Map<string, CheckLists<FindingRecord>>);
  }
  return byCheck.get(checkId) ?? NO_FINDINGS;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

function judgeDay(
  day: string,
  control: Control,
  framework: Framework,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  checkOwner: Map<string, { collector: Collector<any>; check: CheckDefinition<any> }>,
  scopedChecks: ReadonlyMap<string, string[]>,
  today: Map<StreamCursor, StreamDay>,
  collectorsWithoutRuns: Set<string>,
  options: CoverageOptions,
  rows: DayFinding[] | null,
): (ControlDay & { checks: string[] }) | null {
  const controlId = control.id;
  const keys = attestationKeys(control);
  const causes = new Set<string>();
  const failing: string[] = [];
  const excepted: string[] = [];
  const reviewed: string[] = [];
  const checks = new Set<string>();
  // The mapped checks that only support the control (their passes alone do not evidence it), the ones
  // that evidence it, and whether an attestation of it was valid that day.
  const supporting = new Set<string>();
  const evidencing = new Set<string>();
  let attested = false;
  const supports = (checkId: string, sd: StreamDay | undefined) =>
    options.asCollected ? (sd?.supports?.[framework.id]?.[controlId] ?? []).includes(checkId) : onlySupports(framework, controlId, checkId);
  let judged = 0;
  let severity: Severity | null = null;
  if (!options.asCollected) {
    for (const checkId of checksFor(controlId, framework, undefined, options)) {
      const owner = checkOwner.get(checkId);
      if (!owner) continue;
      checks.add(checkId);
      (supports(checkId, undefined) ? supporting : evidencing).add(checkId);
      if (collectorsWithoutRuns.has(owner.collector.id)) causes.add(`${owner.collector.id}: no run in the period`);
    }
  }
  for (const [stream, sd] of today) {
    const where = `${stream.collectorId} ${stream.scope}`;
    const scoped = scopedChecks.get(stream.collectorId);
    const mapped = scoped
      ? keys.includes(stream.scope)
        ? scoped
        : []
      : checksFor(controlId, framework, sd, options).filter((id) => checkOwner.get(id)?.collector.id === stream.collectorId);
    if (mapped.length === 0) continue;
    for (const id of mapped) checks.add(id);
    if (scoped) attested ||= sd.snapshot !== null;
    else for (const id of mapped) (supports(id, sd) ? supporting : evidencing).add(id);
    const judge = <F extends FindingRecord>(
      checkId: string,
      findings: readonly F[],
      context: (finding: F) => { exceptions: readonly AcceptedException[]; observedAt: string; review: Review | null },
    ) => {
      const lists = findingsOfCheck(findings, checkId);
      judged += lists.judged;
      // Without rows to list, only what fails or could not be checked changes the day's state.
      for (const finding of rows === null ? lists.unresolved : lists.all) {
        const { exceptions, observedAt, review } = context(finding);
        const exception = exceptionFor(finding, exceptions, day);
        rows?.push({
          checkId,
          collector: stream.collectorId,
          scope: stream.scope,
          resourceType: finding.resourceType,
          resourceId: finding.resourceId,
          status: finding.status,
          exception: exception?.id ?? '',
          message: finding.message,
          observedAt,
          review: review && finding.status === 'fail' ? `${reviewLine(review)}: ${review.note}` : '',
        });
        if (finding.status === 'error') causes.add(`${where}: could not verify ${checkId} on ${finding.resourceId}: ${finding.message}`);
        if (finding.status !== 'fail') continue;
        if (exception) {
          excepted.push(`${checkId} ${finding.resourceId} (${exception.id})`);
          continue;
        }
        failing.push(`${checkId} ${finding.resourceId}`);
        if (review) reviewed.push(`${checkId} ${finding.resourceId}: ${reviewLine(review)}`);
        if (severity === null || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[severity]) severity = finding.severity;
      }
    };
    for (const checkId of mapped) {
      const { check } = checkOwner.get(checkId)!;
      if (check.judgesEvents) {
        // The events are judged on the day they occurred: the day is evidenced when its event windows hold
        // no hole, whichever run read them, and a day without a run of its own may be read in full later.
        for (const gap of sd.eventGaps) causes.add(`${where}: ${gap}`);
        judge(checkId, sd.events, (f) => ({ exceptions: sd.exceptions, observedAt: f.observedAt, review: null }));
        judge(checkId, sd.eventFindings, (f) => ({ exceptions: f.exceptions, observedAt: f.occurredAt, review: f.review }));
        continue;
      }
      if (!sd.snapshot) {
        causes.add(`${where}: ${sd.cause}`);
        continue;
      }
      judge(checkId, sd.snapshot, () => ({ exceptions: sd.exceptions, observedAt: sd.snapshotAt!, review: null }));
    }
  }
  if (checks.size === 0) {
    return options.asCollected
      ? {
          day,
          state: 'not_evidenced',
          gap: true,
          causes: ['no check was mapped to this control when the evidence was collected'],
          failing: [],
          excepted: [],
          reviewed: [],
          judged: 0,
          failed: 0,
          severity: null,
          checks: [],
        }
      : null;
  }
  let state: DayState = failing.length > 0 ? 'failing' : causes.size > 0 ? 'not_evidenced' : excepted.length > 0 ? 'excepted' : 'evidenced';
  // Checks that only support the control cannot evidence it by passing: without an evidencing check or a
  // valid attestation, the day is not evidenced, and says why (a failing supporting check still fails it).
  if ((state === 'evidenced' || state === 'not_evidenced') && supporting.size > 0 && evidencing.size === 0 && !attested) {
    state = 'not_evidenced';
    causes.add(
      `only checks that support ${controlId} passed (${[...supporting].sort().join(', ')}); they do not evidence it alone: ` +
        `record manual evidence (evidence-agent attest --control ${controlId})`,
    );
  }
  const failingResources = [...new Set(failing)].sort();
  return {
    day,
    state,
    gap: causes.size > 0,
    causes: [...causes].sort(),
    failing: failingResources,
    excepted: [...new Set(excepted)].sort(),
    reviewed: [...new Set(reviewed)].sort(),
    judged,
    failed: failingResources.length,
    severity,
    checks: [...checks].sort(),
  };
}

/** Consecutive days in a state, joined into ranges (details are the union over the range). */
function ranges(days: ControlDay[], detailsOf: (day: ControlDay) => string[] | null): DayRange[] {
  const result: DayRange[] = [];
  let current: { from: string; to: string; details: Set<string> } | null = null;
  for (const day of days) {
    const details = detailsOf(day);
    if (details === null) {
      if (current) result.push({ ...current, details: [...current.details].sort() });
      current = null;
      continue;
    }
    if (current) {
      current.to = day.day;
      for (const d of details) current.details.add(d);
    } else {
      current = { from: day.day, to: day.day, details: new Set(details) };
    }
  }
  if (current) result.push({ ...current, details: [...current.details].sort() });
  return result;
}

/** One stream (collector and scope) walked day by day through the period. */
interface StreamCursor {
  collectorId: string;
  scope: string;
  dayOf(day: string): Promise<StreamDay>;
  /** Failing findings on events that occurred in the period. */
  eventFailures: DayEventFinding[];
  /** Failing findings on events before the period, recorded by runs in it. */
  beforePeriod: DayEventFinding[];
}

type Loaded = { findings: FindingRecord[]; exceptions: AcceptedException[]; mapping: MappingsEvidence | null };

/** The streams of a collector with runs in the period. */
async function collectorStreams(
  store: EvidenceReader,
  collectorId: string,
  days: string[],
  periodStart: Date,
  periodEnd: Date,
  options: CoverageOptions,
  attestations: boolean,
  eventChecks: readonly string[],
  reviews: ReadonlyMap<string, Review>,
): Promise<StreamCursor[]> {
  const cadence = Math.max(1, options.cadenceDays?.(collectorId) ?? 1);
  // Runs before the period count for a collector whose snapshot outlives a day (weekly cadence), and
  // an attestation made any time before may still be in its window.
  const lookBack = attestations ? new Date(0) : new Date(periodStart.getTime() - cadence * 86_400_000);
  const runs = await store.listRuns({ collector: collectorId, from: lookBack, to: periodEnd });
  const scopes = [...new Set(runs.filter((r) => attestations || new Date(r.startedAt) >= periodStart).map((r) => r.scope))].sort();
  const eventCheckSet = new Set(eventChecks);
  const cursors: StreamCursor[] = [];
  for (const scope of scopes) {
    const own = runs.filter((r) => r.scope === scope);
    const byDay = new Map<string, RunRecord[]>();
    for (const run of own) {
      const day = dayOf(new Date(run.startedAt), options.timeZone);
      byDay.set(day, [...(byDay.get(day) ?? []), run]);
    }
    const gapsByDay =
      eventChecks.length > 0 ? await eventGapsByDay(store, collectorId, scope, days, periodStart, periodEnd, options.timeZone) : new Map<string, string[]>();
    const times = new EventTimes(store, collectorId, scope);
    const events =
      eventChecks.length > 0
        ? await eventFindingsOfPeriod(store, collectorId, scope, own, eventChecks, periodStart, periodEnd, options.timeZone, times, reviews)
        : null;
    let lastSnapshot: { day: string; run: RunRecord } | null = latestBefore(own, periodStart, options.timeZone);
    // Findings, exceptions and mappings of the runs used on the day before: reused, then dropped.
    let cache = new Map<number, Loaded>();
    const load = async (run: RunRecord, next: Map<number, Loaded>) => {
      let loaded = cache.get(run.seq) ?? next.get(run.seq);
      if (!loaded) {
        loaded = {
          findings: await store.findingsOf(run.seq),
          exceptions: await exceptionsStoredWith(store, run.seq),
          mapping: options.asCollected ? await mappingsOf(store, run.seq) : null,
        };
      }
      next.set(run.seq, loaded);
      return loaded;
    };
    cursors.push({
      collectorId,
      scope,
      eventFailures: events?.failures ?? [],
      beforePeriod: events?.before ?? [],
      dayOf: async (day) => {
        const today = byDay.get(day) ?? [];
        const successful = today.filter((r) => SNAPSHOT.includes(r.status));
        if (successful.length > 0) lastSnapshot = { day, run: successful.at(-1)! };
        // A snapshot that states its validity (an attestation's window) is valid until then, not for the cadence.
        const validUntil = lastSnapshot?.run.meta['validUntil'] as string | undefined;
        const current =
          lastSnapshot !== null &&
          (validUntil !== undefined ? startOfDay(day, options.timeZone).getTime() < Date.parse(validUntil) : daysApart(lastSnapshot.day, day) < cadence);
        const valid = current ? lastSnapshot!.run : null;
        const failed = today.filter((r) => !SNAPSHOT.includes(r.status));
        const cause =
          valid !== null
            ? null
            : failed.length > 0
              ? `run ${failed.at(-1)!.status}: ${failed.at(-1)!.error ?? 'no reason recorded'}`
              : validUntil !== undefined
                ? `attestation expired on ${dayOf(new Date(validUntil), options.timeZone)}`
                : attestations
                  ? 'no attestation recorded yet'
                  : 'no run';
        const next = new Map<number, Loaded>();
        // The event checks' findings of the day's runs on anything but an event (a region read with none):
        // findings on events belong to the day each event occurred.
        const runFindings: RunFinding[] = [];
        if (eventChecks.length > 0) {
          for (const run of successful) {
            const ofEventChecks = (await load(run, next)).findings.filter((f) => eventCheckSet.has(f.checkId));
            await times.load(ofEventChecks.map((f) => f.resourceId));
            for (const f of ofEventChecks) if (times.of(f.resourceId) === null) runFindings.push({ ...f, observedAt: run.startedAt });
          }
        }
        const snapshot = valid ? await load(valid, next) : null;
        cache = next;
        return {
          snapshot: snapshot?.findings ?? null,
          snapshotAt: valid?.startedAt ?? null,
          events: runFindings,
          eventFindings: events?.byDay.get(day) ?? [],
          exceptions: snapshot?.exceptions ?? [],
          mapping: snapshot?.mapping?.checksByControl ?? null,
          supports: snapshot?.mapping?.supportsByControl ?? null,
          cause,
          eventGaps: gapsByDay.get(day) ?? [],
        };
      },
    });
  }
  return cursors;
}

/**
 * The findings of a stream's event checks on the events that occurred in the period, by day, read from
 * every run since the period began (a run after it reads the last hours of its last day, a run days
 * later refills a hole), with the exceptions stored with the run that recorded each and its review;
 * and the failing ones on events before the period that runs in it recorded.
 */
async function eventFindingsOfPeriod(
  store: EvidenceReader,
  collectorId: string,
  scope: string,
  runs: readonly RunRecord[],
  eventChecks: readonly string[],
  periodStart: Date,
  periodEnd: Date,
  timeZone: string,
  times: EventTimes,
  reviews: ReadonlyMap<string, Review>,
): Promise<{ byDay: Map<string, DayEventFinding[]>; failures: DayEventFinding[]; before: DayEventFinding[] }> {
  const inPeriod = runs.filter((r) => Date.parse(r.startedAt) >= periodStart.getTime());
  const byDay = new Map<string, DayEventFinding[]>();
  const failures: DayEventFinding[] = [];
  const before: DayEventFinding[] = [];
  if (inPeriod.length === 0) return { byDay, failures, before };
  const periodRuns = new Set(inPeriod.filter((r) => Date.parse(r.startedAt) < periodEnd.getTime()).map((r) => r.seq));
  const fromSeq = Math.min(...inPeriod.map((r) => r.seq));
  const exceptionsOf = new Map<number, AcceptedException[]>();
  for (const finding of await recordedEventFindings(store, collectorId, scope, eventChecks, { fromSeq }, times)) {
    if (finding.occurredAt === null) continue;
    const at = Date.parse(finding.occurredAt);
    const inside = at >= periodStart.getTime() && at < periodEnd.getTime();
    if (!inside && !(at < periodStart.getTime() && finding.status === 'fail' && periodRuns.has(finding.firstSeq))) continue;
    if (!exceptionsOf.has(finding.runSeq)) exceptionsOf.set(finding.runSeq, await exceptionsStoredWith(store, finding.runSeq));
    const placed: DayEventFinding = {
      ...finding,
      occurredAt: finding.occurredAt,
      exceptions: exceptionsOf.get(finding.runSeq)!,
      review: reviews.get(reviewKey(finding)) ?? null,
    };
    if (!inside) {
      before.push(placed);
      continue;
    }
    const day = dayOf(new Date(at), timeZone);
    const list = byDay.get(day);
    if (list) list.push(placed);
    else byDay.set(day, [placed]);
    if (finding.status === 'fail') failures.push(placed);
  }
  return { byDay, failures, before };
}

function latestBefore(runs: RunRecord[], start: Date, timeZone: string): { day: string; run: RunRecord } | null {
  const before = runs.filter((r) => SNAPSHOT.includes(r.status) && new Date(r.startedAt) < start);
  const last = before.at(-1);
  return last ? { day: dayOf(new Date(last.startedAt), timeZone), run: last } : null;
}

const daysApart = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

async function mappingsOf(store: EvidenceReader, seq: number): Promise<MappingsEvidence | null> {
  const document = await store.documentOf(seq, MAPPINGS_EVIDENCE_TYPE, MAPPINGS_RESOURCE_ID);
  return (document?.data as MappingsEvidence | undefined) ?? null;
}

/** Per day, the event-window gaps of the stream that overlap it (partition and reason). */
async function eventGapsByDay(
  store: EvidenceReader,
  collectorId: string,
  scope: string,
  days: string[],
  periodStart: Date,
  periodEnd: Date,
  timeZone: string,
): Promise<Map<string, string[]>> {
  const windows = await store.streamWindows(collectorId, scope, periodStart, periodEnd);
  // No window of any partition overlaps the period: no event of it was read (the runs failed, or read none).
  const coverage =
    windows.length > 0
      ? eventCoverage(windows, periodStart, periodEnd)
      : [
          {
            partition: 'any partition',
            coveredMs: 0,
            gaps: [{ from: periodStart.toISOString(), to: periodEnd.toISOString(), reason: 'no event window was recorded over the period' }],
          },
        ];
  const byDay = new Map<string, string[]>();
  for (const day of days) {
    const start = startOfDay(day, timeZone).getTime();
    const end = startOfDay(nextDay(day), timeZone).getTime();
    const gaps = coverage.flatMap((partition) =>
      partition.gaps
        .filter((gap) => Date.parse(gap.from) < end && Date.parse(gap.to) > start)
        .map((gap) => `events of ${partition.partition} missing from ${gap.from} to ${gap.to} (${gap.reason})`),
    );
    if (gaps.length > 0) byDay.set(day, gaps);
  }
  return byDay;
}
