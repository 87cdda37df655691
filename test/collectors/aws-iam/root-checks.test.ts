// The aws-iam root user checks as pure functions over hand-built evidence: MFA (virtual or hardware),
// access keys, and recent use, with threshold boundaries in calendar days.
import { describe, expect, it } from 'vitest';
import { EVIDENCE } from '../../../collectors/aws-iam/schema.js';
import type { FindingDraft } from '../../../src/collector.js';
import { ACCOUNT, arn, dayAgo, viewOf, options, evaluate, noKey, key, root } from '../../helpers/aws-iam-evidence.js';

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
    ['no MFA', root({ accountMfaEnabled: false, mfaActive: false }), 'fail', `The root user of account ${ACCOUNT} has no MFA device at all.`],
  ] as const)('aws_iam_root_hardware_mfa_enabled: %s', (_case, evidence, status, message) => {
    expect(evaluate('aws_iam_root_hardware_mfa_enabled', viewOf(evidence))).toEqual([rootFinding(status, message)]);
  });

  it.each([
    ['no keys', root(), 'pass', `The root user of account ${ACCOUNT} has no access keys.`],
    ['an active key in the report', root({ accessKeys: [noKey(1), key(2)] }), 'fail', `The root user of account ${ACCOUNT} has active access keys (key 2).`],
    ['keys flagged by the account summary', root({ accessKeysPresent: true }), 'fail', `The root user of account ${ACCOUNT} has access keys.`],
  ] as const)('aws_iam_root_access_keys_absent: %s', (_case, evidence, status, message) => {
    expect(evaluate('aws_iam_root_access_keys_absent', viewOf(evidence))).toEqual([rootFinding(status, message)]);
  });

  const rootUsed = (day: string, how: string, verdict: string) => `The root user of account ${ACCOUNT} was last used on ${day} (${how}), ${verdict}.`;
  it.each([
    ['never used', root(), 'pass', `The root user of account ${ACCOUNT} has no recorded password or access key use.`],
    ['password used 30 days before today', root({ passwordLastUsed: '2025-12-11' }), 'pass', rootUsed('2025-12-11', 'password', '30 or more days ago')],
    ['password used 29 days before today', root({ passwordLastUsed: '2025-12-12' }), 'fail', rootUsed('2025-12-12', 'password', 'less than 30 days ago')],
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
