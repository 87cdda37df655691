// The checks of the aws-cloudtrail collector, in the order they are listed in its README.
import type { CheckDefinition } from '../../../src/collector.js';
import type { AwsCloudTrailOptions } from '../schema.js';
import { consoleSigninMfaUsed } from './console-signin-mfa-used.js';
import { loggingNotStopped } from './logging-not-stopped.js';
import { managementEventsCaptured } from './management-events-captured.js';
import { multiRegionTrailLogging } from './multiregion-trail-logging.js';
import { rootNotUsed } from './root-not-used.js';
import { securityAlarmChecks } from './security-alarms.js';
import { trailCloudWatchLogsDelivering } from './trail-cloudwatch-logs-delivering.js';
import { trailDeliveryErrorsAbsent } from './trail-delivery-errors-absent.js';
import { trailKmsEncryptionEnabled } from './trail-kms-encryption-enabled.js';
import { trailLogFileValidationEnabled } from './trail-log-file-validation-enabled.js';

export const awsCloudTrailChecks: CheckDefinition<AwsCloudTrailOptions>[] = [
  multiRegionTrailLogging,
  managementEventsCaptured,
  trailLogFileValidationEnabled,
  trailKmsEncryptionEnabled,
  trailCloudWatchLogsDelivering,
  trailDeliveryErrorsAbsent,
  rootNotUsed,
  consoleSigninMfaUsed,
  loggingNotStopped,
  ...securityAlarmChecks,
];
