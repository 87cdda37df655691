// LookupEvents over the event history: one attribute filter, a time window clipped to the last 90 days,
// newest first, and NextToken pages that only the same query may continue.
import { paddingMayMatch } from './cloudtrail-events.js';
import type { EventHistory } from './cloudtrail-events.js';
import { lookupUsername } from './cloudtrail-records.js';
import type { TrailEvent } from './cloudtrail-records.js';
import { fail } from './query-failure.js';
import { DAY_MS, dayIndex, hash32 } from './estate-timeline.js';

export const LOOKUP_ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

export interface LookupQuery {
  attribute?: { key: LookupAttributeKey; value: string };
  startTime?: Date;
  endTime?: Date;
  maxResults: number;
  nextToken?: string;
}
export interface LookupPage {
  events: TrailEvent[];
  nextToken?: string;
}

/** How far back event history goes. */
export const EVENT_HISTORY_DAYS = 90;

const matchers: Record<LookupAttributeKey, (e: TrailEvent, value: string) => boolean> = {
  EventId: (e, v) => e.eventId === v,
  EventName: (e, v) => e.eventName === v,
  ReadOnly: (e, v) => String(e.readOnly) === v,
  Username: (e, v) => lookupUsername(e.userIdentity) === v,
  ResourceType: (e, v) => e.resources.some((r) => r.type === v),
  ResourceName: (e, v) => e.resources.some((r) => r.name === v),
  EventSource: (e, v) => e.eventSource === v,
  AccessKeyId: (e, v) => e.userIdentity.accessKeyId === v,
};

/** A token names the query it belongs to and the next match: a day and a position in that day's list. */
function fingerprint(region: string, q: LookupQuery): string {
  const { key = '', value = '' } = q.attribute ?? {};
  const text = [region, key, value, q.startTime?.getTime() ?? '', q.endTime?.getTime() ?? ''].join('\n');
  return hash32(text, 0).toString(36);
}
function readToken(token: string, expected: string): { day: number; index: number } {
  const match = /^([0-9a-z]+):(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || match[1] !== expected) {
    fail(400, 'InvalidNextTokenException', 'Invalid NextToken: it belongs to a different query or is corrupt.');
  }
  return { day: Number(match[2]), index: Number(match[3]) };
}
const writeToken = (print: string, day: number, index: number) => Buffer.from(`${print}:${day}:${index}`).toString('base64url');

/** One page of LookupEvents in `region` as the history stands at `asOf`. */
export function lookupEvents(history: EventHistory, region: string, q: LookupQuery, asOf: Date): LookupPage {
  const horizon = asOf.getTime() - EVENT_HISTORY_DAYS * DAY_MS;
  const from = Math.max(q.startTime?.getTime() ?? horizon, horizon);
  const to = Math.min(q.endTime?.getTime() ?? asOf.getTime(), asOf.getTime());
  const print = fingerprint(region, q);
  let { day, index } = q.nextToken ? readToken(q.nextToken, print) : { day: dayIndex(new Date(to)), index: 0 };
  const wanted = (e: TrailEvent) => {
    const time = e.eventTime.getTime();
    return time >= from && time <= to && (!q.attribute || matchers[q.attribute.key](e, q.attribute.value));
  };
  const events: TrailEvent[] = [];
  if (from > to) return { events };
  const padding = !q.attribute || paddingMayMatch(q.attribute.key, q.attribute.value);
  for (; day >= dayIndex(new Date(from)); day--, index = 0) {
    const list = history.eventsOn(region, day, padding);
    for (; index < list.length; index++) {
      const event = list[index];
      if (!event || !wanted(event)) continue;
      // The page is full and another match exists: it starts the next page.
      if (events.length === q.maxResults) return { events, nextToken: writeToken(print, day, index) };
      events.push(event);
    }
  }
  return { events };
}
