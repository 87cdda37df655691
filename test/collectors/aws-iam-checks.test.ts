// The aws-iam checks as pure functions over hand-built evidence: pass, fail, not applicable, threshold
// boundaries, allow-list globs and the policy shapes that must (not) count as administrator access.
import { describe, expect, it } from 'vitest';
import { awsIamChecks } from '../../collectors/aws-iam/checks/index.js';
import { awsIamOptionsSchema, EVIDENCE, resourceIds } from '../../collectors/aws-iam/schema.js';
import type {
  AccessKeySlot,
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
import type { EvidenceItem, EvidenceView, FindingDraft } from '../../src/collector.js';

const ACCOUNT = '111122223333';
const NOW = new Date('2026-01-10T12:00:00.000Z');
const DAY = 86_400_000;
const arn = (suffix: string) => `arn:aws:iam::${ACCOUNT}:${suffix}`;
/** An ISO date `days` days (and `extraMs`) before NOW. */
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY - extraMs).toISOString();

const item = (type: string, resourceId: string, data: unknown): EvidenceItem => ({
  type,
  resourceId,
  schemaVersion: 1,
  data,
});

function viewOf(...evidence: EvidenceItem[]): EvidenceView {
  return {
    all: (type) => evidence.filter((entry) => entry.type === type),
    get: (type, resourceId) => evidence.find((entry) => entry.type === type && entry.resourceId === resourceId),
  };
}

function options(overrides: Record<string, unknown> = {}): AwsIamOptions {
  return awsIamOptionsSchema.parse(overrides);
}

