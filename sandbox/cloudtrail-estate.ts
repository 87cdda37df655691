// The trails of the sandbox account as they stand at any instant: the organization's multi-region
// trail (owned by the management account, so the member sees it as a shadow), a faulty local trail, and
// (from the drift) the account's own multi-region trail with CloudWatch Logs alarms.
// A pure function of (instant, historyEnd, seed), like the IAM estate.
import { DRIFT } from './drift.js';
import { DEFAULT_ESTATE_SEED, MANAGEMENT_ACCOUNT_ID, SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from './estate-model.js';
import type { EstateOptions } from './estate-model.js';
import { awsUuid, DAY_MS, timeline } from './estate-timeline.js';
import type { Timeline } from './estate-timeline.js';

/** Where the organization trail lives, and where global (IAM, sign-in) events are recorded. */
export const CLOUDTRAIL_HOME_REGION = 'us-east-1';
/** The regions with activity; any other region answers too, with the organization trail's shadow only. */
export const CLOUDTRAIL_REGIONS = [CLOUDTRAIL_HOME_REGION, SANDBOX_REGION] as const;
export const ORG_TRAIL_ARN = `arn:aws:cloudtrail:${CLOUDTRAIL_HOME_REGION}:${MANAGEMENT_ACCOUNT_ID}:trail/org-trail`;
export const LOCAL_TRAIL_ARN = `arn:aws:cloudtrail:${SANDBOX_REGION}:${SANDBOX_ACCOUNT_ID}:trail/eu-audit`;
export const SECURITY_TRAIL_ARN = `arn:aws:cloudtrail:${CLOUDTRAIL_HOME_REGION}:${SANDBOX_ACCOUNT_ID}:trail/security-trail`;
/** The log group security-trail sends to: the account's own, so its metric filters and alarms can be read. */
export const SECURITY_LOG_GROUP = 'aws-cloudtrail-logs-111122223333-security';

export interface FieldSelector {
  field: string;
  equals?: string[];
  startsWith?: string[];
  endsWith?: string[];
  notEquals?: string[];
  notStartsWith?: string[];
  notEndsWith?: string[];
}
export interface BasicEventSelector {
  readWriteType: 'All' | 'ReadOnly' | 'WriteOnly';
  includeManagementEvents: boolean;
  dataResources: { type: string; values: string[] }[];
  excludeManagementEventSources: string[];
}
export type TrailSelectors =
  { kind: 'basic'; eventSelectors: BasicEventSelector[] } | { kind: 'advanced'; advancedEventSelectors: { name: string; fieldSelectors: FieldSelector[] }[] };

export interface TrailStatus {
  isLogging: boolean;
  latestDeliveryTime?: Date;
  latestDeliveryError?: string;
  latestDigestDeliveryTime?: Date;
  latestCloudWatchLogsDeliveryTime?: Date;
  latestCloudWatchLogsDeliveryError?: string;
  startLoggingTime?: Date;
  stopLoggingTime?: Date;
}
export interface EstateTrail {
  name: string;
  arn: string;
  ownerAccountId: string;
  homeRegion: string;
  createDate: Date;
  s3BucketName: string;
  s3KeyPrefix?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  isOrganizationTrail: boolean;
  logFileValidationEnabled: boolean;
  cloudWatchLogsLogGroupArn?: string;
  cloudWatchLogsRoleArn?: string;
  kmsKeyId?: string;
  hasCustomEventSelectors: boolean;
  hasInsightSelectors: boolean;
  selectors: TrailSelectors;
  status: TrailStatus;
}
export interface CloudTrailEstate {
  accountId: string;
  /** The UTC day described, `YYYY-MM-DD`. */
  day: string;
  asOf: Date;
  trails: EstateTrail[];
}

const MINUTE = 60_000;
/** The latest instant at or before `until` of the form n * period + offset: periodic deliveries. */
const lastTick = (until: Date, periodMs: number, offsetMs: number) => new Date(Math.floor((until.getTime() - offsetMs) / periodMs) * periodMs + offsetMs);
const notBefore = (date: Date, floor: Date) => (date >= floor ? date : undefined);

interface StatusSpec {
  created: Date;
  /** Logging pauses: stopped, then perhaps started again. */
  pauses: { stop: Date; start: Date }[];
  validationFrom: Date | null;
  cloudWatch: boolean;
  cloudWatchFailsFrom?: Date;
  /** Spreads the delivery ticks of different trails apart. */
  offsetSeconds: number;
}

function trailStatus(t: Timeline, spec: StatusSpec): TrailStatus {
  const seen = (d: Date) => t.exists(d);
  const starts = [spec.created, ...spec.pauses.map((p) => p.start)].filter(seen);
  const stops = spec.pauses.map((p) => p.stop).filter(seen);
  const start = starts.at(-1) ?? spec.created;
  const stop = stops.at(-1);
  const isLogging = stop === undefined || start > stop;
  // Logs buffered at a stop are delivered a couple of minutes later, then nothing until a restart.
  const logsUntil = isLogging ? t.asOf : new Date(stop.getTime() + 150_000);
  const offset = spec.offsetSeconds * 1000;
  const status: TrailStatus = {
    isLogging,
    latestDeliveryTime: notBefore(lastTick(logsUntil, 5 * MINUTE, offset), start),
    startLoggingTime: start,
    ...(stop ? { stopLoggingTime: stop } : {}),
  };
  if (spec.validationFrom && seen(spec.validationFrom)) {
    const digest = notBefore(lastTick(logsUntil, 60 * MINUTE, 7 * MINUTE + offset), spec.validationFrom);
    if (digest) status.latestDigestDeliveryTime = digest;
  }
  if (spec.cloudWatch) {
    const failing = spec.cloudWatchFailsFrom && seen(spec.cloudWatchFailsFrom) ? spec.cloudWatchFailsFrom : undefined;
    const until = failing && failing < logsUntil ? failing : logsUntil;
    status.latestCloudWatchLogsDeliveryTime = notBefore(lastTick(until, MINUTE, offset % MINUTE), start);
    if (failing) {
      status.latestCloudWatchLogsDeliveryError = 'AccessDeniedException: User is not authorized to perform logs:PutLogEvents on the log group';
    }
  }
  return status;
}

const MANAGEMENT_AND_S3_SELECTORS: TrailSelectors = {
  kind: 'advanced',
  advancedEventSelectors: [
    { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
    {
      name: 'S3 data events on the data lake',
      fieldSelectors: [
        { field: 'eventCategory', equals: ['Data'] },
        { field: 'resources.type', equals: ['AWS::S3::Object'] },
        { field: 'resources.ARN', startsWith: ['arn:aws:s3:::example-co-lake/'] },
      ],
    },
  ],
};
// The fault: read-only management events (console sign-ins aside, most of the API traffic) are not kept.
const WRITE_ONLY_SELECTORS: TrailSelectors = {
  kind: 'basic',
  eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }],
};

