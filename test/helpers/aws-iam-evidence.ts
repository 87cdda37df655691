// aws-iam evidence built by hand, as the collector stores it, for the tests of its checks as pure functions
// (test/collectors/aws-iam/*-checks.test.ts): an account's root, users, their credentials, groups, roles,
// managed policies and password policy, each with overrides; dates counted back from a fixed NOW.
import { awsIamChecks } from '../../collectors/aws-iam/checks/index.js';
import { awsIamOptionsSchema, EVIDENCE, resourceIds } from '../../collectors/aws-iam/schema.js';
import type {
  AccessKeySlot,
  AccountRef,
  AwsIamOptions,
  GroupEvidence,
  ManagedPolicyEvidence,
  PasswordPolicyEvidence,
  PolicyStatement,
  RoleEvidence,
  RootCredentialsEvidence,
  UserCredentialsEvidence,
  UserEvidence,
} from '../../collectors/aws-iam/schema.js';
import type { EvidenceItem, EvidenceView, FindingDraft, ResourceError } from '../../src/collector.js';
import { evidenceView } from '../../src/evaluate-checks.js';

export const ACCOUNT = '111122223333';
export const ACCOUNT_REF: AccountRef = { partition: 'aws', accountId: ACCOUNT };
/** Midday, so "days ago" below is a whole number of calendar days whichever way the time is read. */
export const NOW = new Date('2026-01-10T12:00:00.000Z');
export const DAY = 86_400_000;
export const arn = (suffix: string) => `arn:aws:iam::${ACCOUNT}:${suffix}`;
/** An ISO timestamp `days` days (and `extraMs`) before NOW. */
export const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY - extraMs).toISOString();
/** The day (YYYY-MM-DD) `days` calendar days before NOW: how last-use dates are stored. */
export const dayAgo = (days: number) => ago(days).slice(0, 10);
/** The first and the last millisecond of the day `days` before NOW: time of day must not matter. */
export const startOfDayAgo = (days: number) => `${dayAgo(days)}T00:00:00.000Z`;
export const endOfDayAgo = (days: number) => `${dayAgo(days)}T23:59:59.999Z`;

export const item = (type: string, resourceId: string, data: unknown): EvidenceItem => ({
  type,
  resourceId,
  schemaVersion: 1,
  data,
});

export const viewOf = (...evidence: EvidenceItem[]): EvidenceView => evidenceView(evidence);
export const unreadable = (type: string, resourceId: string): ResourceError => ({ type, resourceId, error: 'AccessDenied' });

export function options(overrides: Record<string, unknown> = {}): AwsIamOptions {
  return awsIamOptionsSchema.parse(overrides);
}

export function evaluate(checkId: string, view: EvidenceView, opts = options(), now = NOW): FindingDraft[] {
  const check = awsIamChecks.find((candidate) => candidate.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  return check.evaluate(view, opts, now);
}

export const noKey = (slot: 1 | 2): AccessKeySlot => ({
  slot,
  active: false,
  lastRotated: null,
  lastUsedDate: null,
  lastUsedService: null,
});
export const key = (slot: 1 | 2, overrides: Partial<AccessKeySlot> = {}): AccessKeySlot => ({
  slot,
  active: true,
  lastRotated: ago(10),
  lastUsedDate: dayAgo(1),
  lastUsedService: 's3',
  ...overrides,
});

export function root(overrides: Partial<RootCredentialsEvidence> = {}): EvidenceItem {
  const data: RootCredentialsEvidence = {
    accountId: ACCOUNT,
    arn: arn('root'),
    mfaActive: true,
    virtualMfaSerials: [],
    accountMfaEnabled: true,
    accessKeysPresent: false,
    passwordLastUsed: null,
    accessKeys: [noKey(1), noKey(2)],
    ...overrides,
  };
  return item(EVIDENCE.rootCredentials, arn('root'), data);
}

export function credentials(name: string, overrides: Partial<UserCredentialsEvidence> = {}): EvidenceItem {
  const data: UserCredentialsEvidence = {
    accountId: ACCOUNT,
    userName: name,
    arn: arn(`user/${name}`),
    userCreationTime: ago(400),
    passwordEnabled: false,
    passwordLastUsed: null,
    passwordLastChanged: null,
    mfaActive: false,
    accessKeys: [noKey(1), noKey(2)],
    ...overrides,
  };
  return item(EVIDENCE.userCredentials, data.arn, data);
}

export function user(name: string, overrides: Partial<UserEvidence> = {}): EvidenceItem {
  const data: UserEvidence = {
    accountId: ACCOUNT,
    userName: name,
    userId: `AIDAFAKE${name.toUpperCase()}`,
    arn: arn(`user/${name}`),
    path: '/',
    createDate: ago(400),
    groups: [],
    attachedPolicies: [],
    inlinePolicies: [],
    permissionsBoundaryArn: null,
    tags: {},
    ...overrides,
  };
  return item(EVIDENCE.user, data.arn, data);
}

export function group(name: string, overrides: Partial<GroupEvidence> = {}): EvidenceItem {
  const data: GroupEvidence = {
    accountId: ACCOUNT,
    groupName: name,
    arn: arn(`group/${name}`),
    createDate: ago(400),
    attachedPolicies: [],
    inlinePolicies: [],
    ...overrides,
  };
  return item(EVIDENCE.group, data.arn, data);
}

export function role(name: string, overrides: Partial<RoleEvidence> = {}): EvidenceItem {
  const data: RoleEvidence = {
    accountId: ACCOUNT,
    roleName: name,
    arn: arn(`role/${name}`),
    path: '/',
    createDate: ago(400),
    trustPolicy: { Version: '2012-10-17', Statement: [] },
    attachedPolicies: [],
    inlinePolicies: [],
    lastUsedDay: null,
    permissionsBoundaryArn: null,
    ...overrides,
  };
  return item(EVIDENCE.role, data.arn, data);
}

export function managedPolicy(policyArn: string, statements: PolicyStatement | PolicyStatement[]): EvidenceItem {
  const name = policyArn.split('/').pop() ?? policyArn;
  const data: ManagedPolicyEvidence = {
    accountId: ACCOUNT,
    policyName: name,
    arn: policyArn,
    awsManaged: policyArn.startsWith('arn:aws:iam::aws:'),
    attachmentCount: 0,
    defaultVersionId: 'v1',
    document: { Version: '2012-10-17', Statement: statements },
  };
  return item(EVIDENCE.policy, policyArn, data);
}

export function passwordPolicy(overrides: Partial<PasswordPolicyEvidence> = {}): EvidenceItem {
  const data: PasswordPolicyEvidence = {
    accountId: ACCOUNT,
    present: true,
    minimumPasswordLength: 14,
    requireSymbols: true,
    requireNumbers: true,
    requireUppercaseCharacters: true,
    requireLowercaseCharacters: true,
    allowUsersToChangePassword: true,
    maxPasswordAge: null,
    passwordReusePrevention: 24,
    hardExpiry: false,
    ...overrides,
  };
  return item(EVIDENCE.passwordPolicy, resourceIds.passwordPolicy(ACCOUNT_REF), data);
}

export const ADMIN_ACCESS = { name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' };
export const allowAll: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };
