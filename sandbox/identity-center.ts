// The simulated IAM Identity Center of the sandbox organisation, and its service control policies: users,
// groups, permission sets and account assignments, with dated drift (an admin permission set assigned to
// a user directly, a permission set's session made longer, the guardrail SCP detached from an OU). A pure
// function of (instant, options): two sandboxes agree. Padding options make the bench's large directory.
import { MANAGEMENT_ACCOUNT_ID } from './estate-model.js';
import { DAY_MS } from './estate-timeline.js';
import { organizationAt, SANDBOX_ROOT_ID, SECURITY_OU_ID, WORKLOADS_OU_ID } from './organization.js';
import type { OrganizationOptions } from './organization.js';

export const SANDBOX_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-72238d1e5f0a9b3c';
export const SANDBOX_IDENTITY_STORE_ID = 'd-9067e1a2b3';
/** The region the sandbox's Identity Center instance lives in. */
export const IDENTITY_CENTER_REGION = 'us-east-1';

/** The dated changes, counted back from the history's end day (hour of day UTC). */
export const IDENTITY_CENTER_DRIFT = {
  sessionLengthened: { offset: -9, hour: 15, description: 'Permission set SecurityAudit: session duration raised from 4 to 12 hours' },
  adminToUser: { offset: -5, hour: 14, description: 'Permission set AdministratorAccess assigned directly to user dan.okafor in account workload-prod' },
  guardrailsDetached: { offset: -3, hour: 11, description: 'SCP DenyLeaveAndTrailTampering detached from the Security OU' },
} as const;

/** The dated Identity Center and SCP changes of the history ending on `historyEnd`'s UTC day (the demo prints them). */
export function identityCenterDriftEvents(historyEnd: Date): { date: Date; description: string }[] {
  const end = Date.UTC(historyEnd.getUTCFullYear(), historyEnd.getUTCMonth(), historyEnd.getUTCDate());
  return Object.values(IDENTITY_CENTER_DRIFT).map((d) => ({ date: new Date(end + d.offset * DAY_MS + d.hour * 3_600_000), description: d.description }));
}

export interface IdentityCenterOptions extends OrganizationOptions {
  /** Pads the directory (benchmarks): generated permission sets, users (in groups of 20) and assignments. */
  padding?: { permissionSets?: number; users?: number; assignments?: number };
}

export interface DirectoryUser {
  id: string;
  userName: string;
  displayName: string;
}
export interface DirectoryGroup {
  id: string;
  displayName: string;
  members: string[];
}
export interface PermissionSetModel {
  arn: string;
  name: string;
  sessionDuration: string;
  managedPolicies: string[];
  inlinePolicy: string;
}
export interface AssignmentModel {
  accountId: string;
  permissionSetArn: string;
  principalType: 'USER' | 'GROUP';
  principalId: string;
}
export interface IdentityCenter {
  users: DirectoryUser[];
  groups: DirectoryGroup[];
  permissionSets: PermissionSetModel[];
  assignments: AssignmentModel[];
}

export interface ServiceControlPolicy {
  id: string;
  name: string;
  awsManaged: boolean;
  content: string;
  targets: string[];
}

const userId = (n: number) => `9067e1a2b3-${String(n).padStart(4, '0')}-4c1d-9a2e-${String(n).padStart(12, '0')}`;
const groupId = (n: number) => `9067e1a2b3-${String(n).padStart(4, '0')}-4f7a-8b3c-${String(n).padStart(12, '0')}`;
const psArn = (n: number) => `arn:aws:sso:::permissionSet/ssoins-72238d1e5f0a9b3c/ps-${n.toString(16).padStart(16, '0')}`;
const managed = (name: string) => `arn:aws:iam::aws:policy/${name}`;

const PEOPLE = ['alice.nguyen', 'bob.martin', 'carol.diaz', 'dan.okafor', 'erin.kowalski', 'julia.santos'];

function at(options: OrganizationOptions, moment: { offset: number; hour: number }): number {
  return options.historyEnd.getTime() + moment.offset * DAY_MS + moment.hour * 3_600_000;
}

