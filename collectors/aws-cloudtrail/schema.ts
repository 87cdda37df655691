// Options of the aws-cloudtrail collector (its section of the config) and the shapes of the evidence
// it stores: one document per trail and one per configured region of each account.
import { z } from 'zod';
import type { EvidenceItem, ResourceError } from '../../src/collector.js';
import { accountsSchema, regionSchema } from '../_aws/account.js';
import { accountsOrOrganization, organizationSchema } from '../_aws/organization.js';
import type { AccountRef } from '../_aws/account.js';

/**
 * The management-event sources CloudTrail lets a trail leave out (ExcludeManagementEventSources, or an
 * advanced selector's `eventSource NotEquals`): high-volume KMS and RDS Data API calls.
 */
export const EXCLUDABLE_EVENT_SOURCES = ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] as const;
const EVENT_SOURCE = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/;

export const thresholdsSchema = z.strictObject({
  /** A trail sending to CloudWatch Logs must have delivered there within this many hours (Prowler, CIS: 24). */
  cloudWatchDeliveryMaxAgeHours: z.number().int().min(1).max(720).default(24),
  /**
   * A delivery error CloudTrail reports (S3 log files, S3 digest files) is current unless that
   * destination received a delivery within this many hours before the collection.
   */
  deliveryErrorLookbackHours: z.number().int().min(1).max(720).default(24),
  /**
   * Management-event sources a trail may leave out and still count as capturing all management events.
   * The default accepts both sources CloudTrail can exclude; [] requires every source.
   */
  allowedExcludedEventSources: z
    .array(z.string().regex(EVENT_SOURCE, 'expected an event source such as kms.amazonaws.com'))
    .default(() => [...EXCLUDABLE_EVENT_SOURCES]),
});

/** The event names read by default (issue 3): sign-ins, IAM access changes, and logging switched off or changed. */
export const DEFAULT_EVENT_NAMES = [
  'ConsoleLogin',
  'CreateUser',
  'DeleteUser',
  'CreateAccessKey',
  'DeleteAccessKey',
  'UpdateAccessKey',
  'CreateLoginProfile',
  'DeleteLoginProfile',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'PutGroupPolicy',
  'DeleteGroupPolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'DeactivateMFADevice',
  'DeleteVirtualMFADevice',
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
] as const;

/** LookupEvents returns only the last 90 days of management events. */
export const LOOKUP_RETENTION_DAYS = 90;
/** LookupEvents' quota: 2 requests per second per account per region. */
export const LOOKUP_MAX_REQUESTS_PER_SECOND = 2;

export const eventsSchema = z.strictObject({
  /** false skips LookupEvents entirely (configuration evidence only). */
  enabled: z.boolean().default(true),
  /** Event names read with one LookupEvents query each (AttributeKey EventName). */
  eventNames: z
    .array(z.string().regex(/^[A-Za-z0-9_]{1,128}$/, 'expected a CloudTrail event name such as ConsoleLogin'))
    .min(1, 'expected at least one event name')
    .default(() => [...DEFAULT_EVENT_NAMES]),
  /** One more query per region for every event of the root user (AttributeKey Username = root). */
  rootActivity: z.boolean().default(true),
  /**
   * One more query per region for every IAM event (AttributeKey EventSource = iam.amazonaws.com), keeping
   * the write events: the complete access-change population, beyond the names listed in eventNames.
   */
  iamChanges: z.boolean().default(true),
  /** First read of a region (no watermark): this many days back (1-90). */
  backfillDays: z.number().int().min(1).max(LOOKUP_RETENTION_DAYS).default(LOOKUP_RETENTION_DAYS),
  /** Client-side pacing of LookupEvents per region (AWS allows 2 per second per account and region). */
  requestsPerSecond: z.number().positive().max(LOOKUP_MAX_REQUESTS_PER_SECOND).default(LOOKUP_MAX_REQUESTS_PER_SECOND),
});

