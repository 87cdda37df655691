// CIS AWS 1.16: no customer-written policy grants full admin ("*" on "*", or all but a few actions or
// resources; see policy-analysis.ts). AWS-managed policies are out of scope (AdministratorAccess exists
// on purpose); who holds admin is judged by aws_iam_admin_access_restricted. Each finding is about one
// policy, with no account-wide conclusion: unreadable holders and policies get the runner's error findings.
import type { CheckDefinition, EvidenceView, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE, resourceIds } from '../schema.js';
import type { AwsIamOptions, GroupEvidence, InlinePolicy, ManagedPolicyEvidence, RoleEvidence, UserEvidence } from '../schema.js';
import { fullAdminStatements } from './policy-analysis.js';
import type { AdminStatement } from './policy-analysis.js';

export const policyNoFullAdmin: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_policy_no_full_admin',
  title: 'Customer policies do not grant full administrator access',
  severity: 'high',
  description:
    'A hand-written "Action: *, Resource: *" policy is admin access that is easy to miss in reviews. Judges ' +
    'customer-managed policies (attached or not) and the inline policies of users, groups and roles: fails when ' +
    'any Allow statement grants every action ("*" or "*:*" among its actions, or any NotAction not excluding "*") ' +
    'on every resource ("*" among its resources, or any NotResource not excluding "*"). Deny statements and ' +
    'conditions are not weighed. Inline policies are reported as <holder ARN>#inline/<policy name>.',
  remediation:
    'Replace the statement with the actions and resources the holder actually needs; where full admin is intended, attach the AWS-managed AdministratorAccess policy to an allow-listed role instead.',
  resourceTypes: [EVIDENCE.policy, EVIDENCE.user, EVIDENCE.group, EVIDENCE.role],
  evaluate(view) {
    const findings: FindingDraft[] = [];
    for (const policy of evidenceOf<ManagedPolicyEvidence>(view, EVIDENCE.policy)) {
      if (policy.data.awsManaged) continue;
      const name = `Customer-managed policy ${policy.data.policyName}`;
      findings.push(judge(policy, name, fullAdminStatements(policy.data.document)));
    }
    for (const holder of inlinePolicyHolders(view)) {
      for (const policy of holder.inline) {
        const target = {
          resourceType: holder.resourceType,
          resourceId: resourceIds.inlinePolicy(holder.resourceId, policy.name),
        };
        const name = `Inline policy ${policy.name} of ${holder.label}`;
        findings.push(judge(target, name, fullAdminStatements(policy.document)));
      }
    }
    return findings;
  },
};

interface InlinePolicyHolder {
  resourceType: string;
  resourceId: string;
  label: string;
  inline: InlinePolicy[];
}

function inlinePolicyHolders(view: EvidenceView): InlinePolicyHolder[] {
  return [
    ...evidenceOf<UserEvidence>(view, EVIDENCE.user).map((user) => ({
      ...user,
      label: `IAM user ${user.data.userName}`,
      inline: user.data.inlinePolicies,
    })),
    ...evidenceOf<GroupEvidence>(view, EVIDENCE.group).map((group) => ({
      ...group,
      label: `group ${group.data.groupName}`,
      inline: group.data.inlinePolicies,
    })),
    ...evidenceOf<RoleEvidence>(view, EVIDENCE.role).map((role) => ({
      ...role,
      label: `role ${role.data.roleName}`,
      inline: role.data.inlinePolicies,
    })),
  ];
}

function judge(target: { resourceType: string; resourceId: string }, name: string, adminStatements: AdminStatement[]): FindingDraft {
  const grants = adminStatements.map((statement) => `statement ${statement.label} allows ${statement.grant}`);
  return grants.length > 0
    ? finding(target, 'fail', `${name} grants full administrator access: ${grants.join('; ')}.`)
    : finding(target, 'pass', `${name} does not grant full administrator access.`);
}
