// CIS AWS 1.12: console passwords and access keys unused for unusedCredentialDays are disabled.
// A credential never used is judged by when it was set (password change, key rotation, user creation).
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, UserCredentialsEvidence } from '../schema.js';
import { activeKeys, calendarDaysSince, dayOf } from './credential-ages.js';

interface CredentialUse {
  credential: string;
  /** Last use, or when it was set when never used; null when neither is known. */
  since: string | null;
  neverUsed: boolean;
}

export const userUnusedCredentialsDisabled: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_user_unused_credentials_disabled',
  title: 'Unused IAM user credentials are disabled',
  severity: 'medium',
  description:
    'Credentials nobody uses are still valid for whoever finds them. Fails when an enabled console password or an ' +
    'active access key was last used (or, if never used, set) on a day thresholds.unusedCredentialDays or more ' +
    'days before today (UTC calendar days).',
  remediation: 'Remove the console password (delete the login profile) or deactivate the access key; delete the user if it is no longer needed.',
  resourceTypes: [EVIDENCE.userCredentials],
  evaluate(view, options, now) {
    const limit = options.thresholds.unusedCredentialDays;
    return evidenceOf<UserCredentialsEvidence>(view, EVIDENCE.userCredentials).map((user) => {
      const name = user.data.userName;
      const uses = credentialUses(user.data);
      if (uses.length === 0) {
        return finding(user, 'not_applicable', `IAM user ${name} has no console password or active access key.`);
      }
      const stale = uses.flatMap((use) => {
        if (use.since === null) return [`${use.credential} (no usage or creation date)`];
        if (calendarDaysSince(use.since, now) < limit) return [];
        // The date, not the age, so the message stays the same from one day to the next.
        return [`${use.credential} (${use.neverUsed ? 'never used, set' : 'last used'} on ${dayOf(use.since)})`];
      });
      if (stale.length > 0) {
        const list = stale.join(', ');
        return finding(user, 'fail', `IAM user ${name} has credentials unused for ${limit} days or more: ${list}.`);
      }
      return finding(user, 'pass', `IAM user ${name} has no enabled credentials unused for ${limit} days or more.`);
    });
  },
};

function credentialUses(user: UserCredentialsEvidence): CredentialUse[] {
  const uses: CredentialUse[] = [];
  if (user.passwordEnabled) {
    uses.push({
      credential: 'console password',
      since: user.passwordLastUsed ?? user.passwordLastChanged ?? user.userCreationTime,
      neverUsed: user.passwordLastUsed === null,
    });
  }
  for (const key of activeKeys(user.accessKeys)) {
    uses.push({
      credential: `access key ${key.slot}`,
      since: key.lastUsedDate ?? key.lastRotated ?? user.userCreationTime,
      neverUsed: key.lastUsedDate === null,
    });
  }
  return uses;
}
