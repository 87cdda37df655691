// The weekly evidence digest: what changed between the end of the previous week and the end of this
// one. New and resolved failures, what still fails and for how long against its SLA, drift that still
// passes, new and removed resources, the week's coverage and gaps, exceptions about to expire, the
// notable populations (changes without independent approval, IAM access changes, root use), which
// collectors missed runs, and the failing trend over eight weeks. Pure reads of the store.
import type { CheckDefinition, Collector, EvidenceItem, Severity } from '../collector.js';
import { exceptionsStoredWith } from '../exceptions/schema.js';
import { attestationCollectors, latestAttestations } from '../reports/attestations.js';
import type { AttestationSummary } from '../reports/attestations.js';
import type { AcceptedException } from '../exceptions/schema.js';
import type { Framework } from '../mapping/load.js';
import { buildCoverage } from '../reports/coverage.js';
import { currentState } from '../reports/current-state.js';
import type { CurrentFinding } from '../reports/current-state.js';
import { EventTimes, eventLifecycle, recordedEventFindings } from '../reports/event-findings.js';
import type { EventLifecycle } from '../reports/event-findings.js';
import { REVIEW_COLLECTOR, loadReviews, reviewKey, reviewLine } from '../reports/reviews.js';
import { dayOf, nextDay, startOfDay } from '../reports/days.js';
import { buildPopulation } from '../reports/population.js';
import { recordedSigners } from '../bundle/export-record.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';
import { DIGEST_COLLECTOR } from './stream.js';

const DAY_MS = 86_400_000;

export type SlaDays = Record<Severity, number>;
export const DEFAULT_SLA_DAYS: SlaDays = { critical: 7, high: 30, medium: 90, low: 180 };

