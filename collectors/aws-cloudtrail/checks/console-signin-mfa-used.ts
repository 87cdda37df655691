// CIS AWS 4.2: console sign-ins use MFA. Fails for each successful ConsoleLogin of an IAM user whose
// record says additionalEventData.MFAUsed = "No". SSO and federated sign-ins (AssumedRole,
// FederatedUser) authenticate at the identity provider and are not judged; root is the root check's.
import type { CheckDefinition } from '../../../src/collector.js';
import { EVENT_TYPE, EVIDENCE } from '../schema.js';
import type { AwsCloudTrailOptions } from '../schema.js';
import { eventLabel, judgeEvents, path, regionName, str } from './events.js';

export const consoleSigninMfaUsed: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_console_signin_mfa_used',
  title: 'IAM users signed in to the console with MFA',
  severity: 'high',
  description:
    'A console sign-in with only a password can be made by anyone who phished or guessed it. Fails for each ' +
    'successful ConsoleLogin of an IAM user without MFA (MFAUsed "No"); failed sign-in attempts, and SSO or ' +
    'federated sign-ins, are not judged. A ConsoleLogin whose record is malformed or has no userIdentity gives an ' +
    'error finding. A region whose events were read with none passes.',
  remediation:
    'Require MFA for the user (assign a device and deny console actions without aws:MultiFactorAuthPresent), or ' +
    'move console access to IAM Identity Center; ask the user to confirm the sign-in was theirs.',
  resourceTypes: [EVIDENCE.regionEvents, EVENT_TYPE],
  judgesEvents: true,
  evaluate(view) {
    return judgeEvents(
      view,
      (event) => {
        if (event.data.eventName !== 'ConsoleLogin') return undefined;
        if (event.record === null) {
          return { status: 'error', message: `Cannot tell whether MFA was used: ${eventLabel(event)}.` };
        }
        if (typeof path(event.record, 'userIdentity') !== 'object') {
          return { status: 'error', message: `Cannot tell who signed in or whether MFA was used (the record has no userIdentity): ${eventLabel(event)}.` };
        }
        if (str(path(event.record, 'userIdentity', 'type')) !== 'IAMUser') return undefined;
        if (str(path(event.record, 'responseElements', 'ConsoleLogin')) !== 'Success') return undefined;
        if (str(path(event.record, 'additionalEventData', 'MFAUsed')) !== 'No') return undefined;
        return { status: 'fail', message: `An IAM user signed in to the console without MFA: ${eventLabel(event)}.` };
      },
      (region) => `No IAM user console sign-in without MFA in the events read for ${regionName(region)}.`,
    );
  },
};
