// The sandbox estate: a local stand-in for the AWS IAM, STS, CloudTrail, Access Analyzer and CloudTrail-alarm
// (CloudWatch Logs, CloudWatch, SNS) APIs over a simulated account with history, and the AWS Organizations
// API over the organisation it belongs to (each member account served as a copy of it, reached by AssumeRole).
export { startSandbox } from './server.js';
export type { Sandbox, SandboxOptions } from './server.js';
export * from './estate.js';
export { CREDENTIAL_REPORT_COLUMNS, renderCredentialReport } from './credential-report.js';
export { buildCloudTrailEstate, CLOUDTRAIL_HOME_REGION, CLOUDTRAIL_REGIONS, LOCAL_TRAIL_ARN, ORG_TRAIL_ARN, SECURITY_TRAIL_ARN } from './cloudtrail-estate.js';
export type { BasicEventSelector, CloudTrailEstate, EstateTrail, FieldSelector, TrailSelectors, TrailStatus } from './cloudtrail-estate.js';
export { EventHistory } from './cloudtrail-events.js';
export type { EventHistoryOptions } from './cloudtrail-events.js';
export { EVENT_HISTORY_DAYS, LOOKUP_ATTRIBUTE_KEYS, lookupEvents } from './cloudtrail-lookup.js';
export type { LookupAttributeKey, LookupPage, LookupQuery } from './cloudtrail-lookup.js';
export { cloudTrailRecord } from './cloudtrail-json.js';
export { lookupUsername } from './cloudtrail-records.js';
export type { EventResource, TrailEvent, UserIdentity } from './cloudtrail-records.js';
export { SECURITY_METRIC_FILTERS } from './cloudtrail-alarms.js';
export { SANDBOX_ENABLED_REGIONS } from './account-regions.js';
export {
  JOINING_ACCOUNT_ID,
  LEAVING_ACCOUNT_ID,
  organizationAt,
  SANDBOX_EXTERNAL_ID,
  SANDBOX_MEMBER_ROLE,
  SANDBOX_ORG_ID,
  SANDBOX_ROOT_ID,
  SANDBOXES_OU_ID,
  SECURITY_OU_ID,
  SUSPENDED_ACCOUNT_ID,
  UNASSUMABLE_ACCOUNT_ID,
  WORKLOADS_OU_ID,
} from './organization.js';
export type { OrgAccount, Organization, OrgUnit } from './organization.js';
