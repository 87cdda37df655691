// aws_iam_account_password_policy_strong as a pure function over hand-built evidence: each threshold,
// configurable, and an account without a password policy.
import { describe, expect, it } from 'vitest';
import { EVIDENCE, resourceIds } from '../../../collectors/aws-iam/schema.js';
import type { EvidenceItem } from '../../../src/collector.js';
import { ACCOUNT, ACCOUNT_REF, viewOf, options, evaluate, passwordPolicy } from '../../helpers/aws-iam-evidence.js';

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
    expect(judge(passwordPolicy({ present: false, minimumPasswordLength: null }))?.message).toBe(`Account ${ACCOUNT} has no password policy.`);
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
