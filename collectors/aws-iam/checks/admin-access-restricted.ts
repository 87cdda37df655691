// Administrator access is held only by principals named in adminAllowList. "Nobody holds admin" is
// concluded only over evidence that was all read: an unreadable user, group, role or policy might be,
// or grant, the admin the account-wide pass would deny.
import type { CheckDefinition, EvidenceView, FindingDraft, ResourceError } from '../../../src/collector.js';
import { finding } from '../../../src/judging.js';
import { parseArn } from '../../_aws/arn.js';
import { ACCOUNT_ID, EVIDENCE, resourceIds } from '../schema.js';
import type { AccountRef, AwsIamOptions } from '../schema.js';
import { assessAdminAccess } from './admin-holders.js';
import { globMatcher } from './policy-analysis.js';

/** Evidence that names the account, to find its id (and partition) when nobody holds admin. */
const ACCOUNT_EVIDENCE = [EVIDENCE.user, EVIDENCE.role, EVIDENCE.group, EVIDENCE.policy, EVIDENCE.accountSummary];
/** Unreadable resources named in an account-wide error finding; the rest are counted. */
const MAX_NAMED_UNREAD = 5;

export const adminAccessRestricted: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_admin_access_restricted',
  title: 'Administrator access is limited to approved principals',
  severity: 'high',
  description:
    'Every principal with full admin can undo every other control. Lists the users, groups and roles holding ' +
    'AdministratorAccess or any policy with an Allow of every action (or every action but those in NotAction) on ' +
    'every resource (or every resource but those in NotResource), attached, inline, or for users through a group: ' +
    'each passes when its ARN matches an adminAllowList glob and fails otherwise. A principal that holds no admin ' +
    'as far as can be read, but has a group or attached policy whose evidence could not be read, gets an error ' +
    'finding. With no admin holder at all, one finding is recorded for the account (on its account-summary ' +
    'resource id): a pass, or an error when any user, group, role or policy of the account could not be read.',
  remediation:
    'Remove admin policies from principals that do not need them (use job-function policies), or, when the access is approved, add the principal ARN to adminAllowList with the approval on record.',
  resourceTypes: [EVIDENCE.user, EVIDENCE.group, EVIDENCE.role, EVIDENCE.policy],
  evaluate(view, options) {
    const allowed = globMatcher(options.adminAllowList);
    const { principals, unread } = assessAdminAccess(view);
    const findings: FindingDraft[] = principals.map((principal) => {
      if (principal.verdict === 'undetermined') {
        const what = principal.unread.join(', ');
        return finding(
          principal,
          'error',
          `Whether ${principal.label} holds administrator access cannot be determined: the evidence of ${what} could not be read.`,
        );
      }
      const holds = `${principal.label} holds administrator access (${principal.via.join('; ')})`;
      return allowed(principal.resourceId)
        ? finding(principal, 'pass', `${holds} and is on the admin allow list.`)
        : finding(principal, 'fail', `${holds} but is not on the admin allow list.`);
    });

    const accountsWithAdmins = new Set(principals.flatMap((p) => (p.verdict === 'admin' ? [p.accountId] : [])));
    for (const account of accountsIn(view, unread)) {
      if (accountsWithAdmins.has(account.accountId)) continue;
      const target = { resourceType: EVIDENCE.accountSummary, resourceId: resourceIds.accountSummary(account) };
      const unreadHere = unread.filter((error) => mayBelongTo(error, account.accountId));
      const scope = `any user, group or role of account ${account.accountId}`;
      findings.push(
        unreadHere.length > 0
          ? finding(target, 'error', `Whether ${scope} holds administrator access cannot be determined: ${describeUnread(unreadHere)} could not be read.`)
          : finding(target, 'pass', `No user, group or role of account ${account.accountId} holds administrator access.`),
      );
    }
    return findings;
  },
};

/** The accounts the evidence (or its unreadable resources) belongs to, with their partitions. */
function accountsIn(view: EvidenceView, unread: ResourceError[]): AccountRef[] {
  const accounts = new Map<string, AccountRef>();
  for (const item of ACCOUNT_EVIDENCE.flatMap((type) => view.all(type))) {
    const accountId = (item.data as { accountId?: unknown }).accountId;
    if (typeof accountId !== 'string' || accountId === '' || accounts.has(accountId)) continue;
    accounts.set(accountId, { partition: parseArn(item.resourceId)?.partition ?? 'aws', accountId });
  }
  for (const error of unread) {
    const arn = parseArn(error.resourceId);
    if (arn && ACCOUNT_ID.test(arn.accountId) && !accounts.has(arn.accountId)) {
      accounts.set(arn.accountId, { partition: arn.partition, accountId: arn.accountId });
    }
  }
  return [...accounts.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
}

/** An AWS-managed policy (account `aws`) is part of every account's authorization details. */
function mayBelongTo(error: ResourceError, accountId: string): boolean {
  const owner = parseArn(error.resourceId)?.accountId;
  return owner === accountId || owner === undefined || !ACCOUNT_ID.test(owner);
}

function describeUnread(errors: ResourceError[]): string {
  const named = errors.slice(0, MAX_NAMED_UNREAD).map((error) => `${error.type} ${error.resourceId}`);
  const more = errors.length - named.length;
  return `the evidence of ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
