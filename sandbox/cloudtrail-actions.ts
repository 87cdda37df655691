// The CloudTrail operations the sandbox answers (JSON 1.1, `X-Amz-Target: CloudTrail_20131101.<Op>`): each
// reads the JSON request, the region the request was signed for and the simulated day, and returns the JSON
// reply, or throws a QueryFailure that becomes a `{"__type": ...}` error.
import { buildCloudTrailEstate, describeTrails, findTrail } from './cloudtrail-estate.js';
import type { CloudTrailEstate, EstateTrail } from './cloudtrail-estate.js';
import { EventHistory } from './cloudtrail-events.js';
import type { EventHistoryOptions } from './cloudtrail-events.js';
import { eventSelectorsJson, lookupEventJson, trailJson, trailStatusJson } from './cloudtrail-json.js';
import { LOOKUP_ATTRIBUTE_KEYS, lookupEvents } from './cloudtrail-lookup.js';
import type { LookupAttributeKey, LookupQuery } from './cloudtrail-lookup.js';
import { SANDBOX_ACCOUNT_ID } from './estate-model.js';
import { fail } from './query-failure.js';

export const CLOUDTRAIL_TARGET_PREFIX = 'CloudTrail_20131101.';
/** Requests without a readable SigV4 scope are taken to be for the home region, as the SDK's default. */
export const DEFAULT_CLOUDTRAIL_REGION = 'us-east-1';

/** The region a request was signed for: `Credential=AKID/20260101/eu-west-1/cloudtrail/aws4_request`. */
export function signedRegion(authorization: string | undefined): string {
  const match = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\//.exec(authorization ?? '');
  return match?.[1] ?? DEFAULT_CLOUDTRAIL_REGION;
}

/**
 * LookupEvents' quota, `perSecond` requests per second per region (the account is fixed), as AWS's APIs
 * throttle: a token bucket of `perSecond` tokens refilled at `perSecond` a second. A burst beyond it is
 * refused; a client paced at the rate gets through even when its requests arrive a few ms early or late
 * (a strict sliding window refused those, when the sandbox shared a busy process with its client).
 * Refused requests use no token, so a client backing off gets through.
 */
export class LookupRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  take(region: string): boolean {
    if (this.perSecond <= 0) return true;
    const now = this.clock();
    const bucket = this.buckets.get(region) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(region, bucket);
    return allowed;
  }
}

export interface CloudTrailServiceOptions extends EventHistoryOptions {
  /** LookupEvents calls allowed per second and region (AWS: 2); 0 turns the limit off. */
  lookupEventsPerSecond?: number;
}

type Body = Record<string, unknown>;
const MAX_CACHED_DAYS = 400;

export class CloudTrailService {
  readonly history: EventHistory;
  private readonly limiter: LookupRateLimiter;
  private readonly estates = new Map<string, CloudTrailEstate>();

  constructor(private readonly options: CloudTrailServiceOptions) {
    this.history = new EventHistory(options);
    this.limiter = new LookupRateLimiter(options.lookupEventsPerSecond ?? 2);
  }

  /** The trails as they stand at the instant `now`, built once per instant served. */
  estate(now: Date): CloudTrailEstate {
    const instant = now.toISOString();
    let estate = this.estates.get(instant);
    if (!estate) {
      if (this.estates.size >= MAX_CACHED_DAYS) this.estates.clear();
      estate = buildCloudTrailEstate(now, this.options);
      this.estates.set(instant, estate);
    }
    return estate;
  }

  /**
   * The JSON reply to operation `op` at the simulated instant `now`; LookupEvents sees the events up to
   * `eventsUntil` (default `now`: the clock runs on while a collection reads). Throws a QueryFailure for AWS errors.
   */
  handle(op: string, requestBody: string, region: string, now: Date, eventsUntil: Date = now): string {
    const body = parseBody(requestBody);
    const estate = this.estate(now);
    switch (op) {
      case 'DescribeTrails': {
        const names = optionalStrings(body, 'trailNameList');
        for (const name of names) checkTrailName(name);
        const shadows = optionalBoolean(body, 'includeShadowTrails') ?? true;
        return JSON.stringify({ trailList: describeTrails(estate, region, names, shadows).map(trailJson) });
      }
      case 'GetTrailStatus':
        return JSON.stringify(trailStatusJson(this.trail(estate, region, body, 'Name').status));
      case 'GetEventSelectors': {
        const trail = this.trail(estate, region, body, 'TrailName');
        return JSON.stringify(eventSelectorsJson(trail.arn, trail.selectors));
      }
      case 'LookupEvents': {
        if (!this.limiter.take(region)) fail(400, 'ThrottlingException', 'Rate exceeded');
        const query = lookupQuery(body);
        // Only management events are recorded; Insights is not enabled on any trail.
        if (body.EventCategory === 'insight') return JSON.stringify({ Events: [] });
        const page = lookupEvents(this.history, region, query, eventsUntil);
        return JSON.stringify({ Events: page.events.map(lookupEventJson), NextToken: page.nextToken });
      }
      default:
        return fail(400, 'UnknownOperationException', `Unknown operation ${op}.`);
    }
  }

