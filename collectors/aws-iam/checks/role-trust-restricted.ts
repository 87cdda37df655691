// Who may assume a role: nobody outside the company without an external id, and never anyone at all.
// A role trusted by a third party's account (not the role's own, not one this agent collects, not one
// of trust.ownAccounts or trust.organizationIds) must require sts:ExternalId, so that the third party
// cannot be tricked into using its access for someone else (the confused deputy); `Principal: *` must
// be narrowed by a condition naming the caller's account, ARN or organization.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, RoleEvidence } from '../schema.js';
import { analyzeTrust, describeScope, ownScope, serviceLinked } from './trust-analysis.js';
import type { Grant, TrustedAccounts } from './trust-analysis.js';
import { trustedAccounts } from './trusted-accounts.js';

export const roleTrustRestricted: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_role_trust_restricted',
  title: 'Role trust policies admit no one at large and no third party without an external id',
  severity: 'high',
  description:
    'A trust policy decides who can become the role. Fails for a role whose trust policy lets anyone assume it ' +
    '(`Principal: *`, `"AWS": "*"` or `NotPrincipal`) without a condition naming the caller\'s account, ARN or ' +
    'organization (aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths, or the ' +
    'aws:Source* keys; an external id alone does not count), or lets a third-party account assume it (an account ' +
    "that is neither the role's own, nor one this agent collects, nor in trust.ownAccounts or " +
    'trust.organizationIds) without requiring sts:ExternalId (StringEquals or StringLike without wildcards; an ' +
    '`IfExists` operator requires nothing). AWS services and identity providers pass. Service-linked roles are not ' +
    'applicable: AWS owns their trust policy. A principal or condition that cannot be read is an error.',
  remediation:
    'Add a Condition `{"StringEquals": {"sts:ExternalId": "<id the vendor gave you>"}}` to the statement trusting ' +
    'the third party, or name the account in trust.ownAccounts if it is yours; replace `Principal: *` with the ' +
    'accounts or roles that need the role, or add an aws:PrincipalOrgID condition.',
  resourceTypes: [EVIDENCE.role],
  evaluate(view, options) {
    return evidenceOf<RoleEvidence>(view, EVIDENCE.role).map((role) => {
      const name = `Role ${role.data.roleName}`;
      if (serviceLinked(role.data.path)) {
        return finding(role, 'not_applicable', `${name} is service-linked: AWS owns its trust policy.`);
      }
      const analysis = analyzeTrust(role.data.trustPolicy);
      if (analysis.problems.length > 0) {
        return finding(role, 'error', `The trust policy of ${name} cannot be judged: ${analysis.problems.join('; ')}.`);
      }
      const own = trustedAccounts(options, role.data.accountId);
      const faults = analysis.grants.flatMap((grant) => fault(grant, own));
      if (faults.length > 0) return finding(role, 'fail', `${name} ${faults.join('; ')}.`);
      if (analysis.grants.length === 0) return finding(role, 'pass', `${name} lets no one assume it (no statement allows sts:AssumeRole).`);
      const who = [...new Set(analysis.grants.map((grant) => trustee(grant, own)))];
      return finding(role, 'pass', `${name} can be assumed only by ${who.join(', ')}.`);
    });
  },
};

function fault(grant: Grant, own: TrustedAccounts): string[] {
  const where = `(${grant.statement})`;
  if (grant.kind === 'anyone') {
    const only = grant.externalId ? ', only an external id, which anyone who learns it can present' : '';
    return [`lets anyone assume it ${where}: no condition names the caller's account, ARN or organization${only}`];
  }
  if (grant.externalId) return [];
  if (grant.kind === 'anyone-in') {
    return grant.scopes
      .filter((scope) => !ownScope(scope, own))
      .map((scope) => `lets third-party ${describeScope(scope)} assume it without requiring sts:ExternalId ${where}`);
  }
  if ((grant.kind === 'account' || grant.kind === 'principal') && !own.accounts.has(grant.account)) {
    const who = grant.kind === 'account' ? `third-party account ${grant.account}` : `${grant.principal} of third-party account ${grant.account}`;
    return [`lets ${who} assume it without requiring sts:ExternalId ${where}`];
  }
  return [];
}

/** How a pass names one trusted party. */
function trustee(grant: Grant, own: TrustedAccounts): string {
  const id = grant.externalId ? ' with an external id' : '';
  switch (grant.kind) {
    case 'service':
      return `AWS service ${grant.principal}`;
    case 'identity-provider':
      return `identity provider ${grant.principal}`;
    case 'account':
      return `${own.accounts.has(grant.account) ? 'own ' : ''}account ${grant.account}${id}`;
    case 'principal':
      return `${grant.principal}${id}`;
    case 'anyone-in':
      return `callers in ${grant.scopes.map(describeScope).join(' or ')} (${grant.keys.join(', ')})${id}`;
    case 'anyone':
      return `anyone${id}`;
  }
}
