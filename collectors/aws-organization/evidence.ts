// Evidence of what was read: one document per root, OU, account, SCP, organisation trail, Identity
// Center region, permission set, account assignment, user and group, in a stable form (sorted lists, ISO
// dates, no e-mail addresses or other contact data) so an unchanged organisation yields identical documents.
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { compareStrings } from '../../src/compare-strings.js';
import type { InstanceRead } from './identity-center-reads.js';
import type { OrganizationRead, ScpRead } from './organization-reads.js';
import { parsePolicy } from './policy.js';
import { EVIDENCE, evidenceItem, resourceIds } from './schema.js';
import type {
  AccountEvidence,
  AssignmentEvidence,
  Built,
  GroupEvidence,
  InstanceEvidence,
  OrganizationEvidence,
  OrganizationTrailEvidence,
  OuEvidence,
  PermissionSetEvidence,
  RootEvidence,
  ScpEvidence,
  UserEvidence,
} from './schema.js';

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw new MalformedResponseError(`the reply has ${what}`);
  return value;
}

export function organizationEvidence(read: OrganizationRead, collectedFrom: string): Built {
  const built: Built = { evidence: [], errors: [] };
  const org: OrganizationEvidence = { ...read.organization, collectedFrom };
  built.evidence.push(evidenceItem(EVIDENCE.organization, org.arn, org));
  for (const root of read.roots) {
    const data: RootEvidence = {
      id: required(root.Id, 'a root without Id'),
      arn: required(root.Arn, 'a root without Arn'),
      name: root.Name ?? 'Root',
      policyTypes: (root.PolicyTypes ?? [])
        .map((type) => ({ type: type.Type ?? 'UNKNOWN', status: type.Status ?? 'UNKNOWN' }))
        .sort((a, b) => compareStrings(a.type, b.type)),
    };
    built.evidence.push(evidenceItem(EVIDENCE.root, data.arn, data));
  }
  for (const { ou, parentId, path } of read.ous) {
    const data: OuEvidence = { id: required(ou.Id, 'an OU without Id'), arn: required(ou.Arn, 'an OU without Arn'), name: ou.Name ?? '', parentId, path };
    built.evidence.push(evidenceItem(EVIDENCE.ou, data.arn, data));
  }
  for (const { account, parentId, path } of read.accounts) {
    const accountId = required(account.Id, 'an account without Id');
    const data: AccountEvidence = {
      accountId,
      arn: required(account.Arn, `account ${accountId} without Arn`),
      name: account.Name ?? '',
      // State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED) replaces the older Status where AWS sends it.
      status: account.State ?? account.Status ?? 'UNKNOWN',
      joinedMethod: account.JoinedMethod ?? null,
      joinedAt: account.JoinedTimestamp instanceof Date ? account.JoinedTimestamp.toISOString() : null,
      parentId,
      path,
      management: accountId === read.organization.managementAccountId,
    };
    built.evidence.push(evidenceItem(EVIDENCE.account, data.arn, data));
  }
  return built;
}

export function scpEvidence(policies: ScpRead[]): Built {
  const evidence = policies.map(({ summary, content, targets }) => {
    const arn = required(summary.Arn, 'a policy without Arn');
    const data: ScpEvidence = {
      id: required(summary.Id, 'a policy without Id'),
      arn,
      name: summary.Name ?? '',
      description: summary.Description ?? '',
      awsManaged: summary.AwsManaged === true,
      document: parsePolicy(content, `the content of SCP ${arn}`),
      targets: targets
        .map((target) => ({
          targetId: required(target.TargetId, `a target of ${arn} without TargetId`),
          type: target.Type ?? 'UNKNOWN',
          name: target.Name ?? '',
        }))
        .sort((a, b) => compareStrings(a.targetId, b.targetId)),
    };
    return evidenceItem(EVIDENCE.scp, arn, data);
  });
  return { evidence, errors: [] };
}

export function trailEvidence(trails: OrganizationTrailEvidence[]): Built {
  return { evidence: trails.map((trail) => evidenceItem(EVIDENCE.trail, trail.arn, trail)), errors: [] };
}