  private trail(estate: CloudTrailEstate, region: string, body: Body, member: string): EstateTrail {
    const name = body[member];
    if (typeof name !== 'string' || name === '') fail(400, 'InvalidTrailNameException', 'Trail name cannot be empty.');
    checkTrailName(name);
    const trail = findTrail(estate, region, name);
    if (!trail) fail(400, 'TrailNotFoundException', `Unknown trail: ${name} for the user: ${SANDBOX_ACCOUNT_ID}`);
    return trail;
  }
}

function parseBody(text: string): Body {
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    fail(400, 'SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail(400, 'SerializationException', 'The request body must be a JSON object.');
  }
  return body as Body;
}

function optionalStrings(body: Body, member: string): string[] {
  const value = body[member];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    fail(400, 'SerializationException', `${member} must be a list of strings.`);
  }
  return value as string[];
}
function optionalBoolean(body: Body, member: string): boolean | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(400, 'SerializationException', `${member} must be a boolean.`);
  return value;
}

const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/;
const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;
function checkTrailName(name: string): void {
  if (name.startsWith('arn:')) {
    if (!TRAIL_ARN.test(name)) fail(400, 'CloudTrailARNInvalidException', `ARN ${name} is not valid.`);
  } else if (!TRAIL_NAME.test(name) || /[._-]{2}/.test(name)) {
    fail(
      400,
      'InvalidTrailNameException',
      'Trail name must be 3-128 letters, numbers, periods, underscores or hyphens, ' + 'starting and ending with a letter or number.',
    );
  }
}

/** Timestamps arrive as epoch seconds (the SDK's encoding); ISO strings are taken too, for hand-made calls. */
function time(body: Body, member: string): Date | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) fail(400, 'InvalidTimeRangeException', `${member} is not a valid time.`);
  return date;
}

function lookupQuery(body: Body): LookupQuery {
  const query: LookupQuery = { maxResults: 50 };
  const attributes = body.LookupAttributes ?? [];
  if (!Array.isArray(attributes)) fail(400, 'InvalidLookupAttributesException', 'LookupAttributes must be a list.');
  if (attributes.length > 1) {
    fail(400, 'InvalidLookupAttributesException', 'You can specify only one lookup attribute per request.');
  }
  const attribute = attributes[0] as { AttributeKey?: unknown; AttributeValue?: unknown } | undefined;
  if (attribute) {
    const { AttributeKey: key, AttributeValue: value } = attribute;
    if (!(LOOKUP_ATTRIBUTE_KEYS as readonly unknown[]).includes(key)) {
      fail(400, 'InvalidLookupAttributesException', `Lookup attribute key ${String(key)} is not valid.`);
    }
    if (typeof value !== 'string' || value === '' || value.length > 2000) {
      fail(400, 'InvalidLookupAttributesException', 'Lookup attribute value must be 1 to 2000 characters.');
    }
    query.attribute = { key: key as LookupAttributeKey, value };
  }
  const startTime = time(body, 'StartTime');
  const endTime = time(body, 'EndTime');
  if (startTime && endTime && startTime > endTime) {
    fail(400, 'InvalidTimeRangeException', 'Start time must be before or equal to end time.');
  }
  if (startTime) query.startTime = startTime;
  if (endTime) query.endTime = endTime;
  const category = body.EventCategory;
  if (category !== undefined && category !== null && category !== 'insight') {
    fail(400, 'InvalidEventCategoryException', `Event category ${String(category)} is not valid.`);
  }
  const max = body.MaxResults;
  if (max !== undefined && max !== null) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50) {
      fail(400, 'InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
    }
    query.maxResults = max;
  }
  const token = body.NextToken;
  if (token !== undefined && token !== null) {
    if (typeof token !== 'string') fail(400, 'InvalidNextTokenException', 'NextToken must be a string.');
    query.nextToken = token;
  }
  return query;
}
