// CIS AWS 1.5: the root user has MFA, judged by the live account summary (the report may be hours old).
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, RootCredentialsEvidence } from '../schema.js';

export const rootMfaEnabled: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_root_mfa_enabled',
  title: 'Root user has MFA enabled',
  severity: 'critical',
  description:
    'The root user can do anything in the account, including closing it. Without MFA a leaked password alone is enough to take the account over. Judged by AccountMFAEnabled of GetAccountSummary.',
  remediation: 'Sign in as the root user, open Security credentials and assign an MFA device (preferably a hardware key or passkey).',
  resourceTypes: [EVIDENCE.rootCredentials],
  evaluate(view) {
    return evidenceOf<RootCredentialsEvidence>(view, EVIDENCE.rootCredentials).map((root) =>
      root.data.accountMfaEnabled
        ? finding(root, 'pass', `The root user of account ${root.data.accountId} has MFA enabled.`)
        : finding(root, 'fail', `The root user of account ${root.data.accountId} has no MFA device.`),
    );
  },
};