export function identityCenterEvidence(partition: string, accountId: string, region: string, instances: InstanceRead[]): Built {
  const built: Built = { evidence: [], errors: [] };
  const region_: InstanceEvidence = {
    region,
    instances: instances
      .map(({ instance }) => ({
        instanceArn: instance.InstanceArn,
        identityStoreId: instance.IdentityStoreId,
        ownerAccountId: instance.OwnerAccountId ?? null,
        name: instance.Name ?? null,
        status: instance.Status ?? null,
      }))
      .sort((a, b) => compareStrings(a.instanceArn, b.instanceArn)),
  };
  built.evidence.push(evidenceItem(EVIDENCE.instance, resourceIds.identityCenter(partition, accountId, region), region_));

  for (const { instance, permissionSets, users, groups } of instances) {
    const storeId = instance.IdentityStoreId;
    const userNames = new Map<string, string>();
    for (const user of users) {
      const userId = required(user.UserId, 'a user without UserId');
      const data: UserEvidence = {
        identityStoreId: storeId,
        userId,
        userName: user.UserName ?? '',
        displayName: user.DisplayName ?? null,
        status: user.UserStatus ?? null,
        externalIds: (user.ExternalIds ?? []).map((id) => `${id.Issuer ?? ''}:${id.Id ?? ''}`).sort(compareStrings),
      };
      userNames.set(userId, data.userName);
      built.evidence.push(evidenceItem(EVIDENCE.user, resourceIds.user(partition, storeId, userId), data));
    }
    const groupNames = new Map<string, string>();
    for (const { group, memberships } of groups) {
      const groupId = required(group.GroupId, 'a group without GroupId');
      const members = memberships
        .map((membership) => {
          const member = membership.MemberId;
          const userId = member && 'UserId' in member && typeof member.UserId === 'string' ? member.UserId : undefined;
          return { userId: required(userId, `a membership of group ${groupId} without MemberId.UserId`), userName: userNames.get(userId!) ?? null };
        })
        .sort((a, b) => compareStrings(a.userId, b.userId));
      const data: GroupEvidence = {
        identityStoreId: storeId,
        groupId,
        displayName: group.DisplayName ?? '',
        description: group.Description ?? null,
        externalIds: (group.ExternalIds ?? []).map((id) => `${id.Issuer ?? ''}:${id.Id ?? ''}`).sort(compareStrings),
        members,
      };
      groupNames.set(groupId, data.displayName);
      built.evidence.push(evidenceItem(EVIDENCE.group, resourceIds.group(partition, storeId, groupId), data));
    }
    // An assignment listed twice (on two pages of a listing that shifted while it was read) is one resource.
    const assigned = new Set<string>();
    for (const set of permissionSets) {
      const name = required(set.permissionSet.Name, `permission set ${set.arn} without Name`);
      const data: PermissionSetEvidence = {
        instanceArn: instance.InstanceArn,
        arn: set.arn,
        name,
        description: set.permissionSet.Description ?? null,
        sessionDuration: set.permissionSet.SessionDuration ?? null,
        managedPolicies: set.managedPolicies
          .map((policy) => ({ name: policy.Name ?? '', arn: required(policy.Arn, `a managed policy of ${set.arn} without Arn`) }))
          .sort((a, b) => compareStrings(a.arn, b.arn)),
        customerManagedPolicies: set.customerManagedPolicies
          .map((policy) => ({ name: required(policy.Name, `a customer managed policy of ${set.arn} without Name`), path: policy.Path ?? '/' }))
          .sort((a, b) => compareStrings(a.path + a.name, b.path + b.name)),
        inlinePolicy: set.inlinePolicy === '' ? null : parsePolicy(set.inlinePolicy, `the inline policy of ${set.arn}`),
        provisionedAccounts: set.accounts,
      };
      built.evidence.push(evidenceItem(EVIDENCE.permissionSet, set.arn, data));
      for (const assignment of set.assignments) {
        const accountId = required(assignment.AccountId, `an assignment of ${set.arn} without AccountId`);
        const principalType = required(assignment.PrincipalType, `an assignment of ${set.arn} without PrincipalType`);
        const principalId = required(assignment.PrincipalId, `an assignment of ${set.arn} without PrincipalId`);
        const names = principalType === 'GROUP' ? groupNames : userNames;
        const data: AssignmentEvidence = {
          instanceArn: instance.InstanceArn,
          accountId,
          permissionSetArn: set.arn,
          permissionSetName: name,
          principalType,
          principalId,
          principalName: names.get(principalId) ?? null,
        };
        const id = resourceIds.assignment(set.arn, accountId, principalType, principalId);
        if (assigned.has(id)) continue;
        assigned.add(id);
        built.evidence.push(evidenceItem(EVIDENCE.assignment, id, data));
      }
    }
  }
  return built;
}
