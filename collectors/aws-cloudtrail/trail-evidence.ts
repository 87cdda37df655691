// Evidence of one trail: its configuration from DescribeTrails, its status with delivery times reduced
// to what stays the same while nothing changes (see schema.ts), and its event selectors normalised.
// A part that could not be read is null in the document and a resource error of its own.
import type {
  AdvancedEventSelector,
  AdvancedFieldSelector,
  EventSelector,
  GetEventSelectorsCommandOutput,
  GetTrailStatusCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import type { EvidenceItem, ResourceError } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import type { Outcome } from '../_aws/outcome.js';
import { EVIDENCE, EVIDENCE_SCHEMA_VERSION, TRAIL_PARTS } from './schema.js';
import type {
  AdvancedEventSelectorEvidence,
  AdvancedFieldSelectorEvidence,
  AwsCloudTrailThresholds,
  BasicEventSelectorEvidence,
  Built,
  DeliveryEvidence,
  EventSelectorsEvidence,
  TrailEvidence,
  TrailStatusEvidence,
} from './schema.js';
import type { ListedTrail } from './trail-reads.js';

const HOUR_MS = 3_600_000;

export interface TrailReads {
  status: Outcome<GetTrailStatusCommandOutput>;
  eventSelectors: Outcome<GetEventSelectorsCommandOutput>;
}

export function trailEvidence(accountId: string, listed: ListedTrail, reads: TrailReads, thresholds: AwsCloudTrailThresholds, now: Date): Built {
  const { trail, arn } = listed;
  const errors: ResourceError[] = [];
  const part = <T>(type: string, read: Outcome<T>): T | null => {
    if (read.ok) return read.value;
    errors.push({ type, resourceId: arn, error: read.reason });
    return null;
  };
  const validationEnabled = trail.LogFileValidationEnabled === true;
  const logGroupArn = trail.CloudWatchLogsLogGroupArn;
  const where = `in ${listed.homeRegion}`;
  const status = part(
    TRAIL_PARTS.status,
    convert(`GetTrailStatus ${where}`, reads.status, (read) => statusEvidence(read, validationEnabled, logGroupArn, thresholds, now)),
  );
  const eventSelectors = part(TRAIL_PARTS.eventSelectors, convert(`GetEventSelectors ${where}`, reads.eventSelectors, eventSelectorsEvidence));
  const data: TrailEvidence = {
    accountId,
    trailArn: arn,
    name: listed.name,
    homeRegion: listed.homeRegion,
    ownerAccountId: listed.ownerAccountId,
    multiRegion: listed.multiRegion,
    organizationTrail: trail.IsOrganizationTrail === true,
    includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents === true,
    logFileValidationEnabled: validationEnabled,
    kmsKeyId: trail.KmsKeyId ?? null,
    s3BucketName: trail.S3BucketName ?? null,
    s3KeyPrefix: trail.S3KeyPrefix ?? null,
    snsTopicArn: trail.SnsTopicARN ?? null,
    cloudWatchLogsLogGroupArn: logGroupArn ?? null,
    cloudWatchLogsRoleArn: trail.CloudWatchLogsRoleArn ?? null,
    hasInsightSelectors: trail.HasInsightSelectors === true,
    status,
    eventSelectors,
  };
  const item: EvidenceItem = { type: EVIDENCE.trail, resourceId: arn, schemaVersion: EVIDENCE_SCHEMA_VERSION, data };
  return { evidence: [item], errors };
}

/** A reply that parsed but cannot be turned into evidence fails that part, like a failed call. */
function convert<T, U>(what: string, read: Outcome<T>, build: (value: T) => U): Outcome<U> {
  if (!read.ok) return read;
  try {
    return { ok: true, value: build(read.value) };
  } catch (error) {
    if (error instanceof MalformedResponseError) return { ok: false, reason: `${what}: ${error.message}` };
    throw error;
  }
}

function statusEvidence(
  status: GetTrailStatusCommandOutput,
  validationEnabled: boolean,
  logGroupArn: string | undefined,
  thresholds: AwsCloudTrailThresholds,
  now: Date,
): TrailStatusEvidence {
  const s3Window = thresholds.deliveryErrorLookbackHours;
  return {
    isLogging: status.IsLogging === true,
    startLoggingTime: isoTime(status.StartLoggingTime, 'StartLoggingTime'),
    stopLoggingTime: isoTime(status.StopLoggingTime, 'StopLoggingTime'),
    s3: delivery(status.LatestDeliveryTime, status.LatestDeliveryError, s3Window, now),
    // Digest files exist only with log file validation; their time would otherwise mean nothing.
    digest: validationEnabled ? delivery(status.LatestDigestDeliveryTime, status.LatestDigestDeliveryError, s3Window, now) : null,
    cloudWatchLogs: logGroupArn
      ? delivery(status.LatestCloudWatchLogsDeliveryTime, status.LatestCloudWatchLogsDeliveryError, thresholds.cloudWatchDeliveryMaxAgeHours, now)
      : null,
  };
}

/** Whether the destination received something in the window; the day only once it is outside it. */
function delivery(time: Date | undefined, error: string | undefined, windowHours: number, now: Date): DeliveryEvidence {
  const latestError = error ? error : null;
  const at = isoTime(time, 'delivery time');
  if (at === null) return { latestError, windowHours, lastDelivery: 'never', lastDeliveryDay: null };
  const within = now.getTime() - Date.parse(at) <= windowHours * HOUR_MS;
  return within
    ? { latestError, windowHours, lastDelivery: 'within', lastDeliveryDay: null }
    : { latestError, windowHours, lastDelivery: 'before', lastDeliveryDay: at.slice(0, 10) };
}

function isoTime(value: Date | undefined, what: string): string | null {
  if (value === undefined) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new MalformedResponseError(`unreadable ${what}`);
  }
  return value.toISOString();
}

