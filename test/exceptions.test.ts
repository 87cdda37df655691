// Exceptions: which failing finding an exception covers on a day, and how a bad exceptions file is
// refused (one line per problem, naming the entry and the field).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../src/config/errors.js';
import { exceptionFor } from '../src/exceptions/apply.js';
import { loadExceptions } from '../src/exceptions/load.js';
import type { AcceptedException } from '../src/exceptions/schema.js';

const RISK: AcceptedException = {
  id: 'RISK-1',
  check: 'github_repo_default_branch_protected',
  resource: 'example-co/marketing-*',
  reason: 'Static site with its own deployment approval.',
  approver: 'ciso@example.com',
  approved: '2026-01-15',
  expires: '2026-07-15',
};
const failing = (resourceId: string, status = 'fail', checkId = RISK.check) => ({ checkId, resourceId, status });

describe('exceptions', () => {
  it('cover a failing finding of their check on matching resources from approval to expiry, both included', () => {
    expect(exceptionFor(failing('example-co/marketing-site'), [RISK], '2026-01-15')?.id).toBe('RISK-1');
    expect(exceptionFor(failing('example-co/marketing-site'), [RISK], '2026-07-15')?.id).toBe('RISK-1');
    expect(exceptionFor(failing('example-co/marketing-site'), [RISK], '2026-07-16')).toBeUndefined();
    expect(exceptionFor(failing('example-co/marketing-site'), [RISK], '2026-01-14')).toBeUndefined();
    expect(exceptionFor(failing('example-co/payments-api'), [RISK], '2026-03-01')).toBeUndefined();
    expect(exceptionFor(failing('example-co/marketing-site', 'error'), [RISK], '2026-03-01')).toBeUndefined();
    expect(exceptionFor(failing('example-co/marketing-site', 'fail', 'github_repo_approvals_required'), [RISK], '2026-03-01')).toBeUndefined();
  });

  it('refuse a file with one line per problem naming the entry and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-exceptions-'));
    const path = join(dir, 'exceptions.yaml');
    writeFileSync(
      path,
      'exceptions:\n  - id: A\n    check: Not A Check\n    resource: "*"\n    reason: Accepted for the migration quarter.\n    approver: x\n    approved: 2026-02-01\n    expires: 2026-01-01\n' +
        '  - id: A\n    check: aws_iam_root_mfa_enabled\n    resource: "*"\n    reason: Accepted for the migration quarter.\n    approver: x\n    approved: "2026-1-1"\n    expires: 2026-03-01\n',
    );
    let lines: string[] = [];
    try {
      loadExceptions(path);
    } catch (error) {
      lines = (error as ConfigError).lines;
    }
    expect(lines).toEqual([
      `${path}: exceptions.0.check: expected a check id such as github_repo_default_branch_protected`,
      `${path}: exceptions.0.expires: expected a day on or after the approval (2026-02-01)`,
      `${path}: exceptions.1.approved: expected the approval date as YYYY-MM-DD`,
      `${path}: exceptions.1.id: expected a unique id (exceptions[0] is already A)`,
    ]);
    expect(() => loadExceptions(join(dir, 'missing.yaml'))).toThrow(/does not exist/);
  });
});
