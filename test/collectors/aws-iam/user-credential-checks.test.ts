// The aws-iam user credential checks as pure functions over hand-built evidence: console MFA, unused
// credentials, key rotation and a single active key, with threshold boundaries in calendar days.
import { describe, expect, it } from 'vitest';
import type { UserCredentialsEvidence } from '../../../collectors/aws-iam/schema.js';
import type { EvidenceItem, FindingDraft } from '../../../src/collector.js';
import { arn, ago, dayAgo, startOfDayAgo, endOfDayAgo, viewOf, options, evaluate, noKey, key, credentials } from '../../helpers/aws-iam-evidence.js';

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
    ['key never used, created 10 days ago', { accessKeys: [key(1, { lastUsedDate: null, lastRotated: ago(10) }), noKey(2)] }, 'pass', unusedPass],
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
    ['key rotated 91 days ago', [key(1, { lastRotated: ago(91) }), noKey(2)], 'fail', rotatedFail('access key 1 (last rotated on 2025-10-11)')],
    [
      'key rotated at the end of the day 91 days ago',
      [key(1, { lastRotated: endOfDayAgo(91) }), noKey(2)],
      'fail',
      rotatedFail('access key 1 (last rotated on 2025-10-11)'),
    ],
    ['an active key without rotation date', [noKey(1), key(2, { lastRotated: null })], 'fail', rotatedFail('access key 2 (rotation date unknown)')],
    ['an old inactive key', [key(1, { active: false, lastRotated: ago(900) }), noKey(2)], 'not_applicable', 'IAM user alice has no active access keys.'],
  ] as const)('aws_iam_user_access_keys_rotated: %s', (_case, accessKeys, status, message) => {
    expect(statusOf('aws_iam_user_access_keys_rotated', credentials('alice', { accessKeys: [...accessKeys] }))).toEqual({
      status,
      message,
    });
  });

  it('aws_iam_user_access_keys_rotated follows thresholds.accessKeyMaxAgeDays', () => {
    const evidence = credentials('alice', { accessKeys: [key(1, { lastRotated: ago(31) }), noKey(2)] });
    expect(statusOf('aws_iam_user_access_keys_rotated', evidence, options({ thresholds: { accessKeyMaxAgeDays: 30 } })).status).toBe('fail');
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
    const findings = evaluate('aws_iam_user_console_mfa_enabled', viewOf(credentials('zed'), credentials('alice'), credentials('mike')));
    expect(findings.map((finding) => finding.resourceId)).toEqual([arn('user/alice'), arn('user/mike'), arn('user/zed')]);
  });
});