export const cloudWatchAlarmsSchema = z.strictObject({
  /**
   * Read the metric filters and alarms of the CloudWatch Logs log group of each multi-region trail of
   * the account (and the SNS topics they notify): the CIS 4.x alarm checks judge them. false skips the
   * reads (and the logs, cloudwatch and sns permissions); the alarm checks then record errors.
   */
  enabled: z.boolean().default(true),
});

export const awsCloudTrailOptionsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    schedule: z.string().optional(),
    timeoutSeconds: z.number().int().min(10).max(86_400).default(900),
    /** Accounts to collect (same shape as aws-iam); an empty entry means the default credential chain's account. */
    accounts: accountsSchema,
    /** Instead of accounts: every account of the AWS organisation, listed at each collection. */
    organization: organizationSchema.optional(),
    /** Region for the STS client (role assumption, GetCallerIdentity). */
    region: regionSchema.default('us-east-1'),
    /**
     * Regions whose trail coverage is judged and whose events are read. Left out: the regions enabled for
     * the account, asked at every collection (account:ListRegions), so a newly enabled region is covered.
     */
    regions: z
      .array(regionSchema)
      .min(1, 'expected at least one region (or leave regions out: the regions enabled for the account)')
      .optional()
      .superRefine((regions, ctx) => {
        regions?.forEach((region, index) => {
          const first = regions.indexOf(region);
          if (first !== index) {
            ctx.addIssue({
              code: 'custom',
              path: [index],
              message: `expected each region once (regions[${first}] is already ${region})`,
              input: region,
            });
          }
        });
      }),
    thresholds: thresholdsSchema.default(() => thresholdsSchema.parse({})),
    events: eventsSchema.default(() => eventsSchema.parse({})),
    cloudWatchAlarms: cloudWatchAlarmsSchema.default(() => cloudWatchAlarmsSchema.parse({})),
  })
  .superRefine(accountsOrOrganization);

export type AwsCloudTrailOptions = z.infer<typeof awsCloudTrailOptionsSchema>;
export type AwsCloudTrailThresholds = AwsCloudTrailOptions['thresholds'];

// ---- Evidence types --------------------------------------------------------------------------

/** Bumped when the shape of a document below changes, so old snapshots stay readable. */
export const EVIDENCE_SCHEMA_VERSION = 1;

export const EVIDENCE = {
  trail: 'aws.cloudtrail.trail',
  region: 'aws.cloudtrail.region',
  /** One per region whose events this run read completely (resource errors of this type: the read failed). */
  regionEvents: 'aws.cloudtrail.region-events',
  /** The metric filters and alarms of a trail's CloudWatch Logs log group (resource errors: it could not be read). */
  logGroup: 'aws.cloudtrail.log-group',
} as const;

/**
 * Resource errors of an SNS topic an alarm notifies whose subscriptions could not be listed
 * (resourceId = the topic ARN); the log group document keeps the topic with `confirmedSubscriptions: null`.
 */
export const ALARM_TOPIC = 'aws.cloudtrail.alarm-topic';

/** The event type of the population (EventItem.type); findings on one event use it as resourceType. */
export const EVENT_TYPE = 'aws.cloudtrail.event';
export const EVENT_SCHEMA_VERSION = 1;

/**
 * Resource-error types for the parts of a trail read apart from its configuration (resourceId = the
 * trail ARN). The configuration from DescribeTrails is stored even when these fail, so the checks that
 * need only the configuration (validation, KMS) still judge the trail; the ones that need the failed
 * part give it an `error` finding.
 */
export const TRAIL_PARTS = {
  status: 'aws.cloudtrail.trail-status',
  eventSelectors: 'aws.cloudtrail.trail-event-selectors',
} as const;

// What the checks need, and why the evidence holds exactly that:
// - Region coverage: which trails record each configured region (`aws.cloudtrail.region`), and for
//   each trail whether it is multi-region, logging, and which management events its selectors keep.
// - Protection: log file validation and the KMS key, straight from the trail's configuration.
// - Delivery: whether each destination (S3 log files, S3 digest files, CloudWatch Logs) received a
//   delivery recently, and the latest error CloudTrail reports for it.
//
// Delivery times are the volatile part: CloudTrail delivers every few minutes, so an exact time would
// make a new document for every trail on every run although nothing changed. The collector judges
// "delivered within the window" at collection time (against its own clock, `ctx.now()`) and stores
// that judgement with the window it used. It keeps the day of the last delivery only when it is
// outside the window: that day no longer moves once delivery has stopped, and it is what a finding
// states ("last delivered on 2026-01-03"). Start and stop logging times stay exact: they change only
// when someone starts or stops the trail, which is a change worth a new document. So an unchanged,
// healthy trail yields a byte-identical document run after run, and its findings stay identical.

