// Who holds administrator access (attached, inline, or for users through a group), and whose access
// cannot be determined because a group or attached policy it depends on could not be read: such a
// principal is neither a holder nor cleared.
import type { EvidenceView, ResourceError } from '../../../src/collector.js';
import { evidenceOf } from '../../../src/judging.js';
import { parseArn } from '../../_aws/arn.js';
import { EVIDENCE } from '../schema.js';
import type { AttachedPolicyRef, GroupEvidence, InlinePolicy, ManagedPolicyEvidence, RoleEvidence, UserEvidence } from '../schema.js';
import { ADMINISTRATOR_ACCESS_ARN, fullAdminStatements } from './policy-analysis.js';

export interface Principal {
  resourceType: string;
  resourceId: string;
  /** "IAM user alice", "role Deploy", "group admins". */
  label: string;
  accountId: string;
}

export type AdminAccess = Principal &
  (
    | {
        verdict: 'admin';
        /** How admin is held, e.g. "AdministratorAccess attached", "inline policy x", "group admins (…)". */
        via: string[];
      }
    | {
        verdict: 'undetermined';
        /** What could not be read, e.g. "group admins", "policy Ops", "policy Ops of group devs". */
        unread: string[];
      }
  );

export interface AdminAssessment {
  /** Principals holding admin or whose admin access cannot be determined: groups, roles, then users. */
  principals: AdminAccess[];
  /** Users, groups, roles and managed policies whose evidence could not be read, by resource id. */
  unread: ResourceError[];
}

interface Access {
  via: string[];
  unread: string[];
}

const JUDGED_TYPES = [EVIDENCE.group, EVIDENCE.policy, EVIDENCE.role, EVIDENCE.user];

export function assessAdminAccess(view: EvidenceView): AdminAssessment {
  const managed = new Map(evidenceOf<ManagedPolicyEvidence>(view, EVIDENCE.policy).map((p) => [p.resourceId, p.data]));
  const unreadPolicies = new Set(view.errors(EVIDENCE.policy).map((error) => error.resourceId));
  const ownAccess = (attached: AttachedPolicyRef[], inline: InlinePolicy[]): Access => {
    const access: Access = { via: [], unread: [] };
    for (const policy of attached) {
      const document = managed.get(policy.arn)?.document;
      if (ADMINISTRATOR_ACCESS_ARN.test(policy.arn) || (document && fullAdminStatements(document).length > 0)) {
        access.via.push(`${policy.name} attached`);
      } else if (unreadPolicies.has(policy.arn)) {
        access.unread.push(`policy ${policy.name}`);
      }
    }
    for (const policy of inline) {
      if (fullAdminStatements(policy.document).length > 0) access.via.push(`inline policy ${policy.name}`);
    }
    return access;
  };

  const principals: AdminAccess[] = [];
  const judge = (principal: Principal, access: Access) => {
    if (access.via.length > 0) principals.push({ ...principal, verdict: 'admin', via: access.via });
    else if (access.unread.length > 0) principals.push({ ...principal, verdict: 'undetermined', unread: access.unread });
  };

  // Users name their groups by name; groups are unique by name within an account.
  const groups = new Map<string, Access>();
  const unreadGroups = new Set(view.errors(EVIDENCE.group).flatMap((error) => groupKeyOfArn(error.resourceId) ?? []));
  for (const group of evidenceOf<GroupEvidence>(view, EVIDENCE.group)) {
    const access = ownAccess(group.data.attachedPolicies, group.data.inlinePolicies);
    groups.set(`${group.data.accountId}/${group.data.groupName}`, access);
    judge({ ...group, label: `group ${group.data.groupName}`, accountId: group.data.accountId }, access);
  }
  for (const role of evidenceOf<RoleEvidence>(view, EVIDENCE.role)) {
    const access = ownAccess(role.data.attachedPolicies, role.data.inlinePolicies);
    judge({ ...role, label: `role ${role.data.roleName}`, accountId: role.data.accountId }, access);
  }
  for (const user of evidenceOf<UserEvidence>(view, EVIDENCE.user)) {
    const access = ownAccess(user.data.attachedPolicies, user.data.inlinePolicies);
    for (const name of user.data.groups) {
      const key = `${user.data.accountId}/${name}`;
      const group = groups.get(key);
      if (unreadGroups.has(key)) access.unread.push(`group ${name}`);
      else if (group && group.via.length > 0) access.via.push(`group ${name} (${group.via.join(', ')})`);
      else if (group) access.unread.push(...group.unread.map((what) => `${what} of group ${name}`));
    }
    judge({ ...user, label: `IAM user ${user.data.userName}`, accountId: user.data.accountId }, access);
  }

  const unread = JUDGED_TYPES.flatMap((type) => view.errors(type)).sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
  return { principals, unread };
}

/** `<account>/<group name>` of a group ARN (the name is the last segment of its path). */
function groupKeyOfArn(arn: string): string | undefined {
  const parsed = parseArn(arn);
  const name = parsed?.resource.startsWith('group/') ? parsed.resource.split('/').pop() : undefined;
  return parsed && name ? `${parsed.accountId}/${name}` : undefined;
}
