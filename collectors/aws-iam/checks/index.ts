// The checks of the aws-iam collector, in the order they are listed in its README.
import type { CheckDefinition } from '../../../src/collector.js';
import type { AwsIamOptions } from '../schema.js';
import { accessAnalyzerEnabled } from './access-analyzer-enabled.js';
import { accountPasswordPolicyStrong } from './account-password-policy-strong.js';
import { adminAccessRestricted } from './admin-access-restricted.js';
import { policyNoFullAdmin } from './policy-no-full-admin.js';
import { roleTrustNoWholeAccount } from './role-trust-no-whole-account.js';
import { roleTrustRestricted } from './role-trust-restricted.js';
import { rootAccessKeysAbsent } from './root-access-keys-absent.js';
import { rootHardwareMfaEnabled } from './root-hardware-mfa-enabled.js';
import { rootMfaEnabled } from './root-mfa-enabled.js';
import { rootRecentlyUnused } from './root-recently-unused.js';
import { userAccessKeysRotated } from './user-access-keys-rotated.js';
import { userConsoleMfaEnabled } from './user-console-mfa-enabled.js';
import { userNoDirectPolicies } from './user-no-direct-policies.js';
import { userSingleActiveAccessKey } from './user-single-active-access-key.js';
import { userUnusedCredentialsDisabled } from './user-unused-credentials-disabled.js';

export const awsIamChecks: CheckDefinition<AwsIamOptions>[] = [
  rootMfaEnabled,
  rootHardwareMfaEnabled,
  rootAccessKeysAbsent,
  rootRecentlyUnused,
  userConsoleMfaEnabled,
  userUnusedCredentialsDisabled,
  userAccessKeysRotated,
  userSingleActiveAccessKey,
  accountPasswordPolicyStrong,
  userNoDirectPolicies,
  policyNoFullAdmin,
  adminAccessRestricted,
  roleTrustRestricted,
  roleTrustNoWholeAccount,
  accessAnalyzerEnabled,
];