function evaluate(checkId: string, view: EvidenceView, opts = options(), now = NOW): FindingDraft[] {
  const check = awsIamChecks.find((candidate) => candidate.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  return check.evaluate(view, opts, now);
}

const noKey = (slot: 1 | 2): AccessKeySlot => ({
  slot,
  active: false,
  lastRotated: null,
  lastUsedDate: null,
  lastUsedService: null,
});
const key = (slot: 1 | 2, overrides: Partial<AccessKeySlot> = {}): AccessKeySlot => ({
  slot,
  active: true,
  lastRotated: ago(10),
  lastUsedDate: ago(1),
  lastUsedService: 's3',
  ...overrides,
});

function root(overrides: Partial<RootCredentialsEvidence> = {}): EvidenceItem {
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

function credentials(name: string, overrides: Partial<UserCredentialsEvidence> = {}): EvidenceItem {
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

function user(name: string, overrides: Partial<UserEvidence> = {}): EvidenceItem {
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

function group(name: string, overrides: Partial<GroupEvidence> = {}): EvidenceItem {
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

function role(name: string, overrides: Partial<RoleEvidence> = {}): EvidenceItem {
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

function managedPolicy(policyArn: string, statements: PolicyStatement | PolicyStatement[]): EvidenceItem {
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

function passwordPolicy(overrides: Partial<PasswordPolicyEvidence> = {}): EvidenceItem {
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
  return item(EVIDENCE.passwordPolicy, resourceIds.passwordPolicy(ACCOUNT), data);
}

const ADMIN_ACCESS = { name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' };
const allowAll: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };

describe('the check list', () => {
  it('has the twelve checks with their ids and severities', () => {
    expect(awsIamChecks.map((check) => [check.id, check.severity])).toEqual([
      ['aws_iam_root_mfa_enabled', 'critical'],
      ['aws_iam_root_hardware_mfa_enabled', 'high'],
      ['aws_iam_root_access_keys_absent', 'critical'],
      ['aws_iam_root_recently_unused', 'high'],
      ['aws_iam_user_console_mfa_enabled', 'high'],
      ['aws_iam_user_unused_credentials_disabled', 'medium'],
      ['aws_iam_user_access_keys_rotated', 'medium'],
      ['aws_iam_user_single_active_access_key', 'low'],
      ['aws_iam_account_password_policy_strong', 'medium'],
      ['aws_iam_user_no_direct_policies', 'low'],
      ['aws_iam_policy_no_full_admin', 'high'],
      ['aws_iam_admin_access_restricted', 'high'],
    ]);
  });

  it('judges nothing when there is no evidence', () => {
    for (const check of awsIamChecks) expect(check.evaluate(viewOf(), options(), NOW)).toEqual([]);
  });
});

describe('root user checks', () => {
  const rootFinding = (status: FindingDraft['status'], message: string): FindingDraft => ({
    resourceType: EVIDENCE.rootCredentials,
    resourceId: arn('root'),
    status,
    message,
  });

  it.each([
    ['MFA on', root(), 'pass', `The root user of account ${ACCOUNT} has MFA enabled.`],
    ['MFA off', root({ accountMfaEnabled: false, mfaActive: false }), 'fail', `The root user of account ${ACCOUNT} has no MFA device.`],
  ] as const)('aws_iam_root_mfa_enabled: %s', (_case, evidence, status, message) => {
    expect(evaluate('aws_iam_root_mfa_enabled', viewOf(evidence))).toEqual([rootFinding(status, message)]);
  });

  it.each([
    ['hardware device', root(), 'pass', `The root user of account ${ACCOUNT} uses hardware MFA only.`],
    [
      'virtual device',
      root({ virtualMfaSerials: [arn('mfa/root-account-mfa-device')] }),
      'fail',
      `The root user of account ${ACCOUNT} uses the virtual MFA device ${arn('mfa/root-account-mfa-device')}.`,
    ],
    [
      'no MFA',
      root({ accountMfaEnabled: false, mfaActive: false }),
      'fail',
      `The root user of account ${ACCOUNT} has no MFA device at all.`,
    ],
  ] as const)('aws_iam_root_hardware_mfa_enabled: %s', (_case, evidence, status, message) => {
    expect(evaluate('aws_iam_root_hardware_mfa_enabled', viewOf(evidence))).toEqual([rootFinding(status, message)]);
  });

  it.each([
    ['no keys', root(), 'pass', `The root user of account ${ACCOUNT} has no access keys.`],
    [
      'an active key in the report',
      root({ accessKeys: [noKey(1), key(2)] }),
      'fail',
      `The root user of account ${ACCOUNT} has active access keys (key 2).`,
    ],
    [
      'keys flagged by the account summary',
      root({ accessKeysPresent: true }),
      'fail',
      `The root user of account ${ACCOUNT} has access keys.`,
    ],
  ] as const)('aws_iam_root_access_keys_absent: %s', (_case, evidence, status, message) => {
    expect(evaluate('aws_iam_root_access_keys_absent', viewOf(evidence))).toEqual([rootFinding(status, message)]);
  });

  const unusedPass = `The root user of account ${ACCOUNT} has not been used in the last 30 days.`;
  it.each([
    ['never used', root(), 'pass', unusedPass],
    ['password used exactly 30 days ago', root({ passwordLastUsed: ago(30) }), 'pass', unusedPass],
    [
      'password used a millisecond less than 30 days ago',
      root({ passwordLastUsed: ago(30, -1) }),
      'fail',
      `The root user of account ${ACCOUNT} was used 29 days ago (password), within the 30-day limit.`,
    ],
    [
      'key used 2 days ago, password long ago',
      root({ passwordLastUsed: ago(300), accessKeys: [key(1, { lastUsedDate: ago(2) }), noKey(2)] }),
      'fail',
      `The root user of account ${ACCOUNT} was used 2 days ago (access key 1), within the 30-day limit.`,
    ],
  ] as const)('aws_iam_root_recently_unused: %s', (_case, evidence, status, message) => {
    expect(evaluate('aws_iam_root_recently_unused', viewOf(evidence))).toEqual([rootFinding(status, message)]);
  });

  it('aws_iam_root_recently_unused follows thresholds.rootUnusedDays', () => {
    const evidence = viewOf(root({ passwordLastUsed: ago(10) }));
    expect(evaluate('aws_iam_root_recently_unused', evidence, options({ thresholds: { rootUnusedDays: 7 } }))).toEqual([
      rootFinding('pass', `The root user of account ${ACCOUNT} has not been used in the last 7 days.`),
    ]);
  });
});

describe('user credential checks', () => {
  const statusOf = (checkId: string, evidence: EvidenceItem, opts = options()) => {
    const [finding, ...rest] = evaluate(checkId, viewOf(evidence), opts);
    expect(rest).toEqual([]);
    return { status: finding?.status, message: finding?.message };
  };

  it.each([
    ['password and MFA', { passwordEnabled: true, mfaActive: true }, 'pass', 'IAM user alice has a console password and MFA.'],
    ['password without MFA', { passwordEnabled: true }, 'fail', 'IAM user alice has a console password but no MFA device.'],
    ['no password', { mfaActive: true }, 'not_applicable', 'IAM user alice has no console password.'],
  ] as const)('aws_iam_user_console_mfa_enabled: %s', (_case, overrides, status, message) => {
    expect(statusOf('aws_iam_user_console_mfa_enabled', credentials('alice', overrides))).toEqual({ status, message });
  });

  const unusedPass = 'IAM user alice has no enabled credentials unused for 45 days or more.';
  it.each<[string, Partial<UserCredentialsEvidence>, FindingDraft['status'], string]>([
    ['password used 44 days ago', { passwordEnabled: true, passwordLastUsed: ago(44, DAY - 1) }, 'pass', unusedPass],
    [
      'password used 45 days ago',
      { passwordEnabled: true, passwordLastUsed: ago(45) },
      'fail',
      'IAM user alice has credentials unused for 45 days or more: console password (last used 45 days ago).',
    ],
    [
      'password never used, set 50 days ago',
      { passwordEnabled: true, passwordLastChanged: ago(50) },
      'fail',
      'IAM user alice has credentials unused for 45 days or more: console password (never used, set 50 days ago).',
    ],
    [
      'key never used, created 10 days ago',
      { accessKeys: [key(1, { lastUsedDate: null, lastRotated: ago(10) }), noKey(2)] },
      'pass',
      unusedPass,
    ],
    [
      'second key unused for 100 days',
      { accessKeys: [key(1), key(2, { lastUsedDate: ago(100) })] },
      'fail',
      'IAM user alice has credentials unused for 45 days or more: access key 2 (last used 100 days ago).',
    ],
    [
      'an old inactive key only',
      { accessKeys: [key(1, { active: false, lastUsedDate: ago(500) }), noKey(2)] },
      'not_applicable',
      'IAM user alice has no console password or active access key.',
    ],
  ])('aws_iam_user_unused_credentials_disabled: %s', (_case, overrides, status, message) => {
    expect(statusOf('aws_iam_user_unused_credentials_disabled', credentials('alice', overrides))).toEqual({
      status,
      message,
    });
  });

  const rotatedPass = 'IAM user alice has rotated every active access key within 90 days.';
  it.each([
    ['key rotated 90 days ago', [key(1, { lastRotated: ago(90) }), noKey(2)], 'pass', rotatedPass],
    [
      'key rotated 91 days ago',
      [key(1, { lastRotated: ago(91) }), noKey(2)],
      'fail',
      'IAM user alice has keys older than 90 days: access key 1 (rotated 91 days ago).',
    ],
    [
      'an active key without rotation date',
      [noKey(1), key(2, { lastRotated: null })],
      'fail',
      'IAM user alice has keys older than 90 days: access key 2 (rotation date unknown).',
    ],
    ['an old inactive key', [key(1, { active: false, lastRotated: ago(900) }), noKey(2)], 'not_applicable', 'IAM user alice has no active access keys.'],
  ] as const)('aws_iam_user_access_keys_rotated: %s', (_case, accessKeys, status, message) => {
    expect(statusOf('aws_iam_user_access_keys_rotated', credentials('alice', { accessKeys: [...accessKeys] }))).toEqual({
      status,
      message,
    });
  });

  it('aws_iam_user_access_keys_rotated follows thresholds.accessKeyMaxAgeDays', () => {
    const evidence = credentials('alice', { accessKeys: [key(1, { lastRotated: ago(31) }), noKey(2)] });
    expect(
      statusOf('aws_iam_user_access_keys_rotated', evidence, options({ thresholds: { accessKeyMaxAgeDays: 30 } })).status,
    ).toBe('fail');
  });

  it.each([
    ['no active key', [noKey(1), noKey(2)], 'not_applicable', 'IAM user alice has no active access keys.'],
    ['one active key', [key(1), key(2, { active: false })], 'pass', 'IAM user alice has one active access key.'],
    ['two active keys', [key(1), key(2)], 'fail', 'IAM user alice has 2 active access keys.'],
  ] as const)('aws_iam_user_single_active_access_key: %s', (_case, accessKeys, status, message) => {
    expect(statusOf('aws_iam_user_single_active_access_key', credentials('alice', { accessKeys: [...accessKeys] }))).toEqual({
      status,
      message,
    });
  });

  it('keeps pass messages the same from one day to the next', () => {
    const evidence = viewOf(
      root({ passwordLastUsed: ago(100) }),
      credentials('alice', { passwordEnabled: true, mfaActive: true, passwordLastUsed: ago(3), accessKeys: [key(1), noKey(2)] }),
    );
    const passes = (now: Date) =>
      awsIamChecks.flatMap((check) => check.evaluate(evidence, options(), now)).filter((f) => f.status === 'pass');
    const today = passes(NOW);
    expect(today.length).toBeGreaterThan(5);
    expect(passes(new Date(NOW.getTime() + DAY))).toEqual(today);
  });

  it('reports users in resource-id order', () => {
    const findings = evaluate(
      'aws_iam_user_console_mfa_enabled',
      viewOf(credentials('zed'), credentials('alice'), credentials('mike')),
    );
    expect(findings.map((finding) => finding.resourceId)).toEqual([arn('user/alice'), arn('user/mike'), arn('user/zed')]);
  });
});

describe('aws_iam_account_password_policy_strong', () => {
  const judge = (evidence: EvidenceItem, opts = options()) => {
    const [finding] = evaluate('aws_iam_account_password_policy_strong', viewOf(evidence), opts);
    return finding;
  };

  it('passes a policy meeting every default threshold', () => {
    expect(judge(passwordPolicy())).toEqual({
      resourceType: EVIDENCE.passwordPolicy,
      resourceId: resourceIds.passwordPolicy(ACCOUNT),
      status: 'pass',
      message: `The password policy of account ${ACCOUNT} meets every threshold.`,
    });
  });

  it('fails an account without a password policy', () => {
    expect(judge(passwordPolicy({ present: false, minimumPasswordLength: null }))?.message).toBe(
      `Account ${ACCOUNT} has no password policy.`,
    );
  });

  it('lists every shortfall', () => {
    const weak = passwordPolicy({
      minimumPasswordLength: 8,
      requireSymbols: false,
      requireLowercaseCharacters: false,
      passwordReusePrevention: 5,
    });
    expect(judge(weak)).toMatchObject({
      status: 'fail',
      message:
        `The password policy of account ${ACCOUNT} falls short: minimum length 8 (needs 14), symbols not required, ` +
        'lowercase letters not required, prevents reuse of 5 previous passwords (needs 24).',
    });
  });

  it.each([
    ['length exactly at the threshold', { minimumPasswordLength: 12 }, { minimumLength: 12 }, 'pass'],
    ['length one below', { minimumPasswordLength: 11 }, { minimumLength: 12 }, 'fail'],
    ['no reuse prevention when none is required', { passwordReusePrevention: null }, { reusePrevention: 0 }, 'pass'],
    ['no expiry when none is required', { maxPasswordAge: null }, { maxAgeDays: null }, 'pass'],
    ['no expiry when 90 days are required', { maxPasswordAge: null }, { maxAgeDays: 90 }, 'fail'],
    ['expiry at 90 days when 90 are required', { maxPasswordAge: 90 }, { maxAgeDays: 90 }, 'pass'],
    ['expiry at 180 days when 90 are required', { maxPasswordAge: 180 }, { maxAgeDays: 90 }, 'fail'],
    ['symbols not required and not needed', { requireSymbols: false }, { requireSymbols: false }, 'pass'],
  ] as const)('%s', (_case, policy, thresholds, status) => {
    const opts = options({ thresholds: { passwordPolicy: thresholds } });
    expect(judge(passwordPolicy(policy), opts)?.status).toBe(status);
  });

  it('names the expiry shortfall', () => {
    const opts = options({ thresholds: { passwordPolicy: { maxAgeDays: 90 } } });
    expect(judge(passwordPolicy({ maxPasswordAge: 180 }), opts)?.message).toBe(
      `The password policy of account ${ACCOUNT} falls short: passwords expire after 180 days (needs 90 or less).`,
    );
  });
});

describe('aws_iam_user_no_direct_policies', () => {
  it('fails users with attached or inline policies and passes the others', () => {
    const view = viewOf(
      user('alice', { groups: ['admins'] }),
      user('bob', {
        attachedPolicies: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        inlinePolicies: [{ name: 'extra', document: { Statement: [] } }],
      }),
    );
    expect(evaluate('aws_iam_user_no_direct_policies', view)).toEqual([
      {
        resourceType: EVIDENCE.user,
        resourceId: arn('user/alice'),
        status: 'pass',
        message: 'IAM user alice has no policies attached directly.',
      },
      {
        resourceType: EVIDENCE.user,
        resourceId: arn('user/bob'),
        status: 'fail',
        message: 'IAM user bob has policies attached directly: managed ReadOnlyAccess, inline extra.',
      },
    ]);
  });
});

describe('aws_iam_policy_no_full_admin', () => {
  const judge = (statements: PolicyStatement | PolicyStatement[]) =>
    evaluate('aws_iam_policy_no_full_admin', viewOf(managedPolicy(arn('policy/Custom'), statements)))[0]?.status;

  it.each([
    ['Action and Resource "*"', allowAll, 'fail'],
    ['"*" inside an Action array', { Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: ['*'] }, 'fail'],
    ['"*:*" as the action', { Effect: 'Allow', Action: '*:*', Resource: '*' }, 'fail'],
    ['one admin statement among others', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, allowAll], 'fail'],
    ['NotAction with Resource "*"', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, 'pass'],
    ['Deny of everything', { Effect: 'Deny', Action: '*', Resource: '*' }, 'pass'],
    ['service wildcard only', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, 'pass'],
    ['every action on one resource', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' }, 'pass'],
    ['NotResource', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::bucket' }, 'pass'],
  ] as const)('%s', (_case, statements, status) => {
    expect(judge(statements as PolicyStatement | PolicyStatement[])).toBe(status);
  });

  it('judges unattached customer policies and inline policies, and skips AWS-managed ones', () => {
    const view = viewOf(
      managedPolicy('arn:aws:iam::aws:policy/AdministratorAccess', allowAll),
      managedPolicy(arn('policy/Unattached'), [{ Sid: 'All', ...allowAll }]),
      role('deploy', { inlinePolicies: [{ name: 'deploy-all', document: { Statement: allowAll } }] }),
      group('ops', { inlinePolicies: [{ name: 'ops-logs', document: { Statement: { Effect: 'Allow', Action: 'logs:*', Resource: '*' } } }] }),
    );
    expect(evaluate('aws_iam_policy_no_full_admin', view)).toEqual([
      {
        resourceType: EVIDENCE.policy,
        resourceId: arn('policy/Unattached'),
        status: 'fail',
        message: 'Customer-managed policy Unattached allows every action on every resource (statement All).',
      },
      {
        resourceType: EVIDENCE.group,
        resourceId: `${arn('group/ops')}#inline/ops-logs`,
        status: 'pass',
        message: 'Inline policy ops-logs of group ops does not allow every action on every resource.',
      },
      {
        resourceType: EVIDENCE.role,
        resourceId: `${arn('role/deploy')}#inline/deploy-all`,
        status: 'fail',
        message: 'Inline policy deploy-all of role deploy allows every action on every resource (statement #1).',
      },
    ]);
  });
});

describe('aws_iam_admin_access_restricted', () => {
  const outcomes = (view: EvidenceView, allowList: string[] = []) =>
    evaluate('aws_iam_admin_access_restricted', view, options({ adminAllowList: allowList })).map(
      (finding) => `${finding.status} ${finding.resourceId}: ${finding.message}`,
    );

  it('fails a user holding admin through a group, naming the group and the policy', () => {
    const view = viewOf(group('admins', { attachedPolicies: [ADMIN_ACCESS] }), user('alice', { groups: ['admins'] }));
    expect(outcomes(view)).toEqual([
      `fail ${arn('group/admins')}: group admins holds administrator access (AdministratorAccess attached) but is not on the admin allow list.`,
      `fail ${arn('user/alice')}: IAM user alice holds administrator access (group admins (AdministratorAccess attached)) but is not on the admin allow list.`,
    ]);
  });

  it('passes principals matched by an allow-list glob', () => {
    const view = viewOf(
      role('OrganizationAccountAccessRole', { attachedPolicies: [ADMIN_ACCESS] }),
      role('BreakGlass', { attachedPolicies: [ADMIN_ACCESS] }),
    );
    expect(outcomes(view, ['arn:aws:iam::*:role/OrganizationAccountAccessRole'])).toEqual([
      `fail ${arn('role/BreakGlass')}: role BreakGlass holds administrator access (AdministratorAccess attached) but is not on the admin allow list.`,
      `pass ${arn('role/OrganizationAccountAccessRole')}: role OrganizationAccountAccessRole holds administrator access (AdministratorAccess attached) and is on the admin allow list.`,
    ]);
  });

  it.each([
    ['an exact ARN', [arn('role/admin.ops')], 'pass'],
    ['a trailing glob', [arn('role/*')], 'pass'],
    ['a dot that is not a wildcard', [arn('role/admin-ops')], 'fail'],
    ['another account', ['arn:aws:iam::999988887777:role/*'], 'fail'],
  ] as const)('matches the allow list literally except for "*": %s', (_case, allowList, status) => {
    const view = viewOf(role('admin.ops', { attachedPolicies: [ADMIN_ACCESS] }));
    expect(outcomes(view, [...allowList])[0]?.startsWith(status)).toBe(true);
  });

  it('counts customer "*" policies and inline admin, but not NotAction or Deny statements', () => {
    const view = viewOf(
      managedPolicy(arn('policy/Everything'), { Effect: 'Allow', Action: ['*'], Resource: '*' }),
      managedPolicy(arn('policy/AllButIam'), { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
      role('uses-custom', { attachedPolicies: [{ name: 'Everything', arn: arn('policy/Everything') }] }),
      role('uses-notaction', { attachedPolicies: [{ name: 'AllButIam', arn: arn('policy/AllButIam') }] }),
      user('denied', { inlinePolicies: [{ name: 'deny-all', document: { Statement: { Effect: 'Deny', Action: '*', Resource: '*' } } }] }),
      user('inline-admin', { inlinePolicies: [{ name: 'god-mode', document: { Statement: [allowAll] } }] }),
    );
    expect(outcomes(view)).toEqual([
      `fail ${arn('role/uses-custom')}: role uses-custom holds administrator access (Everything attached) but is not on the admin allow list.`,
      `fail ${arn('user/inline-admin')}: IAM user inline-admin holds administrator access (inline policy god-mode) but is not on the admin allow list.`,
    ]);
  });

  it('records one pass for the account when nobody holds admin', () => {
    const view = viewOf(user('alice'), role('app'), group('devs'));
    expect(evaluate('aws_iam_admin_access_restricted', view)).toEqual([
      {
        resourceType: EVIDENCE.accountSummary,
        resourceId: resourceIds.accountSummary(ACCOUNT),
        status: 'pass',
        message: `No user, group or role of account ${ACCOUNT} holds administrator access.`,
      },
    ]);
  });
});
