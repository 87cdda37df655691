// The aws-iam checks as pure functions over hand-built evidence: pass, fail, not applicable, threshold
// boundaries in calendar days, messages that do not change as the clock moves, allow-list globs, the
// policy shapes that must (not) count as administrator access, and judging over unreadable evidence.
import { describe, expect, it } from 'vitest';
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
import { evaluateChecks, evidenceView } from '../../src/evaluate-checks.js';

const ACCOUNT = '111122223333';
const ACCOUNT_REF: AccountRef = { partition: 'aws', accountId: ACCOUNT };
/** Midday, so "days ago" below is a whole number of calendar days whichever way the time is read. */
const NOW = new Date('2026-01-10T12:00:00.000Z');
const DAY = 86_400_000;
const arn = (suffix: string) => `arn:aws:iam::${ACCOUNT}:${suffix}`;
/** An ISO timestamp `days` days (and `extraMs`) before NOW. */
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY - extraMs).toISOString();
/** The day (YYYY-MM-DD) `days` calendar days before NOW: how last-use dates are stored. */
const dayAgo = (days: number) => ago(days).slice(0, 10);
/** The first and the last millisecond of the day `days` before NOW: time of day must not matter. */
const startOfDayAgo = (days: number) => `${dayAgo(days)}T00:00:00.000Z`;
const endOfDayAgo = (days: number) => `${dayAgo(days)}T23:59:59.999Z`;

const item = (type: string, resourceId: string, data: unknown): EvidenceItem => ({
  type,
  resourceId,
  schemaVersion: 1,
  data,
});

const viewOf = (...evidence: EvidenceItem[]): EvidenceView => evidenceView(evidence);
const unreadable = (type: string, resourceId: string): ResourceError => ({ type, resourceId, error: 'AccessDenied' });

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
  lastUsedDate: dayAgo(1),
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
  return item(EVIDENCE.passwordPolicy, resourceIds.passwordPolicy(ACCOUNT_REF), data);
}

const ADMIN_ACCESS = { name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' };
const allowAll: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };

