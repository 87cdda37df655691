// CIS AWS 1.13: at most one active access key per user (two only briefly, while rotating).
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, UserCredentialsEvidence } from '../schema.js';
import { activeKeys } from './credential-ages.js';

export const userSingleActiveAccessKey: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_user_single_active_access_key',
  title: 'IAM users have at most one active access key',
  severity: 'low',
  description:
    'Two active keys usually mean a rotation that was never finished, leaving an old key valid. Fails for users with two active access keys; users without active keys are not applicable.',
  remediation: 'Find which key is still in use (access_key_N_last_used_date) and deactivate, then delete, the other one.',
  resourceTypes: [EVIDENCE.userCredentials],
  evaluate(view) {
    return evidenceOf<UserCredentialsEvidence>(view, EVIDENCE.userCredentials).map((user) => {
      const name = user.data.userName;
      const count = activeKeys(user.data.accessKeys).length;
      if (count === 0) return finding(user, 'not_applicable', `IAM user ${name} has no active access keys.`);
      return count === 1
        ? finding(user, 'pass', `IAM user ${name} has one active access key.`)
        : finding(user, 'fail', `IAM user ${name} has ${count} active access keys.`);
    });
  },
};
