// The access changes of Identity Center and Organizations, from the management account's CloudTrail event
// history: LookupEvents by event source (sso.amazonaws.com: assignments and permission sets;
// identitystore.amazonaws.com and sso-directory.amazonaws.com: users, groups, memberships, by API and by
// console; organizations.amazonaws.com: SCPs, accounts, OUs), write events only, over [watermark or
// backfill start, now) per region, every page. Identity Center logs in its own region, Organizations in
// the partition's global-service region. A region whose read fails is an incomplete window: a recorded
// hole the next run reads again.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient, Event } from '@aws-sdk/client-cloudtrail';
import type { EventItem, EventWindow } from '../../src/collector.js';
import { describeFailure } from '../_aws/errors.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { readAll } from './paging.js';
import { EVENT_SCHEMA_VERSION, EVENT_TYPE } from './schema.js';

const DAY_MS = 86_400_000;
export const LOOKUP_RETENTION_DAYS = 90;
export const HOLE_ERROR = 'older than the 90 days LookupEvents keeps';
const LOOKUP_PAGE_SIZE = 50;
/** LookupEvents allows 2 requests per second per account and region; a margin keeps clear of it. */
export const LOOKUP_INTERVAL_MS = 525;

export const IDENTITY_CENTER_SOURCES = ['sso.amazonaws.com', 'identitystore.amazonaws.com', 'sso-directory.amazonaws.com'] as const;
export const ORGANIZATIONS_SOURCE = 'organizations.amazonaws.com';

/** Where Organizations (a global service) records its events, per partition. */
export function organizationsEventRegion(partition: string): string {
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  if (partition === 'aws-cn') return 'cn-northwest-1';
  return 'us-east-1';
}

/** The event sources read in each region. */
export function plannedSources(identityCenterRegion: string | undefined, partition: string): Map<string, string[]> {
  const plan = new Map<string, string[]>();
  const add = (region: string, sources: readonly string[]) => plan.set(region, [...(plan.get(region) ?? []), ...sources]);
  if (identityCenterRegion) add(identityCenterRegion, IDENTITY_CENTER_SOURCES);
  add(organizationsEventRegion(partition), [ORGANIZATIONS_SOURCE]);
  return plan;
}

/** The span to read, and the recorded hole when the watermark is beyond LookupEvents' reach. */
export function plannedWindow(watermark: string | undefined, now: Date, backfillDays: number): { from: Date; to: Date; hole?: { from: Date; to: Date } } {
  const oldest = new Date(now.getTime() - LOOKUP_RETENTION_DAYS * DAY_MS);
  const start = watermark !== undefined ? new Date(watermark) : new Date(now.getTime() - backfillDays * DAY_MS);
  if (Number.isNaN(start.getTime())) return { from: oldest, to: now };
  if (start < oldest) return { from: oldest, to: now, hole: { from: start, to: oldest } };
  return { from: start > now ? now : start, to: now };
}

export interface RegionEvents {
  events: EventItem[];
  windows: EventWindow[];
}

/** Reads one region's sources one after another, `pause` between requests; stops at the first failure. */
export async function readRegionEvents(
  client: CloudTrailClient,
  region: string,
  sources: readonly string[],
  watermark: string | undefined,
  now: Date,
  backfillDays: number,
  pause: () => Promise<void>,
  signal: AbortSignal,
): Promise<RegionEvents> {
  const plan = plannedWindow(watermark, now, backfillDays);
  const windows: EventWindow[] = [];
  if (plan.hole) windows.push({ partition: region, from: plan.hole.from.toISOString(), to: plan.hole.to.toISOString(), complete: false, error: HOLE_ERROR });
  const read: Event[] = [];
  let failure: string | undefined;
  if (plan.from < plan.to) {
    for (const source of sources) {
      try {
        const found = await readAll(
          `LookupEvents EventSource=${source} in ${region}`,
          async (token) => {
            await pause();
            const page = await client.send(
              new LookupEventsCommand({
                LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: source }],
                StartTime: plan.from,
                EndTime: plan.to,
                MaxResults: LOOKUP_PAGE_SIZE,
                ...(token ? { NextToken: token } : {}),
              }),
              { abortSignal: signal },
            );
            return { items: page.Events, next: page.NextToken };
          },
          10_000,
        );
        found.forEach((event, index) => {
          if (!event.EventId || !(event.EventTime instanceof Date) || Number.isNaN(event.EventTime.getTime())) {
            throw new MalformedResponseError(`event ${index + 1} has no EventId or EventTime`);
          }
        });
        // Reads (List*, Describe*, this agent's own) change no access; an event without ReadOnly is kept.
        read.push(...found.filter((event) => event.ReadOnly !== 'true'));
      } catch (error) {
        signal.throwIfAborted();
        failure = describeFailure(`LookupEvents EventSource=${source} in ${region}`, error);
        break;
      }
    }
  }
  const window: EventWindow = { partition: region, from: plan.from.toISOString(), to: plan.to.toISOString(), complete: failure === undefined };
  if (failure !== undefined) window.error = failure;
  windows.push(window);
  // A failed region keeps no events: its window is read again in full by the next run.
  return { events: failure === undefined ? read.map((event) => eventItem(event, region)) : [], windows };
}

/** The stored event: LookupEvents' summary and the parsed record (null, with the raw text, when it is not JSON). */
export interface OrganizationEventData {
  eventName: string | null;
  eventSource: string | null;
  username: string | null;
  record: Record<string, unknown> | null;
  rawRecord?: string;
}

export const MALFORMED_FLAG = 'malformed-record';

function eventItem(event: Event, region: string): EventItem {
  let record: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(event.CloudTrailEvent ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) record = parsed as Record<string, unknown>;
  } catch {
    record = null;
  }
  const data: OrganizationEventData = {
    eventName: event.EventName ?? null,
    eventSource: event.EventSource ?? null,
    username: event.Username ?? null,
    record,
    ...(record ? {} : { rawRecord: event.CloudTrailEvent ?? '' }),
  };
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