export interface DigestOptions {
  /** First and last day of the week (or period), in the time zone. */
  from: string;
  to: string;
  label: string;
  timeZone: string;
  frameworks: Framework[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[];
  cadenceDays: (collectorId: string) => number;
  slaDays: SlaDays;
  /** Delivery problems of the previous digest, reported again until one succeeds. */
  previousDeliveryProblems?: string[];
  /** Which checks' failures stay open until reviewed, and the review SLA (default: the event checks, 7 days). */
  lifecycle?: EventLifecycle;
}

export interface FindingItem {
  collector: string;
  scope: string;
  checkId: string;
  title: string;
  severity: Severity;
  resourceId: string;
  message: string;
  controls: string[];
}

/** One week of the failing trend: no number at all when no collector produced a snapshot valid in it. */
export interface TrendPoint {
  /** The week's last day. */
  week: string;
  /** Failing findings at the end of the week; null: no data (never 0 for a week nothing was seen in). */
  failing: number | null;
  /** Why the week has no data. */
  noData?: string;
}

export interface Digest {
  label: string;
  from: string;
  to: string;
  timeZone: string;
  /**
   * Why the week has no data (no collector produced a snapshot valid on any of its days), or null. Then
   * the state numbers of the headline are null and the state sections are empty: nothing was seen.
   */
  noData: string | null;
  headline: {
    failing: number | null;
    newFailures: number | null;
    resolved: number | null;
    overdue: number | null;
    gaps: number;
    driftedResources: number | null;
  };
  newFailures: (FindingItem & { since: string })[];
  resolved: (FindingItem & { fixedBy: string })[];
  /** `awaitingReview`: a failing event not reviewed yet, its age and SLA those of the review. */
  stillFailing: (FindingItem & { since: string; ageDays: number; slaDays: number; overdue: boolean; awaitingReview: boolean })[];
  drift: { collector: string; scope: string; type: string; resourceId: string; changes: { path: string; before: string; after: string }[] }[];
  newResources: { collector: string; scope: string; type: string; resourceId: string }[];
  removedResources: { collector: string; scope: string; type: string; resourceId: string }[];
  coverage: {
    framework: string;
    controls: number;
    controlDays: number;
    evidencedControlDays: number;
    gaps: { control: string; from: string; to: string; cause: string }[];
  }[];
  missedRuns: { collector: string; scope: string; days: string[]; cause: string }[];
  expiringExceptions: (AcceptedException & { daysLeft: number })[];
  /** Attestations expiring within 14 days of the week's end, and those already expired (daysLeft < 0). */
  expiringAttestations: (AttestationSummary & { daysLeft: number })[];
  /** Per population of the week: its rows and those the digest calls notable, in one line each. */
  populations: { id: string; title: string; rows: number; notable: string[] }[];
  /** Failing findings of event checks on events of the week, by the event's time (root use, sign-ins without MFA, unapproved merges…). */
  eventFailures: {
    checkId: string;
    title: string;
    severity: Severity;
    scope: string;
    resourceId: string;
    message: string;
    occurredAt: string;
    reviewed: string | null;
  }[];
  deliveryProblems: string[];
  trend: TrendPoint[];
  /**
   * The newest run of the store when the digest was made: a copy kept off the volume (a mailbox, a
   * Slack channel) lets `verify --head` show later that no run up to it was removed or rewritten.
   */
  chainHead: { seq: number; hash: string; finishedAt: string } | null;
  /**
   * The keys that signed this store's export bundles (recorded with each export), latest first: kept off
   * the volume with the head, a fingerprint is what an auditor passes to `verify <bundle> --fingerprint`.
   */
  signingKeys?: { fingerprint: string; lastExportRun: number; lastExportAt: string }[];
}

const key = (f: { collector: string; scope: string; checkId: string; resourceId: string }) => `${f.collector}|${f.scope}|${f.checkId}|${f.resourceId}`;
/** Streams that hold the agent's own records, not collected evidence. */
const RECORD_STREAMS = new Set(['digest', REVIEW_COLLECTOR]);

/** A headline count as printed: a week without data has none, never 0. */
export const countText = (count: number | null): string => (count === null ? 'no data' : String(count));

export async function buildDigest(store: EvidenceStore, options: DigestOptions): Promise<Digest> {
  const start = startOfDay(options.from, options.timeZone);
  const end = startOfDay(nextDay(options.to), options.timeZone);
  const endAt = new Date(end.getTime() - 1);
  const previousAt = new Date(start.getTime() - 1);

  const checks = new Map(options.collectors.flatMap((c) => c.checks.map((k) => [k.id, { collector: c.id, check: k }] as const)));
  const eventCheck = (id: string) => checks.get(id)?.check.judgesEvents === true;
  const controlsOf = (checkId: string) => options.frameworks.flatMap((f) => (f.controlsByCheck.get(checkId) ?? []).map((c) => `${f.id.toUpperCase()} ${c}`));
  const item = (f: CurrentFinding): FindingItem => ({
    collector: f.collector,
    scope: f.scope,
    checkId: f.checkId,
    title: checks.get(f.checkId)?.check.title ?? f.checkId,
    severity: f.severity,
    resourceId: f.resourceId,
    message: f.message,
    controls: controlsOf(f.checkId),
  });

  const lifecycle = options.lifecycle ?? eventLifecycle(options.collectors, undefined);
  const awaitsReview = (f: CurrentFinding) => lifecycle.eventChecks.has(f.checkId);
  const now = await currentState(store, endAt, lifecycle);
  const before = await currentState(store, previousAt, lifecycle);
  // An event failure stays failing until someone reviews it; a reviewed one is resolved.
  const failing = (findings: CurrentFinding[]) => new Map(findings.filter((f) => f.status === 'fail' && !f.exception && !f.review).map((f) => [key(f), f]));
  const failingNow = failing(now.findings);
  const failingBefore = failing(before.findings);
  const present = new Map(now.findings.map((f) => [key(f), f]));

  const since = new Map<number, Map<string, string>>();
  const sinceOf = async (f: CurrentFinding) => {
    if (!since.has(f.runSeq)) since.set(f.runSeq, await store.failingSince(f.runSeq));
    return since.get(f.runSeq)!.get(`${f.checkId}\u0000${f.resourceId}`) ?? f.observedAt;
  };

  // A week no collector produced a snapshot in has nothing to report of the estate's state: not even a
  // failure carried over from before, since it was not seen in the week.
  const noData = await noDataCause(store, options.from, options.to, options);
  const newFailures: Digest['newFailures'] = [];
  const stillFailing: Digest['stillFailing'] = [];
  for (const [k, f] of noData ? [] : failingNow) {
    const began = f.openSince ?? (await sinceOf(f));
    if (!failingBefore.has(k)) newFailures.push({ ...item(f), since: began });
    else {
      // An event failure's clock runs from when the agent first recorded it (its review could not start earlier).
      const ageDays = Math.floor((endAt.getTime() - Date.parse(began)) / DAY_MS);
      const awaitingReview = awaitsReview(f);
      const slaDays = awaitingReview ? lifecycle.slaDays : options.slaDays[f.severity];
      stillFailing.push({ ...item(f), since: began, ageDays, slaDays, overdue: ageDays > slaDays, awaitingReview });
    }
  }
  const resolved: Digest['resolved'] = [];
  const fixedOn = firstNotFailing(store, start, end, options.timeZone);
  for (const [k, f] of noData ? [] : failingBefore) {
    if (failingNow.has(k)) continue;
    const after = present.get(k);
    if (after?.review) {
      resolved.push({ ...item(f), fixedBy: reviewLine(after.review) });
      continue;
    }
    const day = await fixedOn(f);
    const fixedBy = after
      ? `${after.exception ? 'excepted' : after.status} since ${day ?? dayOf(new Date(after.observedAt), options.timeZone)}`
      : `resource no longer present${day ? ` since ${day}` : ''}`;
    resolved.push({ ...item(f), fixedBy });
  }
  const order = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  const bySeverity = <T extends FindingItem>(a: T, b: T) => order[a.severity] - order[b.severity] || key(a).localeCompare(key(b));
  newFailures.sort(bySeverity);
  resolved.sort(bySeverity);
  stillFailing.sort((a, b) => Number(b.overdue) - Number(a.overdue) || bySeverity(a, b) || b.ageDays - a.ageDays);

  const { drift, newResources, removedResources } = noData
    ? { drift: [], newResources: [], removedResources: [] }
    : await compareSnapshots(store, previousAt, endAt, now.findings);
  const coverage = await weekCoverage(store, options);
  const missedRuns = await missedRunsOf(store, options, start, end);
  const expiringExceptions = await expiring(store, endAt, options.timeZone, options.to);
  const expiringAttestations = (await latestAttestations(store, options.collectors, endAt))
    .map((a) => ({ ...a, daysLeft: Math.floor((Date.parse(a.validUntil) - endAt.getTime()) / DAY_MS) }))
    .filter((a) => a.daysLeft <= 14);
  const populations = await notablePopulations(store, options, start, end);
  const eventFailures = await eventFailuresOf(store, start, end, checks);
  const trend = await failingTrend(store, options, eventCheck);
  const [head] = await store.listRuns({ limit: 1 });
  const signingKeys = (await recordedSigners(store)).signers.map((s) => ({
    fingerprint: s.fingerprint,
    lastExportRun: s.lastRun,
    lastExportAt: s.lastExportAt,
  }));

  return {
    label: options.label,
    from: options.from,
    to: options.to,
    timeZone: options.timeZone,
    noData,
    headline: {
      failing: noData ? null : failingNow.size,
      newFailures: noData ? null : newFailures.length,
      resolved: noData ? null : resolved.length,
      overdue: noData ? null : stillFailing.filter((s) => s.overdue).length,
      gaps: coverage.reduce((sum, c) => sum + c.gaps.length, 0),
      driftedResources: noData ? null : drift.length,
    },
    newFailures,
    resolved,
    stillFailing,
    drift,
    newResources,
    removedResources,
    coverage,
    missedRuns,
    expiringExceptions,
    expiringAttestations,
    populations,
    eventFailures,
    deliveryProblems: options.previousDeliveryProblems ?? [],
    trend,
    chainHead: head ? { seq: head.seq, hash: head.hash, finishedAt: head.finishedAt } : null,
    signingKeys,
  };
}

/** The day of the week's first snapshot of a finding's stream in which it no longer fails (or is gone). */
function firstNotFailing(store: EvidenceStore, start: Date, end: Date, timeZone: string) {
  const findings = new Map<number, Map<string, string>>();
  return async (f: CurrentFinding): Promise<string | undefined> => {
    const runs = await store.listRuns({ collector: f.collector, scope: f.scope, from: start, to: end });
    for (const run of runs) {
      if (run.status !== 'ok' && run.status !== 'partial') continue;
      if (!findings.has(run.seq)) findings.set(run.seq, new Map((await store.findingsOf(run.seq)).map((x) => [`${x.checkId}|${x.resourceId}`, x.status])));
      if (findings.get(run.seq)!.get(`${f.checkId}|${f.resourceId}`) !== 'fail') return dayOf(new Date(run.startedAt), timeZone);
    }
    return undefined;
  };
}

const AGENT_TYPES = /^agent\./;

/** Documents added, removed and changed between the snapshots in force at the two instants, per stream. */
async function compareSnapshots(store: EvidenceStore, previousAt: Date, endAt: Date, findingsNow: CurrentFinding[]) {
  const drift: Digest['drift'] = [];
  const newResources: Digest['newResources'] = [];
  const removedResources: Digest['removedResources'] = [];
  const before = new Map((await store.latestSnapshots(previousAt)).map((r) => [`${r.collector}|${r.scope}`, r]));
  for (const run of await store.latestSnapshots(endAt)) {
    const previous = before.get(`${run.collector}|${run.scope}`);
    if (!previous || previous.seq === run.seq) continue;
    const index = (items: EvidenceItem[]) => new Map(items.filter((i) => !AGENT_TYPES.test(i.type)).map((i) => [`${i.type}\u0000${i.resourceId}`, i]));
    const old = index(await store.evidenceOf(previous.seq));
    const cur = index(await store.evidenceOf(run.seq));
    const where = { collector: run.collector, scope: run.scope };
    for (const [k, item] of cur) {
      const was = old.get(k);
      if (!was) {
        newResources.push({ ...where, type: item.type, resourceId: item.resourceId });
        continue;
      }
      const changes = diff(was.data, item.data, '');
      if (changes.length === 0) continue;
      // Drift that still passes: changed evidence whose findings all pass now.
      const onResource = findingsNow.filter((f) => f.collector === run.collector && f.scope === run.scope && f.resourceId === item.resourceId);
      if (onResource.length > 0 && onResource.every((f) => f.status === 'pass'))
        drift.push({ ...where, type: item.type, resourceId: item.resourceId, changes: changes.slice(0, 5) });
    }
    for (const [k, item] of old) if (!cur.has(k)) removedResources.push({ ...where, type: item.type, resourceId: item.resourceId });
  }
  const byResource = (a: { resourceId: string; type: string }, b: { resourceId: string; type: string }) =>
    a.type.localeCompare(b.type) || a.resourceId.localeCompare(b.resourceId);
  return { drift: drift.sort(byResource), newResources: newResources.sort(byResource), removedResources: removedResources.sort(byResource) };
}

/** Activity, not configuration: last-use times move whenever someone works, which is not drift. */
const ACTIVITY_FIELD = /last\w*used|lastUsed/i;

/** Leaf values that differ, as dotted paths (arrays of equal length by index, else whole), activity left out. */
export function diff(before: unknown, after: unknown, path: string): { path: string; before: string; after: string }[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .sort()
      .filter((k) => !ACTIVITY_FIELD.test(k))
      .flatMap((k) => diff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => diff(item, after[i], `${path}[${i}]`));
  }
  const show = (v: unknown) => {
    const text = v === undefined ? '(none)' : JSON.stringify(v);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  };
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || '(document)', before: show(before), after: show(after) }];
}

