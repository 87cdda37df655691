// The Identity Center bench row (bench/identity-center.ts) at a small size: the collector's calls against
// the sandbox stay within the bound its page counts give. `npm run bench` runs it at 50 permission sets,
// 2,000 users and 10,000 assignments.
import { describe, expect, it } from 'vitest';
import { IDENTITY_CENTER_SMOKE, identityCenterCalls } from '../../../bench/identity-center.js';
import { isolateFromHostAws } from '../../helpers/collect-context.js';

isolateFromHostAws(['AWS_ENDPOINT_URL_ORGANIZATIONS', 'AWS_ENDPOINT_URL_SSO_ADMIN', 'AWS_ENDPOINT_URL_IDENTITYSTORE', 'AWS_ENDPOINT_URL_STS'], '127.0.0.1');

describe('the Identity Center bench row', () => {
  it('is met at the smoke size, the estate as asked', async () => {
    const row = await identityCenterCalls(IDENTITY_CENTER_SMOKE);
    expect(row.estate).toMatch(/^10 permission sets, 400 users, \d+ groups, 500 assignments over \d+ \(permission set, account\) pairs$/);
    expect(row.met, JSON.stringify(row)).toBe(true);
    const [calls] = /^\d+/.exec(row.value)!;
    expect(Number(calls)).toBe(Number(/= (\d+)$/.exec(row.target)![1]));
  }, 60_000);
});
