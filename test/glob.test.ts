// Globs of the config (exception resources, repository include/exclude, deploy-key and admin allow-lists):
// `*` matches any run of characters, everything else itself. Matched without backtracking: adversarial
// globs against long, attacker-shaped names (a role ARN is chosen by whoever can create a role) take
// milliseconds, where the regular expression they used to compile to took minutes and blocked the loop.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatcher as adminAllowList } from '../collectors/aws-iam/checks/policy-analysis.js';
import { globMatches, selected } from '../collectors/github/repo-reads.js';
import type { GitHubOrg } from '../collectors/github/schema.js';
import { exceptionFor } from '../src/exceptions/apply.js';
import type { AcceptedException } from '../src/exceptions/schema.js';
import { globMatch } from '../src/glob.js';

describe('glob semantics', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything at all', true],
    ['', '', true],
    ['', 'x', false],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['abc', 'xabc', false],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ba', false],
    ['*c', 'abc', true],
    ['*c', 'abcd', false],
    ['a*c', 'ac', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'abbbcd', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acbc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['**', 'x', true],
    ['a**b', 'ab', true],
    ['*x*', 'xx', true],
    ['*x*x*', 'x', false],
    ['*x*x*', 'xax', true],
    // Everything but `*` is literal: no regular-expression or glob meaning.
    ['a.c', 'abc', false],
    ['a.c', 'a.c', true],
    ['a?c', 'abc', false],
    ['a?c', 'a?c', true],
    ['[ab]', 'a', false],
    ['[ab]', '[ab]', true],
    ['a+', 'aa', false],
    ['(a|b)', 'a', false],
    ['^a$', '^a$', true],
    ['a\\*', 'a\\xyz', true],
    ['arn:aws:iam::111122223333:role/*', 'arn:aws:iam::111122223333:role/breakglass', true],
    ['arn:aws:iam::111122223333:role/*', 'arn:aws:iam::444455556666:role/breakglass', false],
    ['arn:aws:iam::*:role/aws-reserved/*', 'arn:aws:iam::1:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin', true],
    ['line*', 'line1\nline2', true],
    ['é*ü', 'éaü', true],
  ])('%j against %j: %s', (glob, text, expected) => {
    expect(globMatch(glob, text)).toBe(expected);
  });

  it('folds case only when asked (repository names are case-insensitive, ARNs are not)', () => {
    expect(globMatch('Service-*', 'service-api')).toBe(false);
    expect(globMatch('Service-*', 'service-api', { caseInsensitive: true })).toBe(true);
    expect(globMatches('LEGACY-*', 'legacy-billing')).toBe(true);
  });

  it('agrees with the regular expression it replaces on random globs and names', () => {
    // The former definition: each part between stars escaped, joined by `.*`, anchored.
    const reference = (glob: string, text: string, flags = '') =>
      new RegExp(
        `^${glob
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        flags,
      ).test(text);
    const small = (chars: string[]) => fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((list) => list.join(''));
    fc.assert(
      fc.property(small(['a', 'b', '*', '-', '.', '?']), small(['a', 'b', '-', '.', '?', 'A']), fc.boolean(), (glob, text, fold) => {
        expect(globMatch(glob, text, { caseInsensitive: fold })).toBe(reference(glob, text, fold ? 'i' : ''));
      }),
      { numRuns: 1000, seed: 20261206 },
    );
  });
});

/** Milliseconds `match` takes, the worst of three tries. */
function timed(match: () => boolean): { ms: number; result: boolean } {
  let worst = 0;
  let result = false;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    result = match();
    worst = Math.max(worst, performance.now() - start);
  }
  return { ms: worst, result };
}

// Well under a millisecond each here; the bound leaves room for a loaded machine, and the regular
// expression took 16.5 s at 231 characters.
const BUDGET_MS = 50;

describe('adversarial globs match in linear time', () => {
  const dashes = (n: number) => `arn:aws:iam::111122223333:role/${'-'.repeat(n)}`;
  const cases: [string, string, (n: number) => string][] = [
    ['the reported one: stars between dashes, no final x', '*-*-*-*-*-x', dashes],
    ['many stars', `${'*-'.repeat(200)}x`, dashes],
    ['a long segment that almost matches everywhere', `*${'a'.repeat(500)}b*`, (n) => 'a'.repeat(n)],
    ['stars and single letters', `${'*a'.repeat(100)}*b`, (n) => 'a'.repeat(n)],
  ];
  it.each(cases)('%s', (_, glob, text) => {
    for (const n of [100, 300, 10_000, 200_000]) {
      const { ms, result } = timed(() => globMatch(glob, text(n)));
      expect(result).toBe(false);
      expect(ms, `${n} characters took ${ms.toFixed(1)} ms`).toBeLessThan(BUDGET_MS);
    }
  });

  it('every user of the globs: exceptions, repository selection, deploy-key and admin allow-lists', () => {
    const arn = dashes(10_000);
    const exception: AcceptedException = {
      id: 'RISK-1',
      check: 'aws_iam_admin_access_restricted',
      resource: '*-*-*-*-*-x',
      reason: 'r',
      approver: 'a@example.com',
      approved: '2026-01-01',
      expires: '2026-12-31',
    };
    const org = { login: 'acme', repositories: { include: ['*-*-*-*-*-x'], exclude: [] } } as unknown as GitHubOrg;
    const name = `svc${'-'.repeat(10_000)}`;
    expect(timed(() => exceptionFor({ checkId: exception.check, resourceId: arn, status: 'fail' }, [exception], '2026-06-01') !== undefined)).toMatchObject({
      result: false,
    });
    expect(timed(() => exceptionFor({ checkId: exception.check, resourceId: arn, status: 'fail' }, [exception], '2026-06-01') !== undefined).ms).toBeLessThan(
      BUDGET_MS,
    );
    expect(timed(() => selected(org, name)).ms).toBeLessThan(BUDGET_MS);
    expect(timed(() => globMatches('*-*-*-*-*-x', `${name}/deploy`)).ms).toBeLessThan(BUDGET_MS);
    const allowed = adminAllowList(['*-*-*-*-*-x']);
    expect(timed(() => allowed(arn))).toMatchObject({ result: false });
    expect(timed(() => allowed(arn)).ms).toBeLessThan(BUDGET_MS);
    // And they still match what they should.
    expect(exceptionFor({ checkId: exception.check, resourceId: `${arn}x`, status: 'fail' }, [exception], '2026-06-01')?.id).toBe('RISK-1');
    expect(adminAllowList(['arn:aws:iam::111122223333:role/*'])(arn)).toBe(true);
  });
});