async function weekCoverage(store: EvidenceStore, options: DigestOptions): Promise<Digest['coverage']> {
  const result: Digest['coverage'] = [];
  for (const framework of options.frameworks) {
    const report = await buildCoverage(store, framework, {
      from: options.from,
      to: options.to,
      timeZone: options.timeZone,
      collectors: options.collectors,
      cadenceDays: options.cadenceDays,
    });
    const controlDays = report.controls.length * report.days.length;
    result.push({
      framework: framework.id,
      controls: report.controls.length,
      controlDays,
      // A failing day with a gap was not evidenced in full.
      evidencedControlDays: report.controls.reduce((sum, c) => sum + report.days.length - c.gapDays, 0),
      gaps: report.controls.flatMap((c) => c.gaps.map((g) => ({ control: c.id, from: g.from, to: g.to, cause: g.details.join('; ') }))),
    });
  }
  return result;
}

/** Days of the week on which a stream had no successful snapshot, with the reason of the last failure. */
async function missedRunsOf(store: EvidenceStore, options: DigestOptions, start: Date, end: Date): Promise<Digest['missedRuns']> {
  const runs = await store.listRuns({ from: new Date(start.getTime() - 7 * DAY_MS), to: end });
  const streams = [...new Set(runs.filter((r) => !RECORD_STREAMS.has(r.collector)).map((r) => `${r.collector}|${r.scope}`))].sort();
  const days: string[] = [];
  for (let d = options.from; d <= options.to; d = nextDay(d)) days.push(d);
  const missed: Digest['missedRuns'] = [];
  for (const stream of streams) {
    const [collector, scope] = stream.split('|') as [string, string];
    if ((options.cadenceDays(collector) ?? 1) > 1) continue;
    const own = runs.filter((r) => r.collector === collector && r.scope === scope && r.startedAt >= start.toISOString());
    const okDays = new Set(own.filter((r) => r.status === 'ok' || r.status === 'partial').map((r) => dayOf(new Date(r.startedAt), options.timeZone)));
    const missing = days.filter((d) => !okDays.has(d));
    if (missing.length === 0) continue;
    const failures: RunRecord[] = own.filter((r) => r.status === 'failed' || r.status === 'aborted');
    const last = failures.at(-1);
    missed.push({ collector, scope, days: missing, cause: last ? `${last.status}: ${last.error ?? 'no reason recorded'}` : 'no run' });
  }
  return missed;
}

