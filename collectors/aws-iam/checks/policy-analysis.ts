// What counts as administrator access: an Allow statement with every action on every resource, or the
// AWS-managed AdministratorAccess policy. NotAction / NotResource statements are not read as admin:
// they grant "everything except", which needs a human to judge.
import type { EvidenceView } from '../../../src/collector.js';
import { EVIDENCE } from '../schema.js';
import type {
  AttachedPolicyRef,
  GroupEvidence,
  InlinePolicy,
  ManagedPolicyEvidence,
  PolicyDocument,
  PolicyStatement,
  RoleEvidence,
  UserEvidence,
} from '../schema.js';
import { evidenceOf } from './judging.js';

export const ADMINISTRATOR_ACCESS_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
const EVERY_ACTION = new Set(['*', '*:*']);

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  const statements = document.Statement;
  if (statements === undefined) return [];
  return Array.isArray(statements) ? statements : [statements];
}

export function grantsFullAdmin(statement: PolicyStatement): boolean {
  return (
    statement.Effect === 'Allow' &&
    asList(statement.Action).some((action) => EVERY_ACTION.has(action)) &&
    asList(statement.Resource).includes('*')
  );
}

/** Labels (Sid, else 1-based position) of the statements granting full admin. */
export function fullAdminStatements(document: PolicyDocument): string[] {
  return statementsOf(document).flatMap((statement, index) =>
    grantsFullAdmin(statement) ? [statement.Sid ? statement.Sid : `#${index + 1}`] : [],
  );
}

/** Allow-list globs: `*` matches any run of characters, everything else literally. */
export function globMatcher(globs: string[]): (arn: string) => boolean {
  const patterns = globs.map(
    (glob) => new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`),
  );
  return (arn) => patterns.some((pattern) => pattern.test(arn));
}

export interface AdminHolder {
  resourceType: string;
  resourceId: string;
  /** "IAM user alice", "role Deploy", "group admins". */
  label: string;
  accountId: string;
  /** How admin is held, e.g. "AdministratorAccess attached", "inline policy x", "group admins". */
  via: string[];
}

/** Every user, group and role holding admin, directly, inline, or (users) through a group. */
export function adminHolders(view: EvidenceView): AdminHolder[] {
  const managed = new Map(evidenceOf<ManagedPolicyEvidence>(view, EVIDENCE.policy).map((p) => [p.resourceId, p.data]));
  const viaPolicies = (attached: AttachedPolicyRef[], inline: InlinePolicy[]): string[] => [
    ...attached.flatMap((policy) => {
      const document = managed.get(policy.arn)?.document;
      const admin = ADMINISTRATOR_ACCESS_ARN.test(policy.arn) || (document && fullAdminStatements(document).length > 0);
      return admin ? [`${policy.name} attached`] : [];
    }),
    ...inline.flatMap((policy) =>
      fullAdminStatements(policy.document).length > 0 ? [`inline policy ${policy.name}`] : [],
    ),
  ];

  const holders: AdminHolder[] = [];
  const adminGroups = new Map<string, string[]>();
  for (const group of evidenceOf<GroupEvidence>(view, EVIDENCE.group)) {
    const via = viaPolicies(group.data.attachedPolicies, group.data.inlinePolicies);
    if (via.length === 0) continue;
    adminGroups.set(`${group.data.accountId}/${group.data.groupName}`, via);
    holders.push({ ...group, label: `group ${group.data.groupName}`, accountId: group.data.accountId, via });
  }
  for (const role of evidenceOf<RoleEvidence>(view, EVIDENCE.role)) {
    const via = viaPolicies(role.data.attachedPolicies, role.data.inlinePolicies);
    if (via.length > 0) {
      holders.push({ ...role, label: `role ${role.data.roleName}`, accountId: role.data.accountId, via });
    }
  }
  for (const user of evidenceOf<UserEvidence>(view, EVIDENCE.user)) {
    const throughGroups = user.data.groups.flatMap((name) => {
      const groupVia = adminGroups.get(`${user.data.accountId}/${name}`);
      return groupVia ? [`group ${name} (${groupVia.join(', ')})`] : [];
    });
    const via = [...viaPolicies(user.data.attachedPolicies, user.data.inlinePolicies), ...throughGroups];
    if (via.length > 0) {
      holders.push({ ...user, label: `IAM user ${user.data.userName}`, accountId: user.data.accountId, via });
    }
  }
  return holders;
}
