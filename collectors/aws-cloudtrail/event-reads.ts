// The event slice: per region, LookupEvents for each configured event name (and the root user) over
// [watermark or backfill start, now), all pages, every attempt paced by the region's pacer. Each event
// is kept once per run (by EventId); a record that cannot be parsed is kept as read and flagged.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient, Event, LookupAttribute } from '@aws-sdk/client-cloudtrail';
import type { EventItem, EventWindow, EvidenceItem, ResourceError } from '../../src/collector.js';
import type { AccountRef } from '../_aws/account.js';
import { describeFailure } from '../_aws/errors.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { EVENT_SCHEMA_VERSION, EVENT_TYPE, EVIDENCE, EVIDENCE_SCHEMA_VERSION, LOOKUP_RETENTION_DAYS, resourceIds } from './schema.js';
import type { AwsCloudTrailOptions, CloudTrailEventData, RegionEventsEvidence } from './schema.js';

const DAY_MS = 86_400_000;
export const LOOKUP_PAGE_SIZE = 50;
export const HOLE_ERROR = 'older than the 90 days LookupEvents keeps';
export const MALFORMED_FLAG = 'malformed-record';

/** One LookupEvents filter: the label names it in evidence and errors. */
export interface LookupQuery {
  label: string;
  attribute: LookupAttribute;
  /** Which of the events read are kept (LookupEvents takes one attribute, so a second filter runs here). */
  keep?: (event: Event) => boolean;
}

export const IAM_EVENT_SOURCE = 'iam.amazonaws.com';

export function lookupQueries(events: AwsCloudTrailOptions['events']): LookupQuery[] {
  const queries: LookupQuery[] = [...new Set(events.eventNames)].map((name) => ({
    label: `EventName=${name}`,
    attribute: { AttributeKey: 'EventName', AttributeValue: name },
  }));
  if (events.rootActivity) queries.push({ label: 'Username=root', attribute: { AttributeKey: 'Username', AttributeValue: 'root' } });
  if (events.iamChanges) {
    queries.push({
      label: `EventSource=${IAM_EVENT_SOURCE} (writes)`,
      attribute: { AttributeKey: 'EventSource', AttributeValue: IAM_EVENT_SOURCE },
      // Reads (Get*, List*, scanners, this agent) are most IAM events and change no access; an event
      // whose ReadOnly is missing is kept rather than guessed away.
      keep: (event) => event.ReadOnly !== 'true',
    });
  }
  return queries;
}

/** The span to read in a region, and the recorded hole when the watermark is beyond LookupEvents' reach. */
export function plannedWindows(watermark: string | undefined, now: Date, backfillDays: number): { from: Date; to: Date; hole?: { from: Date; to: Date } } {
  const oldest = new Date(now.getTime() - LOOKUP_RETENTION_DAYS * DAY_MS);
  const start = watermark !== undefined ? new Date(watermark) : new Date(now.getTime() - backfillDays * DAY_MS);
  if (Number.isNaN(start.getTime())) return { from: oldest, to: now };
  if (start < oldest) return { from: oldest, to: now, hole: { from: start, to: oldest } };
  return { from: start > now ? now : start, to: now };
}