/** Exceptions in force at the end of the week that expire within 14 days of it. */
async function expiring(store: EvidenceStore, endAt: Date, timeZone: string, lastDay: string): Promise<Digest['expiringExceptions']> {
  const seen = new Map<string, AcceptedException>();
  for (const run of await store.latestSnapshots(endAt)) {
    for (const exception of await exceptionsStoredWith(store, run.seq)) seen.set(exception.id, exception);
  }
  const today = dayOf(endAt, timeZone) || lastDay;
  return [...seen.values()]
    .map((e) => ({ ...e, daysLeft: Math.round((Date.parse(`${e.expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS) }))
    .filter((e) => e.daysLeft >= 0 && e.daysLeft <= 14)
    .sort((a, b) => a.daysLeft - b.daysLeft || a.id.localeCompare(b.id));
}

async function notablePopulations(store: EvidenceStore, options: DigestOptions, start: Date, end: Date): Promise<Digest['populations']> {
  const result: Digest['populations'] = [];
  for (const collector of options.collectors) {
    for (const population of collector.populations ?? []) {
      if (!population.digest) continue;
      const notable: string[] = [];
      let rows = 0;
      await buildPopulation(store, collector.id, population, start, end, undefined, (row) => {
        rows++;
        if (!population.digest!.notable || population.digest!.notable(row)) notable.push(`${row['scope']}: ${population.digest!.line(row)}`);
      });
      result.push({ id: population.id, title: population.digest.title, rows, notable });
    }
  }
  return result;
}

/**
 * Every failing finding of an event check on an event that occurred in the week (whichever run read
 * it: the next morning's, a backfill), once per event and check, with its review if there is one.
 */
async function eventFailuresOf(
  store: EvidenceStore,
  start: Date,
  end: Date,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  checks: Map<string, { collector: string; check: CheckDefinition<any> }>,
): Promise<Digest['eventFailures']> {
  const failures: Digest['eventFailures'] = [];
  const reviews = await loadReviews(store);
  const streams = new Map<string, { collector: string; scope: string; fromSeq: number }>();
  // Events of the week are read by runs from the week's start on (an event is read after it occurred).
  for (const run of await store.listRuns({ from: start })) {
    if (run.status !== 'ok' && run.status !== 'partial') continue;
    const k = `${run.collector}|${run.scope}`;
    if (!streams.has(k)) streams.set(k, { collector: run.collector, scope: run.scope, fromSeq: run.seq });
  }
  for (const { collector, scope, fromSeq } of streams.values()) {
    const own = [...checks].filter(([, owner]) => owner.collector === collector && owner.check.judgesEvents).map(([id]) => id);
    if (own.length === 0) continue;
    for (const finding of await recordedEventFindings(store, collector, scope, own, { fromSeq }, new EventTimes(store, collector, scope))) {
      if (finding.status !== 'fail' || finding.occurredAt === null) continue;
      const at = Date.parse(finding.occurredAt);
      if (at < start.getTime() || at >= end.getTime()) continue;
      const review = reviews.get(reviewKey(finding));
      failures.push({
        checkId: finding.checkId,
        title: checks.get(finding.checkId)!.check.title,
        severity: finding.severity,
        scope,
        resourceId: finding.resourceId,
        message: finding.message,
        occurredAt: finding.occurredAt,
        reviewed: review ? `${reviewLine(review)}: ${review.note}` : null,
      });
    }
  }
  return failures.sort((a, b) => a.checkId.localeCompare(b.checkId) || a.occurredAt.localeCompare(b.occurredAt) || a.message.localeCompare(b.message));
}

/** Failing findings (state checks, not excepted) at the end of each of the last eight weeks; no data: null. */
async function failingTrend(store: EvidenceStore, options: DigestOptions, eventCheck: (id: string) => boolean): Promise<Digest['trend']> {
  const trend: Digest['trend'] = [];
  for (let i = 7; i >= 0; i--) {
    const last = addDays(options.to, -7 * i);
    const noData = await noDataCause(store, addDays(last, -6), last, options);
    if (noData) {
      trend.push({ week: last, failing: null, noData });
      continue;
    }
    const state = await currentState(store, new Date(startOfDay(nextDay(last), options.timeZone).getTime() - 1));
    trend.push({ week: last, failing: state.findings.filter((f) => f.status === 'fail' && !f.exception && !eventCheck(f.checkId)).length });
  }
  return trend;
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysApart = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);

/** Streams that observe the estate: not the digest's own records, not attestations made by hand. */
const observesEstate = (options: Pick<DigestOptions, 'collectors'>) => {
  const byHand = attestationCollectors(options.collectors);
  return (run: RunRecord) => run.collector !== DIGEST_COLLECTOR && !byHand.has(run.collector);
};

/**
 * Why the days `first`..`last` have no data, or null when they have: some collector's snapshot is valid
 * on one of them (taken on one of them, or earlier within its collector's cadence, as coverage counts it).
 */
async function noDataCause(
  store: EvidenceStore,
  first: string,
  last: string,
  options: Pick<DigestOptions, 'timeZone' | 'cadenceDays' | 'collectors'>,
): Promise<string | null> {
  const observes = observesEstate(options);
  const start = startOfDay(first, options.timeZone);
  const end = startOfDay(nextDay(last), options.timeZone);
  const snapshots = (await store.latestSnapshots(new Date(end.getTime() - 1))).filter(observes);
  const valid = snapshots.some((run) => {
    const day = dayOf(new Date(run.startedAt), options.timeZone);
    return day >= first || daysApart(day, first) < Math.max(1, options.cadenceDays(run.collector) ?? 1);
  });
  if (valid) return null;
  if ((await store.latestRuns(new Date(end.getTime() - 1))).filter(observes).length === 0) return 'no collector had run yet';
  const failed = (await store.listRuns({ from: start, to: end })).filter((r) => observes(r) && (r.status === 'failed' || r.status === 'aborted')).length;
  return `no collector produced a snapshot in the week${failed > 0 ? ` (${failed} run${failed === 1 ? '' : 's'} failed)` : ''}`;
}
