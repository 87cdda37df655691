// Trust in a whole account (its root, its bare id, or `Principal: *` narrowed only to an account or an
// organization) lets every identity there whose own policies allow sts:AssumeRole become the role: the
// role's access then depends on another account's IAM. Flagged for review: name the roles or users
// that need it, or record the approval as an exception.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, RoleEvidence } from '../schema.js';
import { analyzeTrust, describeScope, serviceLinked } from './trust-analysis.js';

export const roleTrustNoWholeAccount: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_role_trust_no_whole_account',
  title: 'Role trust policies name principals, not whole accounts',
  severity: 'low',
  description:
    'Trusting an account root (`arn:aws:iam::<account>:root` or the bare account id) delegates the decision of who ' +
    "may assume the role to that account's IAM administrators: any of its users or roles allowed sts:AssumeRole " +
    'can. Fails, for review, for each role that trusts a whole account, its own included, or lets anyone in an ' +
    'account or organization assume it (`Principal: *` narrowed only by aws:PrincipalAccount, aws:PrincipalOrgID ' +
    'or aws:PrincipalOrgPaths), or anyone at all. Passes roles whose AWS principals are named users or roles. ' +
    'Roles trusted only by AWS services or identity providers, and service-linked roles, are not applicable. A ' +
    'trust policy that cannot be read is an error.',
  remediation:
    "Replace the account root with the ARNs of the roles or users that assume the role (e.g. the agent's own " +
    'role, as in collectors/aws-iam/README.md); where the whole account is intended ' +
    '(OrganizationAccountAccessRole), record the review in the exceptions file with its approver and an expiry.',
  resourceTypes: [EVIDENCE.role],
  evaluate(view) {
    return evidenceOf<RoleEvidence>(view, EVIDENCE.role).map((role) => {
      const name = `Role ${role.data.roleName}`;
      if (serviceLinked(role.data.path)) {
        return finding(role, 'not_applicable', `${name} is service-linked: AWS owns its trust policy.`);
      }
      const analysis = analyzeTrust(role.data.trustPolicy);
      if (analysis.problems.length > 0) {
        return finding(role, 'error', `The trust policy of ${name} cannot be judged: ${analysis.problems.join('; ')}.`);
      }
      const wholes = [
        ...new Set(
          analysis.grants.flatMap((grant) => {
            if (grant.kind === 'anyone') return [`every principal of every account (${grant.statement})`];
            if (grant.kind === 'account') return [`every principal of account ${grant.account} (${grant.principal})`];
            if (grant.kind === 'anyone-in') {
              return grant.scopes.map((scope) => `anyone in ${describeScope(scope)} (${grant.keys.join(', ')})`);
            }
            return [];
          }),
        ),
      ];
      if (wholes.length > 0) return finding(role, 'fail', `${name} trusts ${wholes.join(', ')}: review who there may assume it.`);
      const named = [...new Set(analysis.grants.flatMap((grant) => (grant.kind === 'principal' ? [grant.principal] : [])))];
      if (named.length === 0) {
        return finding(role, 'not_applicable', `${name} trusts no AWS account principal (only AWS services or identity providers, if any).`);
      }
      return finding(role, 'pass', `${name} names the principals that may assume it: ${named.join(', ')}.`);
    });
  },
};
