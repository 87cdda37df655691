// CIS AWS 1.14: active access keys are rotated every accessKeyMaxAgeDays days or less.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, UserCredentialsEvidence } from '../schema.js';
import { activeKeys, calendarDaysSince, dayOf } from './credential-ages.js';

export const userAccessKeysRotated: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_user_access_keys_rotated',
  title: 'Active access keys are rotated',
  severity: 'medium',
  description:
    'Long-lived keys accumulate in scripts, laptops and CI logs. Fails when any active access key was created or ' +
    'last rotated on a day more than thresholds.accessKeyMaxAgeDays days before today (UTC calendar days); users ' +
    'without active keys are not applicable.',
  remediation:
    'Create a second key, move every consumer to it, deactivate and then delete the old key; better, replace the key with an IAM role or IAM Identity Center.',
  resourceTypes: [EVIDENCE.userCredentials],
  evaluate(view, options, now) {
    const limit = options.thresholds.accessKeyMaxAgeDays;
    return evidenceOf<UserCredentialsEvidence>(view, EVIDENCE.userCredentials).map((user) => {
      const name = user.data.userName;
      const keys = activeKeys(user.data.accessKeys);
      if (keys.length === 0) {
        return finding(user, 'not_applicable', `IAM user ${name} has no active access keys.`);
      }
      const overdue = keys.flatMap((key) => {
        if (key.lastRotated === null) return [`access key ${key.slot} (rotation date unknown)`];
        if (calendarDaysSince(key.lastRotated, now) <= limit) return [];
        // The date, not the age, so the message stays the same from one day to the next.
        return [`access key ${key.slot} (last rotated on ${dayOf(key.lastRotated)})`];
      });
      if (overdue.length > 0) {
        const list = overdue.join(', ');
        return finding(user, 'fail', `IAM user ${name} has active access keys not rotated within ${limit} days: ${list}.`);
      }
      return finding(user, 'pass', `IAM user ${name} has rotated every active access key within ${limit} days.`);
    });
  },
};