function orgTrail(t: Timeline): EstateTrail {
  const created = t.at(-1300, 15, 30, 0);
  const mgmt = MANAGEMENT_ACCOUNT_ID;
  return {
    name: 'org-trail',
    arn: ORG_TRAIL_ARN,
    ownerAccountId: mgmt,
    homeRegion: CLOUDTRAIL_HOME_REGION,
    createDate: created,
    s3BucketName: 'example-co-org-cloudtrail-logs',
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: true,
    isOrganizationTrail: true,
    logFileValidationEnabled: true,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:${CLOUDTRAIL_HOME_REGION}:${mgmt}:log-group:aws-cloudtrail-logs-org:*`,
    cloudWatchLogsRoleArn: `arn:aws:iam::${mgmt}:role/CloudTrailRoleForCloudWatchLogs_org-trail`,
    kmsKeyId: `arn:aws:kms:${CLOUDTRAIL_HOME_REGION}:${mgmt}:key/${awsUuid(t.seed, 'kms:org-trail')}`,
    hasCustomEventSelectors: true,
    hasInsightSelectors: false,
    selectors: MANAGEMENT_AND_S3_SELECTORS,
    status: trailStatus(t, {
      created,
      pauses: [{ stop: t.when(DRIFT.orgTrailStopped), start: t.when(DRIFT.orgTrailStarted) }],
      validationFrom: created,
      cloudWatch: true,
      cloudWatchFailsFrom: t.when(DRIFT.orgTrailCloudWatchError),
      offsetSeconds: 41,
    }),
  };
}

function localTrail(t: Timeline): EstateTrail {
  const created = t.at(-400, 11, 15, 0);
  const validationFrom = t.when(DRIFT.euAuditValidation);
  return {
    name: 'eu-audit',
    arn: LOCAL_TRAIL_ARN,
    ownerAccountId: SANDBOX_ACCOUNT_ID,
    homeRegion: SANDBOX_REGION,
    createDate: created,
    s3BucketName: 'example-co-eu-audit-trail',
    s3KeyPrefix: 'regional',
    // Global events are recorded in us-east-1 only, so a trail elsewhere gains nothing from them.
    includeGlobalServiceEvents: false,
    isMultiRegionTrail: false,
    isOrganizationTrail: false,
    logFileValidationEnabled: t.has(DRIFT.euAuditValidation),
    hasCustomEventSelectors: true,
    hasInsightSelectors: false,
    selectors: WRITE_ONLY_SELECTORS,
    status: trailStatus(t, { created, pauses: [], validationFrom, cloudWatch: false, offsetSeconds: 113 }),
  };
}

/**
 * The account's own multi-region trail, created by the drift: it sends to a CloudWatch Logs log group of
 * this account (cloudtrail-alarms.ts serves its metric filters and alarms), KMS-encrypted and validated.
 */
function securityTrail(t: Timeline): EstateTrail {
  const created = t.when(DRIFT.securityTrail);
  return {
    name: 'security-trail',
    arn: SECURITY_TRAIL_ARN,
    ownerAccountId: SANDBOX_ACCOUNT_ID,
    homeRegion: CLOUDTRAIL_HOME_REGION,
    createDate: created,
    s3BucketName: 'example-co-security-trail-111122223333',
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: true,
    isOrganizationTrail: false,
    logFileValidationEnabled: true,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:${CLOUDTRAIL_HOME_REGION}:${SANDBOX_ACCOUNT_ID}:log-group:${SECURITY_LOG_GROUP}:*`,
    cloudWatchLogsRoleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/service-role/CloudTrailRoleForCloudWatchLogs_security-trail`,
    kmsKeyId: `arn:aws:kms:${CLOUDTRAIL_HOME_REGION}:${SANDBOX_ACCOUNT_ID}:key/${awsUuid(t.seed, 'kms:security-trail')}`,
    hasCustomEventSelectors: false,
    hasInsightSelectors: false,
    selectors: {
      kind: 'basic',
      eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }],
    },
    status: trailStatus(t, { created, pauses: [], validationFrom: created, cloudWatch: true, offsetSeconds: 17 }),
  };
}

/** The trails as they stand at the instant `date` (a trail appears once created). */
export function buildCloudTrailEstate(date: Date, opts: EstateOptions = {}): CloudTrailEstate {
  const t = timeline(date, opts.historyEnd ?? new Date(), opts.seed ?? DEFAULT_ESTATE_SEED);
  return {
    accountId: SANDBOX_ACCOUNT_ID,
    day: new Date(t.day * DAY_MS).toISOString().slice(0, 10),
    asOf: t.asOf,
    trails: [orgTrail(t), localTrail(t), securityTrail(t)].filter((trail) => t.exists(trail.createDate)),
  };
}

/** The account's own trail created in `region` (the organization trail belongs to the management account). */
const homeTrail = (trail: EstateTrail, region: string) => trail.ownerAccountId === SANDBOX_ACCOUNT_ID && trail.homeRegion === region;
/** A replica in `region`: of a multi-region trail homed elsewhere, or of an organization trail anywhere. */
const shadowTrail = (trail: EstateTrail, region: string) => !homeTrail(trail, region) && (trail.isMultiRegionTrail || trail.homeRegion === region);

/**
 * DescribeTrails: names match the account's own trails homed in the region; ARNs match any trail
 * (the reference: "To return information about a trail in another Region, you must specify its trail ARN").
 */
export function describeTrails(estate: CloudTrailEstate, region: string, names: readonly string[], includeShadowTrails: boolean): EstateTrail[] {
  const listed = (trail: EstateTrail) =>
    names.length === 0
      ? homeTrail(trail, region) || shadowTrail(trail, region)
      : names.some((n) => n === trail.arn || (n === trail.name && homeTrail(trail, region)));
  return estate.trails.filter((trail) => listed(trail) && (includeShadowTrails || homeTrail(trail, region)));
}

/**
 * The trail GetTrailStatus and GetEventSelectors act on: by name only the account's own trail homed in the
 * region; a shadow (and any organization trail, for a member account) only by its ARN.
 */
export function findTrail(estate: CloudTrailEstate, region: string, nameOrArn: string): EstateTrail | undefined {
  return estate.trails.find((trail) =>
    nameOrArn === trail.arn ? homeTrail(trail, region) || shadowTrail(trail, region) : nameOrArn === trail.name && homeTrail(trail, region),
  );
}
