// CIS AWS 1.8/1.9: the account password policy meets the configured thresholds.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, PasswordPolicyEvidence } from '../schema.js';

type Thresholds = AwsIamOptions['thresholds']['passwordPolicy'];

export const accountPasswordPolicyStrong: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_account_password_policy_strong',
  title: 'Account password policy is strong',
  severity: 'medium',
  description:
    'Without a policy IAM accepts 8-character passwords of any composition. Fails when the account has no password ' +
    'policy or any setting is weaker than thresholds.passwordPolicy (length, character classes, reuse prevention, ' +
    'and expiry when required).',
  remediation:
    'Set the policy with `aws iam update-account-password-policy`, e.g. --minimum-password-length 14 ' +
    '--require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters ' +
    '--password-reuse-prevention 24.',
  resourceTypes: [EVIDENCE.passwordPolicy],
  evaluate(view, options) {
    return evidenceOf<PasswordPolicyEvidence>(view, EVIDENCE.passwordPolicy).map((policy) => {
      const account = policy.data.accountId;
      if (!policy.data.present) return finding(policy, 'fail', `Account ${account} has no password policy.`);
      const gaps = shortfalls(policy.data, options.thresholds.passwordPolicy);
      return gaps.length > 0
        ? finding(policy, 'fail', `The password policy of account ${account} falls short: ${gaps.join(', ')}.`)
        : finding(policy, 'pass', `The password policy of account ${account} meets every threshold.`);
    });
  },
};

export function shortfalls(policy: PasswordPolicyEvidence, required: Thresholds): string[] {
  const gaps: string[] = [];
  const length = policy.minimumPasswordLength ?? 0;
  if (length < required.minimumLength) gaps.push(`minimum length ${length} (needs ${required.minimumLength})`);
  if (required.requireSymbols && !policy.requireSymbols) gaps.push('symbols not required');
  if (required.requireNumbers && !policy.requireNumbers) gaps.push('numbers not required');
  if (required.requireUppercase && !policy.requireUppercaseCharacters) gaps.push('uppercase letters not required');
  if (required.requireLowercase && !policy.requireLowercaseCharacters) gaps.push('lowercase letters not required');
  const remembered = policy.passwordReusePrevention ?? 0;
  if (remembered < required.reusePrevention) {
    gaps.push(`prevents reuse of ${remembered} previous passwords (needs ${required.reusePrevention})`);
  }
  if (required.maxAgeDays !== null) {
    if (policy.maxPasswordAge === null) gaps.push(`passwords never expire (needs ${required.maxAgeDays} days or less)`);
    else if (policy.maxPasswordAge > required.maxAgeDays) {
      gaps.push(`passwords expire after ${policy.maxPasswordAge} days (needs ${required.maxAgeDays} or less)`);
    }
  }
  return gaps;
}
