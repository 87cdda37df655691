// The aws-iam check list (ids, severities, nothing judged without evidence), and every check over one fixed
// estate as the clock moves on: findings whose status holds keep their message (dates and thresholds in the
// messages, never ages). Each check family has its own file beside this one.
import { describe, expect, it } from 'vitest';
import { awsIamChecks } from '../../../collectors/aws-iam/checks/index.js';
import {
  ACCOUNT,
  NOW,
  DAY,
  arn,
  ago,
  dayAgo,
  item,
  viewOf,
  options,
  noKey,
  key,
  root,
  credentials,
  user,
  group,
  role,
  managedPolicy,
  passwordPolicy,
  ADMIN_ACCESS,
  allowAll,
} from '../../helpers/aws-iam-evidence.js';

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
      accessKeys: [key(1, { lastRotated: ago(500), lastUsedDate: dayAgo(100) }), key(2, { lastRotated: ago(200), lastUsedDate: null })],
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
  const findingsAt = (now: Date) => awsIamChecks.map((check) => ({ checkId: check.id, findings: check.evaluate(estate, options(), now) }));

  it('judges every check of the fixed estate with each status', () => {
    const checks = findingsAt(NOW);
    expect(checks.filter((check) => check.findings.length === 0)).toEqual([]);
    const statuses = checks.flatMap((check) => check.findings.map((finding) => finding.status));
    expect(new Set(statuses)).toEqual(new Set(['pass', 'fail', 'not_applicable']));
    // The date-based checks fail on this estate: their failure messages are the ones that used to age.
    const failing = checks.flatMap((check) => (check.findings.some((f) => f.status === 'fail') ? [check.checkId] : []));
    expect(failing).toEqual(
      expect.arrayContaining(['aws_iam_root_recently_unused', 'aws_iam_user_unused_credentials_disabled', 'aws_iam_user_access_keys_rotated']),
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
