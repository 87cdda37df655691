// Evidence of the account-wide reads: password policy, account summary, root and per-user credentials.
// Each builder takes what was read (or why it could not be) and returns evidence or resource errors.
import type { PasswordPolicy } from '@aws-sdk/client-iam';
import type { EvidenceItem, ResourceError } from '../../src/collector.js';
import type { Outcome } from '../_aws/outcome.js';
import type { ParsedCredentialReport } from './credential-report.js';
import { evidenceItem, sortedRecord } from './evidence-items.js';
import { EVIDENCE, resourceIds } from './schema.js';
import type { AccountRef, AccountSummaryEvidence, PasswordPolicyEvidence, RootCredentialsEvidence, UserCredentialsEvidence } from './schema.js';

export interface Built {
  evidence: EvidenceItem[];
  errors: ResourceError[];
}

export function passwordPolicyEvidence(account: AccountRef, read: Outcome<PasswordPolicy | null>): Built {
  const { accountId } = account;
  const resourceId = resourceIds.passwordPolicy(account);
  if (!read.ok) {
    return { evidence: [], errors: [{ type: EVIDENCE.passwordPolicy, resourceId, error: read.reason }] };
  }
  const policy = read.value;
  const data: PasswordPolicyEvidence = {
    accountId,
    present: policy !== null,
    minimumPasswordLength: policy?.MinimumPasswordLength ?? null,
    requireSymbols: policy?.RequireSymbols ?? false,
    requireNumbers: policy?.RequireNumbers ?? false,
    requireUppercaseCharacters: policy?.RequireUppercaseCharacters ?? false,
    requireLowercaseCharacters: policy?.RequireLowercaseCharacters ?? false,
    allowUsersToChangePassword: policy?.AllowUsersToChangePassword ?? false,
    maxPasswordAge: policy?.MaxPasswordAge ?? null,
    passwordReusePrevention: policy?.PasswordReusePrevention ?? null,
    hardExpiry: policy?.HardExpiry ?? false,
  };
  return { evidence: [evidenceItem(EVIDENCE.passwordPolicy, resourceId, data)], errors: [] };
}

export function accountSummaryEvidence(account: AccountRef, read: Outcome<Record<string, number>>): Built {
  const { accountId } = account;
  const resourceId = resourceIds.accountSummary(account);
  if (!read.ok) {
    return { evidence: [], errors: [{ type: EVIDENCE.accountSummary, resourceId, error: read.reason }] };
  }
  const data: AccountSummaryEvidence = { accountId, summary: sortedRecord(read.value) };
  return { evidence: [evidenceItem(EVIDENCE.accountSummary, resourceId, data)], errors: [] };
}

/** Root evidence needs all three sources; any missing one makes it a single resource error naming each. */
export function rootCredentialsEvidence(
  account: AccountRef,
  report: Outcome<ParsedCredentialReport>,
  summary: Outcome<Record<string, number>>,
  rootVirtualMfaSerials: Outcome<string[]>,
): Built {
  const { accountId } = account;
  const arn = resourceIds.root(account);
  const problems: string[] = [];
  if (!report.ok) problems.push(report.reason);
  const row = report.ok ? report.value.root : null;
  const rowError = report.ok ? report.value.rowErrors.get(arn) : undefined;
  if (rowError) problems.push(rowError);
  else if (report.ok && !row) problems.push('the credential report has no <root_account> row');
  if (!summary.ok) problems.push(summary.reason);
  if (!rootVirtualMfaSerials.ok) problems.push(rootVirtualMfaSerials.reason);

  if (problems.length > 0 || !row || !summary.ok || !rootVirtualMfaSerials.ok) {
    return { evidence: [], errors: [{ type: EVIDENCE.rootCredentials, resourceId: arn, error: problems.join('; ') }] };
  }
  const data: RootCredentialsEvidence = {
    accountId,
    arn,
    mfaActive: row.mfaActive,
    virtualMfaSerials: rootVirtualMfaSerials.value,
    accountMfaEnabled: summary.value['AccountMFAEnabled'] === 1,
    accessKeysPresent: summary.value['AccountAccessKeysPresent'] === 1,
    passwordLastUsed: row.passwordLastUsed,
    accessKeys: row.accessKeys,
  };
  return { evidence: [evidenceItem(EVIDENCE.rootCredentials, arn, data)], errors: [] };
}

/** One credentials document per IAM user of the authorization details (the source of truth for who exists). */
export function userCredentialsEvidence(accountId: string, userArns: string[], report: Outcome<ParsedCredentialReport>): Built {
  const built: Built = { evidence: [], errors: [] };
  for (const arn of userArns) {
    const fail = (error: string) => built.errors.push({ type: EVIDENCE.userCredentials, resourceId: arn, error });
    if (!report.ok) {
      fail(report.reason);
      continue;
    }
    const rowError = report.value.rowErrors.get(arn);
    const row = report.value.users.get(arn);
    if (rowError) fail(rowError);
    else if (!row) fail('the user is not in the credential report (created after the report was generated)');
    else {
      const data: UserCredentialsEvidence = {
        accountId,
        userName: row.userName,
        arn,
        userCreationTime: row.userCreationTime,
        passwordEnabled: row.passwordEnabled,
        passwordLastUsed: row.passwordLastUsed,
        passwordLastChanged: row.passwordLastChanged,
        mfaActive: row.mfaActive,
        accessKeys: row.accessKeys,
      };
      built.evidence.push(evidenceItem(EVIDENCE.userCredentials, arn, data));
    }
  }
  return built;
}