/** All pages of one query; a fresh input per page (the SDK's paginator mutates its input). */
async function lookupAll(client: CloudTrailClient, query: LookupQuery, from: Date, to: Date, signal: AbortSignal): Promise<Event[]> {
  const events: Event[] = [];
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  do {
    const input = {
      LookupAttributes: [{ ...query.attribute }],
      StartTime: from,
      EndTime: to,
      MaxResults: LOOKUP_PAGE_SIZE,
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
    const output = await client.send(new LookupEventsCommand(input), { abortSignal: signal });
    if (!Array.isArray(output.Events)) throw new MalformedResponseError('the reply has no Events');
    // Without its id or time an event can be neither stored once nor placed in the window: the
    // query fails (a recorded hole) rather than keep something unplaceable.
    output.Events.forEach((event, index) => {
      if (!event.EventId || !(event.EventTime instanceof Date) || Number.isNaN(event.EventTime.getTime())) {
        throw new MalformedResponseError(`event ${events.length + index + 1} has no EventId or EventTime`);
      }
    });
    events.push(...output.Events);
    nextToken = output.NextToken || undefined;
    if (nextToken !== undefined) {
      if (seenTokens.has(nextToken)) throw new MalformedResponseError('the reply repeats a NextToken');
      seenTokens.add(nextToken);
    }
  } while (nextToken !== undefined);
  return events;
}

export interface RegionEventsRead {
  events: EventItem[];
  windows: EventWindow[];
  evidence: EvidenceItem[];
  errors: ResourceError[];
}

/** Reads one region's queries one after another (the pacer spaces them anyway); stops at the first failure. */
export async function readRegionEvents(
  client: CloudTrailClient,
  account: AccountRef,
  region: string,
  options: AwsCloudTrailOptions['events'],
  watermark: string | undefined,
  now: Date,
  signal: AbortSignal,
): Promise<RegionEventsRead> {
  const plan = plannedWindows(watermark, now, options.backfillDays);
  const windows: EventWindow[] = [];
  if (plan.hole) {
    windows.push({ partition: region, from: plan.hole.from.toISOString(), to: plan.hole.to.toISOString(), complete: false, error: HOLE_ERROR });
  }
  const queries = lookupQueries(options);
  const read: Event[] = [];
  let failure: string | undefined;
  if (plan.from < plan.to) {
    for (const query of queries) {
      try {
        const found = await lookupAll(client, query, plan.from, plan.to, signal);
        read.push(...(query.keep ? found.filter(query.keep) : found));
      } catch (error) {
        signal.throwIfAborted();
        failure = describeFailure(`LookupEvents ${query.label} in ${region}`, error);
        break;
      }
    }
  }
  const window: EventWindow = { partition: region, from: plan.from.toISOString(), to: plan.to.toISOString(), complete: failure === undefined };
  if (failure !== undefined) window.error = failure;
  windows.push(window);

  const resourceId = resourceIds.region(account, region);
  const evidence: EvidenceItem[] = [];
  const errors: ResourceError[] = [];
  if (failure === undefined) {
    const data: RegionEventsEvidence = { accountId: account.accountId, region, queries: queries.map((q) => q.label).sort() };
    evidence.push({ type: EVIDENCE.regionEvents, resourceId, schemaVersion: EVIDENCE_SCHEMA_VERSION, data });
  } else {
    errors.push({ type: EVIDENCE.regionEvents, resourceId, error: failure });
  }
  return { events: read.map((event) => eventItem(event, region)), windows, evidence, errors };
}

/**
 * A record needs these to be placed and named. `userIdentity` is not among them: CloudTrail leaves it
 * out of some records, and such an event is still a call that happened (a role changed); the checks
 * that need the identity say they cannot tell, and the population keeps the row.
 */
const REQUIRED_FIELDS = ['eventID', 'eventTime', 'eventName'] as const;

/** The parsed record, or undefined when it is not a JSON object with the fields every check relies on. */
export function parseRecord(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const identity = record['userIdentity'];
  const complete =
    REQUIRED_FIELDS.every((field) => record[field] !== undefined && record[field] !== null) &&
    (identity === undefined || (typeof identity === 'object' && identity !== null && !Array.isArray(identity)));
  return complete ? record : undefined;
}

export function eventItem(event: Event, region: string): EventItem {
  const record = parseRecord(event.CloudTrailEvent);
  const data: CloudTrailEventData = {
    eventName: event.EventName ?? null,
    eventSource: event.EventSource ?? null,
    username: event.Username ?? null,
    readOnly: event.ReadOnly === 'true' ? true : event.ReadOnly === 'false' ? false : null,
    ...(event.AccessKeyId ? { accessKeyId: event.AccessKeyId } : {}),
    resources: (event.Resources ?? []).map((r) => ({ type: r.ResourceType ?? null, name: r.ResourceName ?? null })),
    record: record ?? null,
    ...(record ? {} : { rawRecord: event.CloudTrailEvent ?? '' }),
  };
  // lookupAll checked both.
  const item: EventItem = {
    type: EVENT_TYPE,
    eventId: event.EventId!,
    occurredAt: event.EventTime!.toISOString(),
    partition: region,
    schemaVersion: EVENT_SCHEMA_VERSION,
    data,
  };
  if (!record) item.flags = [MALFORMED_FLAG];
  return item;
}
