// JSON bodies of the CloudTrail API (JSON 1.1 protocol) in the shapes of the API reference: PascalCase
// members (DescribeTrails' request and list are the camelCase exceptions), timestamps as epoch seconds,
// absent members left out, errors as {"__type", "message"}.
import type { EstateTrail, TrailSelectors, TrailStatus } from './cloudtrail-estate.js';
import { ctTime, lookupUsername } from './cloudtrail-records.js';
import type { TrailEvent } from './cloudtrail-records.js';
import { awsUuid } from './estate-timeline.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

const epochSeconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

export function trailJson(trail: EstateTrail) {
  return {
    Name: trail.name,
    S3BucketName: trail.s3BucketName,
    S3KeyPrefix: trail.s3KeyPrefix,
    IncludeGlobalServiceEvents: trail.includeGlobalServiceEvents,
    IsMultiRegionTrail: trail.isMultiRegionTrail,
    HomeRegion: trail.homeRegion,
    TrailARN: trail.arn,
    LogFileValidationEnabled: trail.logFileValidationEnabled,
    CloudWatchLogsLogGroupArn: trail.cloudWatchLogsLogGroupArn,
    CloudWatchLogsRoleArn: trail.cloudWatchLogsRoleArn,
    KmsKeyId: trail.kmsKeyId,
    HasCustomEventSelectors: trail.hasCustomEventSelectors,
    HasInsightSelectors: trail.hasInsightSelectors,
    IsOrganizationTrail: trail.isOrganizationTrail,
  };
}

export function trailStatusJson(status: TrailStatus) {
  return {
    IsLogging: status.isLogging,
    LatestDeliveryTime: epochSeconds(status.latestDeliveryTime),
    LatestDeliveryError: status.latestDeliveryError,
    LatestDigestDeliveryTime: epochSeconds(status.latestDigestDeliveryTime),
    LatestCloudWatchLogsDeliveryTime: epochSeconds(status.latestCloudWatchLogsDeliveryTime),
    LatestCloudWatchLogsDeliveryError: status.latestCloudWatchLogsDeliveryError,
    StartLoggingTime: epochSeconds(status.startLoggingTime),
    StopLoggingTime: epochSeconds(status.stopLoggingTime),
  };
}

export function eventSelectorsJson(trailArn: string, selectors: TrailSelectors) {
  if (selectors.kind === 'basic') {
    return {
      TrailARN: trailArn,
      EventSelectors: selectors.eventSelectors.map((s) => ({
        ReadWriteType: s.readWriteType,
        IncludeManagementEvents: s.includeManagementEvents,
        DataResources: s.dataResources.map((r) => ({ Type: r.type, Values: r.values })),
        ExcludeManagementEventSources: s.excludeManagementEventSources,
      })),
    };
  }
  return {
    TrailARN: trailArn,
    AdvancedEventSelectors: selectors.advancedEventSelectors.map((s) => ({
      Name: s.name,
      FieldSelectors: s.fieldSelectors.map((f) => ({
        Field: f.field,
        Equals: f.equals,
        StartsWith: f.startsWith,
        EndsWith: f.endsWith,
        NotEquals: f.notEquals,
        NotStartsWith: f.notStartsWith,
        NotEndsWith: f.notEndsWith,
      })),
    })),
  };
}

/** The full record, as CloudTrail delivers it to S3 and embeds it in LookupEvents' CloudTrailEvent. */
export function cloudTrailRecord(event: TrailEvent): Record<string, unknown> {
  const apiCall = event.eventType === 'AwsApiCall';
  return {
    eventVersion: '1.09',
    userIdentity: event.userIdentity,
    eventTime: ctTime(event.eventTime),
    eventSource: event.eventSource,
    eventName: event.eventName,
    awsRegion: event.awsRegion,
    sourceIPAddress: event.sourceIPAddress,
    userAgent: event.userAgent,
    requestParameters: event.requestParameters,
    responseElements: event.responseElements,
    additionalEventData: event.additionalEventData,
    requestID: apiCall ? awsUuid(0, `request:${event.eventId}`) : undefined,
    eventID: event.eventId,
    readOnly: event.readOnly,
    eventType: event.eventType,
    managementEvent: true,
    recipientAccountId: event.recipientAccountId,
    eventCategory: 'Management',
    sessionCredentialFromConsole: event.userIdentity.sessionContext && apiCall ? 'true' : undefined,
  };
}

/** One entry of LookupEvents' Events list. */
export function lookupEventJson(event: TrailEvent) {
  return {
    EventId: event.eventId,
    EventName: event.eventName,
    ReadOnly: String(event.readOnly),
    AccessKeyId: event.userIdentity.accessKeyId,
    EventTime: epochSeconds(event.eventTime),
    EventSource: event.eventSource,
    Username: lookupUsername(event.userIdentity),
    Resources: event.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: JSON.stringify(cloudTrailRecord(event)),
  };
}

export const errorJson = (code: string, message: string) => JSON.stringify({ __type: code, message });