/** One delivery destination of a trail, as GetTrailStatus reports it at collection time. */
export interface DeliveryEvidence {
  /** The latest error CloudTrail reports for this destination (no timestamp is given), or null. */
  latestError: string | null;
  /** The window the collector judged `lastDelivery` against, in hours before the collection. */
  windowHours: number;
  /** `within`: a delivery succeeded in the window; `before`: the last one is older; `never`: none recorded. */
  lastDelivery: 'within' | 'before' | 'never';
  /** UTC day (YYYY-MM-DD) of the last delivery, only when it is `before` the window; else null. */
  lastDeliveryDay: string | null;
}

/** GetTrailStatus, read in the trail's home region. */
export interface TrailStatusEvidence {
  isLogging: boolean;
  /** Exact ISO times of the latest StartLogging / StopLogging (they move only when someone acts). */
  startLoggingTime: string | null;
  stopLoggingTime: string | null;
  /** Log files to the S3 bucket; window = thresholds.deliveryErrorLookbackHours. */
  s3: DeliveryEvidence;
  /** Digest files to the S3 bucket, only when log file validation is on (else null). */
  digest: DeliveryEvidence | null;
  /**
   * Events to the CloudWatch Logs log group, only when one is configured (else null);
   * window = thresholds.cloudWatchDeliveryMaxAgeHours.
   */
  cloudWatchLogs: DeliveryEvidence | null;
}

/** A basic event selector (GetEventSelectors `EventSelectors`), defaults filled in as CloudTrail applies them. */
export interface BasicEventSelectorEvidence {
  /** `All`, `ReadOnly` or `WriteOnly` (CloudTrail's default when absent: All). */
  readWriteType: string;
  /** CloudTrail's default when absent: true. */
  includeManagementEvents: boolean;
  excludeManagementEventSources: string[];
  dataResources: { type: string; values: string[] }[];
}

/** One field condition of an advanced event selector; only the operators the selector uses are present. */
export interface AdvancedFieldSelectorEvidence {
  field: string;
  equals?: string[];
  notEquals?: string[];
  startsWith?: string[];
  notStartsWith?: string[];
  endsWith?: string[];
  notEndsWith?: string[];
}

export interface AdvancedEventSelectorEvidence {
  name: string | null;
  fieldSelectors: AdvancedFieldSelectorEvidence[];
}

/** A trail has either basic or advanced selectors, never both (GetEventSelectors). */
export type EventSelectorsEvidence =
  { kind: 'basic'; selectors: BasicEventSelectorEvidence[] } | { kind: 'advanced'; selectors: AdvancedEventSelectorEvidence[] };

/** `aws.cloudtrail.trail` (resourceId = trail ARN): configuration, status and event selectors. */
export interface TrailEvidence {
  /** The account collected (an organization trail belongs to another one: `ownerAccountId`). */
  accountId: string;
  trailArn: string;
  name: string;
  homeRegion: string;
  ownerAccountId: string;
  multiRegion: boolean;
  organizationTrail: boolean;
  includeGlobalServiceEvents: boolean;
  logFileValidationEnabled: boolean;
  /** The KMS key (ARN) log files are encrypted with (SSE-KMS); null means SSE-S3 only. */
  kmsKeyId: string | null;
  s3BucketName: string | null;
  s3KeyPrefix: string | null;
  snsTopicArn: string | null;
  cloudWatchLogsLogGroupArn: string | null;
  cloudWatchLogsRoleArn: string | null;
  hasInsightSelectors: boolean;
  /** null when GetTrailStatus failed: a resource error of type `aws.cloudtrail.trail-status` says why. */
  status: TrailStatusEvidence | null;
  /** null when GetEventSelectors failed: a resource error of type `aws.cloudtrail.trail-event-selectors` says why. */
  eventSelectors: EventSelectorsEvidence | null;
}

