// The sandbox estate: a local stand-in for the AWS IAM, STS, CloudTrail, Access Analyzer and CloudTrail-alarm
// (CloudWatch Logs, CloudWatch, SNS) APIs over a simulated account with history.
export { startSandbox } from './server.js';
export type { Sandbox, SandboxOptions } from './server.js';
export * from './estate.js';
export { CREDENTIAL_REPORT_COLUMNS, renderCredentialReport } from './credential-report.js';
export {
  buildCloudTrailEstate,
  CLOUDTRAIL_HOME_REGION,
  CLOUDTRAIL_REGIONS,
  LOCAL_TRAIL_ARN,
  ORG_TRAIL_ARN,
  SECURITY_TRAIL_ARN,
} from './cloudtrail-estate.js';
export type {
  BasicEventSelector,
  CloudTrailEstate,
  EstateTrail,
  FieldSelector,
  TrailSelectors,
  TrailStatus,
} from './cloudtrail-estate.js';
export { EventHistory } from './cloudtrail-events.js';
export type { EventHistoryOptions } from './cloudtrail-events.js';
export { EVENT_HISTORY_DAYS, LOOKUP_ATTRIBUTE_KEYS, lookupEvents } from './cloudtrail-lookup.js';
export type { LookupAttributeKey, LookupPage, LookupQuery } from './cloudtrail-lookup.js';
export { cloudTrailRecord } from './cloudtrail-json.js';
export { lookupUsername } from './cloudtrail-records.js';
export type { EventResource, TrailEvent, UserIdentity } from './cloudtrail-records.js';
export { SECURITY_METRIC_FILTERS } from './cloudtrail-alarms.js';
export { SANDBOX_ENABLED_REGIONS } from './account-regions.js';
