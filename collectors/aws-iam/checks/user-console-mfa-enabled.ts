// CIS AWS 1.10: every IAM user with a console password has MFA.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, UserCredentialsEvidence } from '../schema.js';

export const userConsoleMfaEnabled: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_user_console_mfa_enabled',
  title: 'IAM users with a console password have MFA',
  severity: 'high',
  description:
    'A console password without MFA can be phished or guessed. Fails for users whose password is enabled and who have no MFA device; users without a password are not applicable.',
  remediation:
    'Have the user register an MFA device (IAM > Users > Security credentials), and enforce it with a policy denying actions when aws:MultiFactorAuthPresent is false.',
  resourceTypes: [EVIDENCE.userCredentials],
  evaluate(view) {
    return evidenceOf<UserCredentialsEvidence>(view, EVIDENCE.userCredentials).map((user) => {
      const name = user.data.userName;
      if (!user.data.passwordEnabled) {
        return finding(user, 'not_applicable', `IAM user ${name} has no console password.`);
      }
      return user.data.mfaActive
        ? finding(user, 'pass', `IAM user ${name} has a console password and MFA.`)
        : finding(user, 'fail', `IAM user ${name} has a console password but no MFA device.`);
    });
  },
};
