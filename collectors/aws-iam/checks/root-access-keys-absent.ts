// CIS AWS 1.4: the root user has no access keys (account summary, plus the report's key slots).
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, RootCredentialsEvidence } from '../schema.js';

export const rootAccessKeysAbsent: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_root_access_keys_absent',
  title: 'Root user has no access keys',
  severity: 'critical',
  description:
    'Root access keys give unrestricted, non-interactive access to the whole account and cannot be limited by any ' +
    'policy. Fails when AccountAccessKeysPresent is set or the credential report shows an active root key.',
  remediation: 'Sign in as the root user, open Security credentials and delete every access key; use IAM roles for automation instead.',
  resourceTypes: [EVIDENCE.rootCredentials],
  evaluate(view) {
    return evidenceOf<RootCredentialsEvidence>(view, EVIDENCE.rootCredentials).map((root) => {
      const account = root.data.accountId;
      const active = root.data.accessKeys.filter((key) => key.active).map((key) => `key ${key.slot}`);
      if (active.length > 0) {
        const keys = active.join(', ');
        return finding(root, 'fail', `The root user of account ${account} has active access keys (${keys}).`);
      }
      if (root.data.accessKeysPresent) {
        return finding(root, 'fail', `The root user of account ${account} has access keys.`);
      }
      return finding(root, 'pass', `The root user of account ${account} has no access keys.`);
    });
  },
};