describe('the check list', () => {
  it('has the fifteen checks with their ids and severities', () => {
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
      ['aws_iam_role_trust_restricted', 'high'],
      ['aws_iam_role_trust_no_whole_account', 'low'],
      ['aws_iam_access_analyzer_enabled', 'medium'],
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

  const rootUsed = (day: string, how: string, verdict: string) =>
    `The root user of account ${ACCOUNT} was last used on ${day} (${how}), ${verdict}.`;
  it.each([
    ['never used', root(), 'pass', `The root user of account ${ACCOUNT} has no recorded password or access key use.`],
    [
      'password used 30 days before today',
      root({ passwordLastUsed: '2025-12-11' }),
      'pass',
      rootUsed('2025-12-11', 'password', '30 or more days ago'),
    ],
    [
      'password used 29 days before today',
      root({ passwordLastUsed: '2025-12-12' }),
      'fail',
      rootUsed('2025-12-12', 'password', 'less than 30 days ago'),
    ],
    [
      'key used 2 days ago, password long ago',
      root({ passwordLastUsed: dayAgo(300), accessKeys: [key(1, { lastUsedDate: '2026-01-08' }), noKey(2)] }),
      'fail',
      rootUsed('2026-01-08', 'access key 1', 'less than 30 days ago'),
    ],
    [
      'an older snapshot with an exact last-use time late on a day',
      root({ passwordLastUsed: '2025-12-12T23:59:59.000Z' }),
      'fail',
      rootUsed('2025-12-12', 'password', 'less than 30 days ago'),
    ],
  ] as const)('aws_iam_root_recently_unused: %s', (_case, evidence, status, message) => {
    expect(evaluate('aws_iam_root_recently_unused', viewOf(evidence))).toEqual([rootFinding(status, message)]);
  });

  it.each([
    ['at the first millisecond of the day', '2026-01-10T00:00:00.000Z', 'fail'],
    ['at the last millisecond of the day', '2026-01-10T23:59:59.999Z', 'fail'],
    ['on the next day', '2026-01-11T00:00:00.000Z', 'pass'],
  ] as const)('aws_iam_root_recently_unused counts calendar days, whatever the time %s', (_case, now, status) => {
    const [finding] = evaluate('aws_iam_root_recently_unused', viewOf(root({ passwordLastUsed: '2025-12-12' })), options(), new Date(now));
    expect(finding?.status).toBe(status);
  });

  it('aws_iam_root_recently_unused follows thresholds.rootUnusedDays', () => {
    const evidence = viewOf(root({ passwordLastUsed: dayAgo(10) }));
    expect(evaluate('aws_iam_root_recently_unused', evidence, options({ thresholds: { rootUnusedDays: 7 } }))).toEqual([
      rootFinding('pass', rootUsed('2025-12-31', 'password', '7 or more days ago')),
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
  const unusedFail = (list: string) => `IAM user alice has credentials unused for 45 days or more: ${list}.`;
  it.each<[string, Partial<UserCredentialsEvidence>, FindingDraft['status'], string]>([
    ['password used 44 days before today', { passwordEnabled: true, passwordLastUsed: '2025-11-27' }, 'pass', unusedPass],
    [
      'password used 45 days before today',
      { passwordEnabled: true, passwordLastUsed: '2025-11-26' },
      'fail',
      unusedFail('console password (last used on 2025-11-26)'),
    ],
    [
      'password never used, set 50 days ago',
      { passwordEnabled: true, passwordLastChanged: ago(50) },
      'fail',
      unusedFail('console password (never used, set on 2025-11-21)'),
    ],
    [
      'password never used, set in the last millisecond of the day 45 days before today',
      { passwordEnabled: true, passwordLastChanged: endOfDayAgo(45) },
      'fail',
      unusedFail('console password (never used, set on 2025-11-26)'),
    ],
    [
      'password never used, set in the first millisecond of the day 44 days before today',
      { passwordEnabled: true, passwordLastChanged: startOfDayAgo(44) },
      'pass',
      unusedPass,
    ],
    [
      'key never used, created 10 days ago',
      { accessKeys: [key(1, { lastUsedDate: null, lastRotated: ago(10) }), noKey(2)] },
      'pass',
      unusedPass,
    ],
    [
      'second key unused for 100 days',
      { accessKeys: [key(1), key(2, { lastUsedDate: dayAgo(100) })] },
      'fail',
      unusedFail('access key 2 (last used on 2025-10-02)'),
    ],
    [
      'an old inactive key only',
      { accessKeys: [key(1, { active: false, lastUsedDate: dayAgo(500) }), noKey(2)] },
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
  const rotatedFail = (list: string) => `IAM user alice has active access keys not rotated within 90 days: ${list}.`;
  it.each([
    ['key rotated 90 days ago', [key(1, { lastRotated: ago(90) }), noKey(2)], 'pass', rotatedPass],
    ['key rotated at the start of the day 90 days ago', [key(1, { lastRotated: startOfDayAgo(90) }), noKey(2)], 'pass', rotatedPass],
    [
      'key rotated 91 days ago',
      [key(1, { lastRotated: ago(91) }), noKey(2)],
      'fail',
      rotatedFail('access key 1 (last rotated on 2025-10-11)'),
    ],
    [
      'key rotated at the end of the day 91 days ago',
      [key(1, { lastRotated: endOfDayAgo(91) }), noKey(2)],
      'fail',
      rotatedFail('access key 1 (last rotated on 2025-10-11)'),
    ],
    [
      'an active key without rotation date',
      [noKey(1), key(2, { lastRotated: null })],
      'fail',
      rotatedFail('access key 2 (rotation date unknown)'),
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

  it('reports users in resource-id order', () => {
    const findings = evaluate(
      'aws_iam_user_console_mfa_enabled',
      viewOf(credentials('zed'), credentials('alice'), credentials('mike')),
    );
    expect(findings.map((finding) => finding.resourceId)).toEqual([arn('user/alice'), arn('user/mike'), arn('user/zed')]);
  });
});

describe('findings over an unchanged estate as the clock moves on', () => {
  // Every check, with passes, failures and not-applicables whose status holds for the whole week: only
  // a changed status or a changed estate may change a finding (each change is a new stored row).
  const estate = viewOf(
    root({ virtualMfaSerials: [arn('mfa/root-account-mfa-device')], passwordLastUsed: dayAgo(2) }),
    credentials('alice', {
      passwordEnabled: true,
      mfaActive: true,
      passwordLastUsed: dayAgo(3),
      passwordLastChanged: ago(30),
      accessKeys: [key(1), noKey(2)],
    }),
    credentials('bob', {
      passwordEnabled: true,
      passwordLastChanged: ago(400),
      accessKeys: [
        key(1, { lastRotated: ago(500), lastUsedDate: dayAgo(100) }),
        key(2, { lastRotated: ago(200), lastUsedDate: null }),
      ],
    }),
    credentials('carol'),
    passwordPolicy({ minimumPasswordLength: 8, passwordReusePrevention: null }),
    user('alice', { groups: ['admins'] }),
    user('bob', { inlinePolicies: [{ name: 'bob-admin', document: { Statement: allowAll } }] }),
    user('carol'),
    group('admins', { attachedPolicies: [ADMIN_ACCESS] }),
    role('power', { attachedPolicies: [{ name: 'AllButAudit', arn: arn('policy/AllButAudit') }] }),
    managedPolicy(arn('policy/AllButAudit'), { Effect: 'Allow', NotAction: 'cloudtrail:*', Resource: '*' }),
    managedPolicy(arn('policy/ReadLogs'), { Effect: 'Allow', Action: 'logs:Get*', Resource: '*' }),
    item('aws.iam.access-analyzer', `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:region`, { accountId: ACCOUNT, region: 'us-east-1', analyzers: [] }),
  );
  const findingsAt = (now: Date) =>
    awsIamChecks.map((check) => ({ checkId: check.id, findings: check.evaluate(estate, options(), now) }));

  it('judges every check of the fixed estate with each status', () => {
    const checks = findingsAt(NOW);
    expect(checks.filter((check) => check.findings.length === 0)).toEqual([]);
    const statuses = checks.flatMap((check) => check.findings.map((finding) => finding.status));
    expect(new Set(statuses)).toEqual(new Set(['pass', 'fail', 'not_applicable']));
    // The date-based checks fail on this estate: their failure messages are the ones that used to age.
    const failing = checks.flatMap((check) => (check.findings.some((f) => f.status === 'fail') ? [check.checkId] : []));
    expect(failing).toEqual(
      expect.arrayContaining([
        'aws_iam_root_recently_unused',
        'aws_iam_user_unused_credentials_disabled',
        'aws_iam_user_access_keys_rotated',
      ]),
    );
  });

  it.each([
    ['one day later', 1],
    ['seven days later', 7],
  ])('gives the same findings, status and message, %s', (_case, days) => {
    expect(findingsAt(new Date(NOW.getTime() + days * DAY))).toEqual(findingsAt(NOW));
  });

  it('states dates and thresholds in the messages, not ages', () => {
    const messages = findingsAt(NOW).flatMap((check) => check.findings.map((finding) => finding.message));
    expect(messages).toEqual(
      expect.arrayContaining([
        `The root user of account ${ACCOUNT} was last used on 2026-01-08 (password), less than 30 days ago.`,
        'IAM user bob has credentials unused for 45 days or more: console password (never used, set on 2024-12-06), ' +
          'access key 1 (last used on 2025-10-02), access key 2 (never used, set on 2025-06-24).',
        'IAM user bob has active access keys not rotated within 90 days: access key 1 (last rotated on 2024-08-28), ' +
          'access key 2 (last rotated on 2025-06-24).',
      ]),
    );
    // "less than 30 days ago" is a threshold; "593 days ago" (no "than" before it) would be an age.
    expect(messages.filter((message) => /(?<!than )\b\d+ days? ago/.test(message))).toEqual([]);
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
      resourceId: resourceIds.passwordPolicy(ACCOUNT_REF),
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
    ['NotAction with Resource "*" (all but a few actions)', { Effect: 'Allow', NotAction: ['cloudtrail:*', 'organizations:*'], Resource: '*' }, 'fail'],
    ['Action "*" with NotResource (all but a few resources)', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::bucket' }, 'fail'],
    ['Action "*:*" with NotResource', { Effect: 'Allow', Action: '*:*', NotResource: ['arn:aws:s3:::bucket'] }, 'fail'],
    ['NotAction with NotResource', { Effect: 'Allow', NotAction: 'cloudtrail:*', NotResource: 'arn:aws:s3:::bucket' }, 'fail'],
    ['NotAction on one resource', { Effect: 'Allow', NotAction: 'cloudtrail:*', Resource: 'arn:aws:s3:::bucket/*' }, 'pass'],
    [
      'NotAction leaving out all of IAM (PowerUserAccess: cannot grant itself more)',
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      'pass',
    ],
    ['every IAM action on every resource (IAMFullAccess: can grant itself anything)', { Effect: 'Allow', Action: 'iam:*', Resource: '*' }, 'fail'],
    ['every IAM action on one role only', { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::111122223333:role/app' }, 'pass'],
    ['NotAction leaving out only part of IAM', { Effect: 'Allow', NotAction: 'iam:DeleteUser', Resource: '*' }, 'fail'],
    ['NotAction "*" (grants no action)', { Effect: 'Allow', NotAction: '*', Resource: '*' }, 'pass'],
    ['NotResource "*" (covers no resource)', { Effect: 'Allow', Action: '*', NotResource: '*' }, 'pass'],
    ['NotResource with a service wildcard', { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::bucket' }, 'pass'],
    ['Deny of everything', { Effect: 'Deny', Action: '*', Resource: '*' }, 'pass'],
    ['Deny with NotAction', { Effect: 'Deny', NotAction: 'cloudtrail:*', Resource: '*' }, 'pass'],
    ['service wildcard only', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, 'pass'],
    ['every action on one resource', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' }, 'pass'],
  ] as const)('%s', (_case, statements, status) => {
    expect(judge(statements as PolicyStatement | PolicyStatement[])).toBe(status);
  });

  it('says what each admin statement grants', () => {
    const view = viewOf(
      managedPolicy(arn('policy/Broad'), [
        { Sid: 'AllButAudit', Effect: 'Allow', NotAction: ['cloudtrail:*', 'organizations:*'], Resource: '*' },
        { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::audit-logs' },
      ]),
    );
    expect(evaluate('aws_iam_policy_no_full_admin', view)[0]?.message).toBe(
      'Customer-managed policy Broad grants full administrator access: statement AllButAudit allows every action ' +
        'except cloudtrail:*, organizations:* on every resource; statement #2 allows every action on every resource except ' +
        'arn:aws:s3:::audit-logs.',
    );
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
        message:
          'Customer-managed policy Unattached grants full administrator access: statement All allows every action on every resource.',
      },
      {
        resourceType: EVIDENCE.group,
        resourceId: `${arn('group/ops')}#inline/ops-logs`,
        status: 'pass',
        message: 'Inline policy ops-logs of group ops does not grant full administrator access.',
      },
      {
        resourceType: EVIDENCE.role,
        resourceId: `${arn('role/deploy')}#inline/deploy-all`,
        status: 'fail',
        message:
          'Inline policy deploy-all of role deploy grants full administrator access: statement #1 allows every action on every resource.',
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

  it('counts customer "*" policies, inline admin, NotAction and NotResource grants, but not Deny statements', () => {
    const view = viewOf(
      managedPolicy(arn('policy/Everything'), { Effect: 'Allow', Action: ['*'], Resource: '*' }),
      managedPolicy(arn('policy/AllButAudit'), { Effect: 'Allow', NotAction: 'cloudtrail:*', Resource: '*' }),
      managedPolicy(arn('policy/LogsOnly'), { Effect: 'Allow', Action: 'logs:*', Resource: '*' }),
      role('uses-custom', { attachedPolicies: [{ name: 'Everything', arn: arn('policy/Everything') }] }),
      role('uses-logs', { attachedPolicies: [{ name: 'LogsOnly', arn: arn('policy/LogsOnly') }] }),
      role('uses-notaction', { attachedPolicies: [{ name: 'AllButAudit', arn: arn('policy/AllButAudit') }] }),
      user('denied', { inlinePolicies: [{ name: 'deny-all', document: { Statement: { Effect: 'Deny', Action: '*', Resource: '*' } } }] }),
      user('inline-admin', { inlinePolicies: [{ name: 'god-mode', document: { Statement: [allowAll] } }] }),
      user('not-resource', {
        inlinePolicies: [{ name: 'all-but-audit', document: { Statement: { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::audit' } } }],
      }),
    );
    expect(outcomes(view)).toEqual([
      `fail ${arn('role/uses-custom')}: role uses-custom holds administrator access (Everything attached) but is not on the admin allow list.`,
      `fail ${arn('role/uses-notaction')}: role uses-notaction holds administrator access (AllButAudit attached) but is not on the admin allow list.`,
      `fail ${arn('user/inline-admin')}: IAM user inline-admin holds administrator access (inline policy god-mode) but is not on the admin allow list.`,
      `fail ${arn('user/not-resource')}: IAM user not-resource holds administrator access (inline policy all-but-audit) but is not on the admin allow list.`,
    ]);
  });

  it('records one pass for the account when nobody holds admin', () => {
    const view = viewOf(user('alice'), role('app'), group('devs'));
    expect(evaluate('aws_iam_admin_access_restricted', view)).toEqual([
      {
        resourceType: EVIDENCE.accountSummary,
        resourceId: resourceIds.accountSummary(ACCOUNT_REF),
        status: 'pass',
        message: `No user, group or role of account ${ACCOUNT} holds administrator access.`,
      },
    ]);
  });

  it('files the account finding in the partition of the evidence', () => {
    const govArn = `arn:aws-us-gov:iam::${ACCOUNT}:user/alice`;
    const view = viewOf(item(EVIDENCE.user, govArn, { ...(user('alice').data as UserEvidence), arn: govArn }));
    expect(evaluate('aws_iam_admin_access_restricted', view).map((finding) => finding.resourceId)).toEqual([
      `arn:aws-us-gov:iam::${ACCOUNT}:account-summary`,
    ]);
  });
});

describe('aws_iam_admin_access_restricted over evidence that could not be read', () => {
  const outcomes = (evidence: EvidenceItem[], errors: ResourceError[]) =>
    evaluate('aws_iam_admin_access_restricted', evidenceView(evidence, errors)).map(
      (finding) => `${finding.status} ${finding.resourceId}: ${finding.message}`,
    );
  const undetermined = `Whether any user, group or role of account ${ACCOUNT} holds administrator access cannot be determined`;

  it.each([
    ['user', unreadable(EVIDENCE.user, arn('user/zoe'))],
    ['group', unreadable(EVIDENCE.group, arn('group/ops'))],
    ['role', unreadable(EVIDENCE.role, arn('role/deploy'))],
    ['customer-managed policy', unreadable(EVIDENCE.policy, arn('policy/Ops'))],
    ['AWS-managed policy', unreadable(EVIDENCE.policy, 'arn:aws:iam::aws:policy/PowerUserAccess')],
  ])('gives the account an error, not a pass, when a %s could not be read', (_case, error) => {
    expect(outcomes([user('alice'), role('app')], [error])).toEqual([
      `error ${arn('account-summary')}: ${undetermined}: the evidence of ${error.type} ${error.resourceId} could not be read.`,
    ]);
  });

  it('names the first five unreadable resources and counts the rest', () => {
    const errors = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => unreadable(EVIDENCE.user, arn(`user/${name}`)));
    const [finding] = outcomes([], errors);
    expect(finding).toBe(
      `error ${arn('account-summary')}: ${undetermined}: the evidence of ` +
        ['a', 'b', 'c', 'd', 'e'].map((name) => `aws.iam.user ${arn(`user/${name}`)}`).join(', ') +
        ' and 2 more could not be read.',
    );
  });

  it('gives an error to principals whose group or attached policy could not be read', () => {
    const evidence = [
      user('alice', { groups: ['ops'] }),
      user('bob', { attachedPolicies: [{ name: 'Ops', arn: arn('policy/Ops') }] }),
      user('carol', { groups: ['devs'] }),
      user('dave', { groups: ['readers'] }),
      group('devs', { attachedPolicies: [{ name: 'Ops', arn: arn('policy/Ops') }] }),
      group('readers'),
      role('deploy', { attachedPolicies: [{ name: 'Ops', arn: arn('policy/Ops') }] }),
    ];
    const errors = [unreadable(EVIDENCE.group, arn('group/team/ops')), unreadable(EVIDENCE.policy, arn('policy/Ops'))];
    const cannot = (label: string, what: string) =>
      `Whether ${label} holds administrator access cannot be determined: the evidence of ${what} could not be read.`;
    expect(outcomes(evidence, errors)).toEqual([
      `error ${arn('group/devs')}: ${cannot('group devs', 'policy Ops')}`,
      `error ${arn('role/deploy')}: ${cannot('role deploy', 'policy Ops')}`,
      `error ${arn('user/alice')}: ${cannot('IAM user alice', 'group ops')}`,
      `error ${arn('user/bob')}: ${cannot('IAM user bob', 'policy Ops')}`,
      `error ${arn('user/carol')}: ${cannot('IAM user carol', 'policy Ops of group devs')}`,
      `error ${arn('account-summary')}: ${undetermined}: the evidence of aws.iam.group ${arn('group/team/ops')}, ` +
        `aws.iam.policy ${arn('policy/Ops')} could not be read.`,
    ]);
  });

  it('still judges a principal that holds admin by what could be read', () => {
    const evidence = [
      user('alice', { groups: ['ops'], attachedPolicies: [ADMIN_ACCESS] }),
      user('bob', { groups: ['ops'] }),
    ];
    expect(outcomes(evidence, [unreadable(EVIDENCE.group, arn('group/ops'))])).toEqual([
      `fail ${arn('user/alice')}: IAM user alice holds administrator access (AdministratorAccess attached) but is not on the admin allow list.`,
      `error ${arn('user/bob')}: Whether IAM user bob holds administrator access cannot be determined: the evidence of group ops could not be read.`,
    ]);
  });

  it('leaves the unreadable resources themselves to the runner, which makes them errors too', () => {
    const check = awsIamChecks.filter((candidate) => candidate.id === 'aws_iam_admin_access_restricted');
    const errors = [unreadable(EVIDENCE.group, arn('group/ops'))];
    const { findings } = evaluateChecks(check, [user('alice', { groups: ['ops'] })], errors, options(), NOW, ACCOUNT);
    expect(findings.map((finding) => `${finding.status} ${finding.resourceId}`)).toEqual([
      `error ${arn('user/alice')}`,
      `error ${arn('account-summary')}`,
      `error ${arn('group/ops')}`,
    ]);
  });
});
