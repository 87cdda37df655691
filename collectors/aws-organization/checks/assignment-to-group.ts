// Access is given to groups: an account assignment to an individual user bypasses the group a joiner,
// mover or leaver process manages (identityCenter.requireGroupAssignments).
import type { CheckDefinition, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { nameMatcher } from '../policy.js';
import { EVIDENCE } from '../schema.js';
import type { AssignmentEvidence, AwsOrganizationOptions } from '../schema.js';
import { identityCenterState } from './identity-center-state.js';

export const ssoAssignmentToGroup: CheckDefinition<AwsOrganizationOptions> = {
  id: 'aws_organization_assignment_to_group',
  title: 'Identity Center account access is assigned to groups, not individual users',
  severity: 'medium',
  description:
    'Access granted through groups is reviewed and removed with group membership; an assignment to a single user is easily missed when the person moves or leaves. Each account assignment to a user fails unless the user name matches identityCenter.userAssignmentAllowList (a break-glass user passes, named). With no user assignment, one pass is recorded for the Identity Center region. Not applicable when identityCenter.requireGroupAssignments is false or there is no instance.',
  remediation:
    'Add the user to a group that holds the permission set in that account, then delete the user assignment; or list an approved exception in identityCenter.userAssignmentAllowList.',
  resourceTypes: [EVIDENCE.instance, EVIDENCE.assignment],
  evaluate(view, options) {
    if (!options.identityCenter.enabled) return [];
    const state = identityCenterState(view);
    if (state.kind === 'unknown') return [];
    if (state.kind === 'absent')
      return state.findings('not_applicable', (region) => `IAM Identity Center has no instance in ${region}: no access is assigned.`);
    if (!options.identityCenter.requireGroupAssignments) {
      return state.regions.map((region) =>
        finding(
          region,
          'not_applicable',
          `Assignments to individual users are allowed by the config (identityCenter.requireGroupAssignments is false) in ${region.data.region}.`,
        ),
      );
    }
    const allowed = nameMatcher(options.identityCenter.userAssignmentAllowList);
    const findings: FindingDraft[] = [];
    for (const assignment of evidenceOf<AssignmentEvidence>(view, EVIDENCE.assignment)) {
      const { principalType, principalName, principalId, permissionSetName, accountId } = assignment.data;
      if (principalType !== 'USER') continue;
      const what = `User ${principalName ?? `${principalId} (not in the identity store)`} is assigned permission set ${permissionSetName} in account ${accountId} directly`;
      findings.push(
        principalName !== null && allowed(principalName)
          ? finding(assignment, 'pass', `${what}, an exception on the user assignment allow list.`)
          : finding(assignment, 'fail', `${what}, not through a group.`),
      );
    }
    if (findings.length === 0) {
      for (const region of state.regions)
        findings.push(finding(region, 'pass', `Every account assignment of IAM Identity Center in ${region.data.region} is to a group.`));
    }
    return findings;
  },
};