// ---- Event selectors ----------------------------------------------------------------------------

export function eventSelectorsEvidence(output: GetEventSelectorsCommandOutput): EventSelectorsEvidence {
  const advanced = output.AdvancedEventSelectors ?? [];
  // CloudTrail allows one kind per trail; an empty basic list means the trail selects no events.
  if (advanced.length > 0) return { kind: 'advanced', selectors: advanced.map(advancedSelector) };
  return { kind: 'basic', selectors: (output.EventSelectors ?? []).map(basicSelector) };
}

function basicSelector(selector: EventSelector): BasicEventSelectorEvidence {
  return {
    readWriteType: selector.ReadWriteType ?? 'All',
    includeManagementEvents: selector.IncludeManagementEvents ?? true,
    excludeManagementEventSources: sorted(selector.ExcludeManagementEventSources),
    dataResources: (selector.DataResources ?? []).map((resource) => ({
      type: resource.Type ?? '',
      values: sorted(resource.Values),
    })),
  };
}

function advancedSelector(selector: AdvancedEventSelector): AdvancedEventSelectorEvidence {
  return {
    name: selector.Name ?? null,
    fieldSelectors: (selector.FieldSelectors ?? []).map(fieldSelector),
  };
}

const OPERATORS = [
  ['Equals', 'equals'],
  ['NotEquals', 'notEquals'],
  ['StartsWith', 'startsWith'],
  ['NotStartsWith', 'notStartsWith'],
  ['EndsWith', 'endsWith'],
  ['NotEndsWith', 'notEndsWith'],
] as const;

function fieldSelector(selector: AdvancedFieldSelector): AdvancedFieldSelectorEvidence {
  if (!selector.Field) throw new MalformedResponseError('a field selector has no Field');
  const result: AdvancedFieldSelectorEvidence = { field: selector.Field };
  for (const [api, key] of OPERATORS) {
    const values = selector[api];
    if (values !== undefined) result[key] = sorted(values);
  }
  return result;
}

/** Lists whose order carries no meaning are sorted, so a reordered reply is the same evidence. */
function sorted(values: readonly string[] | undefined): string[] {
  return [...(values ?? [])].sort(compareStrings);
}
