// CIS AWS 1.6: root MFA is a hardware device. Hardware devices (and passkeys) are not listed as virtual
// MFA devices, so MFA on with no virtual device assigned to root means a hardware one.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, RootCredentialsEvidence } from '../schema.js';

export const rootHardwareMfaEnabled: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_root_hardware_mfa_enabled',
  title: 'Root user uses a hardware MFA device',
  severity: 'high',
  description:
    'A virtual MFA app lives on a phone that can be lost, cloned or backed up elsewhere; a hardware key or passkey ' +
    'for the root user cannot be copied. Fails when root has no MFA or has any virtual MFA device assigned.',
  remediation: 'Register a hardware security key or TOTP token for the root user, then deactivate the virtual MFA device assigned to it.',
  resourceTypes: [EVIDENCE.rootCredentials],
  evaluate(view) {
    return evidenceOf<RootCredentialsEvidence>(view, EVIDENCE.rootCredentials).map((root) => {
      const account = root.data.accountId;
      if (!root.data.accountMfaEnabled) {
        return finding(root, 'fail', `The root user of account ${account} has no MFA device at all.`);
      }
      if (root.data.virtualMfaSerials.length > 0) {
        return finding(root, 'fail', `The root user of account ${account} uses the virtual MFA device ${root.data.virtualMfaSerials.join(', ')}.`);
      }
      return finding(root, 'pass', `The root user of account ${account} uses hardware MFA only.`);
    });
  },
};