export function identityCenterAt(now: Date, options: IdentityCenterOptions): IdentityCenter {
  const t = now.getTime();
  const padding = options.padding ?? {};
  const users: DirectoryUser[] = PEOPLE.map((name, i) => ({ id: userId(i + 1), userName: name, displayName: name.replace('.', ' ') }));
  for (let i = 0; i < (padding.users ?? 0); i++) users.push({ id: userId(1000 + i), userName: `person-${i + 1}`, displayName: `Person ${i + 1}` });
  const byName = (name: string) => users.find((u) => u.userName === name)!.id;
  const groups: DirectoryGroup[] = [
    { id: groupId(1), displayName: 'PlatformAdmins', members: [byName('alice.nguyen'), byName('bob.martin')] },
    { id: groupId(2), displayName: 'Developers', members: ['carol.diaz', 'dan.okafor', 'julia.santos'].map(byName) },
    { id: groupId(3), displayName: 'SecurityAuditors', members: [byName('erin.kowalski')] },
  ];
  // Padded users come in teams of 20, one group each.
  const padded = users.slice(PEOPLE.length);
  for (let i = 0; i * 20 < padded.length; i++) {
    groups.push({ id: groupId(100 + i), displayName: `Team-${i + 1}`, members: padded.slice(i * 20, i * 20 + 20).map((u) => u.id) });
  }
  const lengthened = t >= at(options, IDENTITY_CENTER_DRIFT.sessionLengthened);
  const permissionSets: PermissionSetModel[] = [
    { arn: psArn(1), name: 'AdministratorAccess', sessionDuration: 'PT1H', managedPolicies: [managed('AdministratorAccess')], inlinePolicy: '' },
    { arn: psArn(2), name: 'PowerUser', sessionDuration: 'PT8H', managedPolicies: [managed('PowerUserAccess')], inlinePolicy: '' },
    { arn: psArn(3), name: 'ReadOnly', sessionDuration: 'PT4H', managedPolicies: [managed('ReadOnlyAccess')], inlinePolicy: '' },
    {
      arn: psArn(4),
      name: 'SecurityAudit',
      sessionDuration: lengthened ? 'PT12H' : 'PT4H',
      managedPolicies: [managed('SecurityAudit')],
      inlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoDataReads', Effect: 'Deny', Action: ['s3:GetObject'], Resource: '*' }] }),
    },
  ];
  for (let i = 0; i < (padding.permissionSets ?? 0); i++) {
    permissionSets.push({
      arn: psArn(100 + i),
      name: `Team-${i + 1}-Access`,
      sessionDuration: 'PT8H',
      managedPolicies: [managed('ReadOnlyAccess')],
      inlinePolicy: '',
    });
  }

  const org = organizationAt(now, options);
  const active = org.accounts.filter((a) => a.state === 'ACTIVE');
  const workloads = active.filter((a) => a.parentId !== SECURITY_OU_ID && a.id !== MANAGEMENT_ACCOUNT_ID);
  const security = active.filter((a) => a.parentId === SECURITY_OU_ID);
  const assignments: AssignmentModel[] = [];
  const assign = (accountId: string, set: PermissionSetModel, principalType: 'USER' | 'GROUP', principalId: string) =>
    assignments.push({ accountId, permissionSetArn: set.arn, principalType, principalId });
  const [admin, power, read, audit] = permissionSets as [PermissionSetModel, PermissionSetModel, PermissionSetModel, PermissionSetModel];
  for (const account of active) assign(account.id, admin, 'GROUP', groups[0]!.id);
  for (const account of workloads) assign(account.id, power, 'GROUP', groups[1]!.id);
  for (const account of security) assign(account.id, read, 'GROUP', groups[1]!.id);
  for (const account of active) assign(account.id, audit, 'GROUP', groups[2]!.id);
  if (t >= at(options, IDENTITY_CENTER_DRIFT.adminToUser)) assign('111122223333', admin, 'USER', byName('dan.okafor'));
  // Padded assignments: each padded permission set to the teams, over the active accounts in turn.
  const extraSets = permissionSets.slice(4);
  const teams = groups.slice(3);
  const combinations = extraSets.length * teams.length * active.length;
  for (let i = 0; i < Math.min(padding.assignments ?? 0, combinations); i++) {
    const set = extraSets[i % extraSets.length]!;
    const team = teams[Math.floor(i / extraSets.length) % teams.length]!;
    const account = active[Math.floor(i / (extraSets.length * teams.length)) % active.length]!;
    assign(account.id, set, 'GROUP', team.id);
  }
  return { users, groups, permissionSets, assignments };
}

/** The service control policies at `now`: FullAWSAccess on the root, the guardrails on both OUs (until detached from Security). */
export function serviceControlPoliciesAt(now: Date, options: OrganizationOptions): ServiceControlPolicy[] {
  const detached = now.getTime() >= at(options, IDENTITY_CENTER_DRIFT.guardrailsDetached);
  return [
    {
      id: 'p-FullAWSAccess',
      name: 'FullAWSAccess',
      awsManaged: true,
      content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      targets: [SANDBOX_ROOT_ID],
    },
    {
      id: 'p-7d3k2m9q',
      name: 'DenyLeaveAndTrailTampering',
      awsManaged: false,
      content: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'NoLeaving', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' },
          {
            Sid: 'KeepAuditLogging',
            Effect: 'Deny',
            Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail'],
            Resource: '*',
            Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/OrganizationAccountAccessRole' } },
          },
        ],
      }),
      targets: detached ? [WORKLOADS_OU_ID] : [SECURITY_OU_ID, WORKLOADS_OU_ID],
    },
  ];
}
