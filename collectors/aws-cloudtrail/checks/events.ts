// How the event checks see the population: this run's events of each region whose events were read
// completely, and the one sentence that names an event (time, actor, source IP, event id).
// Findings on an event use its EventId as resource id (the key it is stored under), so each event has
// its own finding; a region with no matching event gets one pass on its region-events resource, whose
// message holds no time, so it stays identical (and deduplicates) run after run.
import type { EventItem, EvidenceView, FindingDraft, FindingStatus } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVENT_TYPE, EVIDENCE } from '../schema.js';
import type { CloudTrailEventData, RegionEventsEvidence } from '../schema.js';

export interface TrailEventView {
  item: EventItem;
  data: CloudTrailEventData;
  record: Record<string, unknown> | null;
}

export function trailEvents(view: EvidenceView): TrailEventView[] {
  return view.events(EVENT_TYPE).map((item) => {
    const data = item.data as CloudTrailEventData;
    return { item, data, record: data.record };
  });
}

const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const path = (record: Record<string, unknown> | null, ...keys: string[]): unknown => keys.reduce<unknown>((value, key) => field(value, key), record);

/** Who acted: the identity's ARN, else its type and LookupEvents' user name. */
export function actor(event: TrailEventView): string {
  const identity = path(event.record, 'userIdentity');
  const arn = str(field(identity, 'arn'));
  if (arn) return arn;
  const type = str(field(identity, 'type'));
  const name = event.data.username ?? 'unknown';
  return type ? `${type} ${name}` : name;
}

/** `ConsoleLogin at 2026-01-05T10:00:00.000Z in us-east-1 by <actor> from 203.0.113.9 (event <id>)`. */
export function eventLabel(event: TrailEventView): string {
  const name = event.data.eventName ?? str(path(event.record, 'eventName')) ?? 'an event';
  const ip = str(path(event.record, 'sourceIPAddress')) ?? 'an unknown address';
  const malformed = event.record === null ? ', record malformed' : '';
  return `${name} at ${event.item.occurredAt} in ${event.item.partition} by ${actor(event)} from ${ip} (event ${event.item.eventId}${malformed})`;
}

export function eventFinding(event: TrailEventView, status: FindingStatus, message: string): FindingDraft {
  return { resourceType: EVENT_TYPE, resourceId: event.item.eventId, status, message };
}

/**
 * Findings per matching event, and one pass per completely read region with none. `judge` returns
 * undefined for an event the check is not about.
 */
export function judgeEvents(
  view: EvidenceView,
  judge: (event: TrailEventView) => { status: FindingStatus; message: string } | undefined,
  passMessage: (region: RegionEventsEvidence) => string,
): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const regionsWithFindings = new Set<string>();
  for (const event of trailEvents(view)) {
    const judged = judge(event);
    if (!judged) continue;
    regionsWithFindings.add(event.item.partition);
    findings.push(eventFinding(event, judged.status, judged.message));
  }
  for (const region of evidenceOf<RegionEventsEvidence>(view, EVIDENCE.regionEvents)) {
    if (!regionsWithFindings.has(region.data.region)) findings.push(finding(region, 'pass', passMessage(region.data)));
  }
  return findings;
}

export const regionName = (region: RegionEventsEvidence) => `region ${region.region} of account ${region.accountId}`;
