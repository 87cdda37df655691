// Admin-equivalent permission sets are assigned only to the groups the config allows (identityCenter.adminGroups).
import type { CheckDefinition, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { nameMatcher } from '../policy.js';
import { EVIDENCE } from '../schema.js';
import type { AssignmentEvidence, AwsOrganizationOptions, PermissionSetEvidence } from '../schema.js';
import { adminReason } from './admin-permission-sets.js';
import { identityCenterState } from './identity-center-state.js';

export const ssoAdminPermissionSetRestricted: CheckDefinition<AwsOrganizationOptions> = {
  id: 'aws_organization_admin_permission_set_restricted',
  title: 'Admin permission sets are assigned only to approved groups',
  severity: 'high',
  description:
    'An admin-equivalent permission set (the AdministratorAccess managed policy, an inline policy allowing every action on every resource, or a name listed in identityCenter.adminPermissionSets) gives full control of every account it is assigned in. Each assignment of one passes when it is to a group whose display name matches identityCenter.adminGroups, and fails when it is to any other group or to an individual user. With no such assignment, one pass is recorded for the Identity Center region; without an instance, not applicable. Customer managed policies are defined in each member account and judged there by aws_iam_admin_access_restricted.',
  remediation:
    'Remove the assignment (IAM Identity Center > AWS accounts > the account > the user or group), give the person a narrower permission set, or, when the access is approved, assign it through a group listed in identityCenter.adminGroups.',
  resourceTypes: [EVIDENCE.instance, EVIDENCE.permissionSet, EVIDENCE.assignment],
  evaluate(view, options) {
    if (!options.identityCenter.enabled) return [];
    const state = identityCenterState(view);
    if (state.kind === 'unknown') return [];
    if (state.kind === 'absent')
      return state.findings('not_applicable', (region) => `IAM Identity Center has no instance in ${region}: no permission set is assigned.`);
    const admin = new Map<string, string>();
    for (const set of evidenceOf<PermissionSetEvidence>(view, EVIDENCE.permissionSet)) {
      const reason = adminReason(set.data, options.identityCenter.adminPermissionSets);
      if (reason) admin.set(set.data.arn, reason);
    }
    const allowed = nameMatcher(options.identityCenter.adminGroups);
    const findings: FindingDraft[] = [];
    for (const assignment of evidenceOf<AssignmentEvidence>(view, EVIDENCE.assignment)) {
      const { permissionSetArn, permissionSetName, principalType, principalId, principalName, accountId } = assignment.data;
      const reason = admin.get(permissionSetArn);
      if (!reason) continue;
      const holder = `${principalType === 'GROUP' ? 'group' : 'user'} ${principalName ?? `${principalId} (not in the identity store)`}`;
      const what = `Permission set ${permissionSetName} (admin-equivalent: ${reason}) is assigned to ${holder} in account ${accountId}`;
      if (principalType === 'GROUP' && principalName !== null && allowed(principalName))
        findings.push(finding(assignment, 'pass', `${what}, a group on the admin allow list.`));
      else
        findings.push(
          finding(
            assignment,
            'fail',
            `${what}, ${principalType === 'GROUP' ? 'a group not on the admin allow list' : 'an individual user rather than an approved group'}.`,
          ),
        );
    }
    if (findings.length === 0) {
      for (const region of state.regions) {
        findings.push(finding(region, 'pass', `No admin-equivalent permission set of IAM Identity Center in ${region.data.region} is assigned to anyone.`));
      }
    }
    return findings;
  },
};