/** `aws.cloudtrail.region` (resourceId = `arn:<partition>:cloudtrail:<region>:<account>:region`). */
export interface RegionEvidence {
  accountId: string;
  region: string;
  /**
   * ARNs (sorted) of the trails DescribeTrails lists in this region that record its events: every
   * multi-region trail (the account's own, its shadows, organization trails) and the single-region
   * trails homed here. Each has its `aws.cloudtrail.trail` document.
   */
  trailArns: string[];
}

export const resourceIds = {
  region: ({ partition, accountId }: AccountRef, region: string) => `arn:${partition}:cloudtrail:${region}:${accountId}:region`,
};

/**
 * `aws.cloudtrail.region-events` (resourceId = the region's id, as `aws.cloudtrail.region`): the
 * region's events were read completely by this run, with these queries. No times, so an unchanged
 * configuration gives the same document (and the same pass findings) run after run; the span read is
 * the run's event window.
 */
export interface RegionEventsEvidence {
  accountId: string;
  region: string;
  /** The LookupEvents filters used, sorted: `EventName=<name>` and `Username=root`. */
  queries: string[];
}

/**
 * The id of a log group in evidence: its ARN without the `:*` suffix CloudTrail's
 * CloudWatchLogsLogGroupArn carries (`arn:aws:logs:us-east-1:111122223333:log-group:name`).
 */
export function logGroupId(arn: string): string {
  return arn.endsWith(':*') ? arn.slice(0, -2) : arn;
}

/** A metric filter of the log group: its pattern as written, and the metrics it publishes to. */
export interface MetricFilterEvidence {
  name: string;
  pattern: string;
  metrics: { namespace: string; name: string }[];
}

/** A CloudWatch alarm on one of the filters' metrics (DescribeAlarmsForMetric); its state is left out (it moves). */
export interface AlarmEvidence {
  name: string;
  arn: string;
  namespace: string;
  metricName: string;
  actionsEnabled: boolean;
  /** ARNs of what the alarm does when it fires (SNS topics, Lambda functions, SSM), sorted. */
  alarmActions: string[];
}

/** An SNS topic an alarm notifies: how many confirmed subscriptions it has (endpoints are not kept). */
export interface AlarmTopicEvidence {
  arn: string;
  /** null when the subscriptions could not be listed: a resource error of type ALARM_TOPIC says why. */
  confirmedSubscriptions: number | null;
  /** Protocols of the confirmed subscriptions (email, https, lambda, ...), sorted, once each. */
  protocols: string[];
}

/** `aws.cloudtrail.log-group` (resourceId = logGroupId(ARN)): what watches the events a trail sends there. */
export interface LogGroupEvidence {
  accountId: string;
  logGroupArn: string;
  logGroupName: string;
  region: string;
  /** Trails (ARNs, sorted) of this collection that send their events here. */
  trailArns: string[];
  metricFilters: MetricFilterEvidence[];
  /** Every alarm on every metric the filters publish to, by name. */
  alarms: AlarmEvidence[];
  /** Every SNS topic those alarms notify, by ARN. */
  topics: AlarmTopicEvidence[];
}

/** `aws.cloudtrail.event` data: LookupEvents' summary fields and the parsed CloudTrailEvent. */
export interface CloudTrailEventData {
  eventName: string | null;
  eventSource: string | null;
  username: string | null;
  /** LookupEvents' ReadOnly ("true"/"false"); null when absent. */
  readOnly: boolean | null;
  accessKeyId?: string;
  resources: { type: string | null; name: string | null }[];
  /** The full record; null when it is malformed (then `rawRecord` holds it as read). */
  record: Record<string, unknown> | null;
  rawRecord?: string;
}

/** What an evidence builder returns: the documents it could build and the resources it could not read. */
export interface Built {
  evidence: EvidenceItem[];
  errors: ResourceError[];
}
