// The two role trust checks as pure functions over role evidence shaped as the collector stores it
// (GetAccountAuthorizationDetails' AssumeRolePolicyDocument, decoded): who may assume each role, and
// what passes, fails, is not applicable or cannot be judged.
import { describe, expect, it } from 'vitest';
import { awsIamChecks } from '../../../collectors/aws-iam/checks/index.js';
import { awsIamOptionsSchema, EVIDENCE } from '../../../collectors/aws-iam/schema.js';
import type { AwsIamOptions, PolicyStatement, RoleEvidence } from '../../../collectors/aws-iam/schema.js';
import type { EvidenceItem, FindingDraft } from '../../../src/collector.js';
import { evaluateChecks, evidenceView } from '../../../src/evaluate-checks.js';

const ACCOUNT = '111122223333';
const MANAGEMENT = '999988887777';
const VENDOR = '444455556666';
const NOW = new Date('2026-01-10T12:00:00.000Z');
const RESTRICTED = 'aws_iam_role_trust_restricted';
const WHOLE_ACCOUNT = 'aws_iam_role_trust_no_whole_account';

function role(name: string, statements: PolicyStatement[], path = '/'): EvidenceItem {
  const arn = `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
  const data: RoleEvidence = {
    accountId: ACCOUNT,
    roleName: name,
    arn,
    path,
    createDate: '2025-01-01T00:00:00.000Z',
    trustPolicy: { Version: '2012-10-17', Statement: statements },
    attachedPolicies: [],
    inlinePolicies: [],
    lastUsedDay: null,
    permissionsBoundaryArn: null,
  };
  return { type: EVIDENCE.role, resourceId: arn, schemaVersion: 1, data };
}

const assume = (Principal: unknown, extra: PolicyStatement = {}): PolicyStatement =>
  ({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...extra }) as PolicyStatement;
const externalId = (operator = 'StringEquals', value = 'vendor-7f3a9c') => ({ Condition: { [operator]: { 'sts:ExternalId': value } } });

const options = (overrides: Record<string, unknown> = {}): AwsIamOptions => awsIamOptionsSchema.parse({ accounts: [{ id: ACCOUNT }], ...overrides });

function judge(checkId: string, item: EvidenceItem, opts = options()): Pick<FindingDraft, 'status' | 'message'> {
  const check = awsIamChecks.find((c) => c.id === checkId)!;
  const [finding, ...more] = check.evaluate(evidenceView([item]), opts, NOW);
  expect(more).toEqual([]);
  return { status: finding!.status, message: finding!.message };
}

describe('aws_iam_role_trust_restricted', () => {
  it.each<[string, PolicyStatement[], FindingDraft['status'], string]>([
    ['an AWS service', [assume({ Service: 'lambda.amazonaws.com' })], 'pass', 'Role r can be assumed only by AWS service lambda.amazonaws.com.'],
    ['its own account root', [assume({ AWS: `arn:aws:iam::${ACCOUNT}:root` })], 'pass', `Role r can be assumed only by own account ${ACCOUNT}.`],
    [
      'a third party that must present an external id',
      [assume({ AWS: `arn:aws:iam::${VENDOR}:root` }, externalId())],
      'pass',
      `Role r can be assumed only by account ${VENDOR} with an external id.`,
    ],
    [
      'a third party role with an external id (StringLike, no wildcard)',
      [assume({ AWS: [`arn:aws:iam::${VENDOR}:role/monitoring`] }, externalId('StringLike'))],
      'pass',
      `Role r can be assumed only by arn:aws:iam::${VENDOR}:role/monitoring with an external id.`,
    ],
    [
      'GitHub Actions through the account OIDC provider',
      [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:example-co/app:ref:refs/heads/main' } },
        },
      ],
      'pass',
      `Role r can be assumed only by identity provider arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com.`,
    ],
    [
      'nobody (no statement grants sts:AssumeRole)',
      [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: 'sts:TagSession' }],
      'pass',
      'Role r lets no one assume it (no ' + 'statement allows sts:AssumeRole).',
    ],
    [
      'a deny only',
      [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }],
      'pass',
      'Role r lets no one assume it (no statement allows sts:AssumeRole).',
    ],
    [
      'a third-party account root without an external id',
      [assume({ AWS: `arn:aws:iam::${VENDOR}:root` })],
      'fail',
      `Role r lets third-party account ${VENDOR} assume it without requiring sts:ExternalId (statement #1).`,
    ],
    [
      'a third-party role named by bare account id, with sts:* and a Sid',
      [{ Sid: 'Vendor', Effect: 'Allow', Principal: { AWS: VENDOR }, Action: 'sts:*' }],
      'fail',
      `Role r lets third-party account ${VENDOR} assume it without requiring sts:ExternalId (statement Vendor).`,
    ],
    [
      'an external id under StringEqualsIfExists (passes when absent)',
      [assume({ AWS: `arn:aws:iam::${VENDOR}:role/monitoring` }, externalId('StringEqualsIfExists'))],
      'fail',
      `Role r lets arn:aws:iam::${VENDOR}:role/monitoring of third-party account ${VENDOR} assume it without requiring sts:ExternalId (statement #1).`,
    ],
    [
      'an external id that is a wildcard',
      [assume({ AWS: `arn:aws:iam::${VENDOR}:root` }, externalId('StringLike', '*'))],
      'fail',
      `Role r lets third-party account ${VENDOR} assume it without requiring sts:ExternalId (statement #1).`,
    ],
    [
      'Principal "*" without a condition',
      [assume('*')],
      'fail',
      "Role r lets anyone assume it (statement #1): no condition names the caller's account, ARN or organization.",
    ],
    [
      '"AWS": "*" with only an external id',
      [assume({ AWS: '*' }, externalId())],
      'fail',
      "Role r lets anyone assume it (statement #1): no condition names the caller's account, ARN or organization, only an external id, which anyone who learns it can present.",
    ],
    [
      'NotPrincipal in an Allow statement',
      [{ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
      'fail',
      "Role r lets anyone assume it (statement #1): no condition names the caller's account, ARN or organization.",
    ],
    [
      'Principal "*" narrowed to another organization, without an external id',
      [assume('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-vendor12345' } } })],
      'fail',
      'Role r lets third-party organization o-vendor12345 assume it without requiring sts:ExternalId (statement #1).',
    ],
    [
      'Principal "*" narrowed by a wildcard ARN condition (narrows nothing)',
      [assume('*', { Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } } })],
      'fail',
      "Role r lets anyone assume it (statement #1): no condition names the caller's account, ARN or organization.",
    ],
  ])('%s: %s', (_case, statements, status, message) => {
    expect(judge(RESTRICTED, role('r', statements))).toEqual({ status, message });
  });

  it('takes the accounts it collects, trust.ownAccounts and trust.organizationIds as the company own', () => {
    const opts = options({ trust: { ownAccounts: [MANAGEMENT], organizationIds: ['o-exampleorg1'] } });
    const item = role('OrganizationAccountAccessRole', [
      assume({ AWS: `arn:aws:iam::${MANAGEMENT}:root` }),
      assume('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } } }),
    ]);
    expect(judge(RESTRICTED, item, opts)).toEqual({
      status: 'pass',
      message: `Role OrganizationAccountAccessRole can be assumed only by own account ${MANAGEMENT}, callers in organization o-exampleorg1 (aws:PrincipalOrgID).`,
    });
    expect(judge(RESTRICTED, item).status).toBe('fail');
    const collected = options({ accounts: [{ id: ACCOUNT }, { id: MANAGEMENT }] });
    expect(judge(RESTRICTED, role('x', [assume({ AWS: `arn:aws:iam::${MANAGEMENT}:role/admin` })]), collected).status).toBe('pass');
  });

  it('lists every fault of a role', () => {
    const item = role('r', [assume({ AWS: [`arn:aws:iam::${VENDOR}:root`, 'arn:aws:iam::555566667777:user/ops'] }), assume('*')]);
    expect(judge(RESTRICTED, item).message).toBe(
      `Role r lets third-party account ${VENDOR} assume it without requiring sts:ExternalId (statement #1); ` +
        'lets arn:aws:iam::555566667777:user/ops of third-party account 555566667777 assume it without requiring sts:ExternalId (statement #1); ' +
        "lets anyone assume it (statement #2): no condition names the caller's account, ARN or organization.",
    );
  });

  it('ignores a principal IAM shows by unique id (deleted since)', () => {
    expect(judge(RESTRICTED, role('r', [assume({ AWS: 'AROAEXAMPLEDELETED0001' })])).status).toBe('pass');
  });

  it('is not applicable to a service-linked role', () => {
    expect(judge(RESTRICTED, role('AWSServiceRoleForSupport', [assume('*')], '/aws-service-role/support.amazonaws.com/'))).toEqual({
      status: 'not_applicable',
      message: 'Role AWSServiceRoleForSupport is service-linked: AWS owns its trust policy.',
    });
  });

  it.each<[string, PolicyStatement[], string]>([
    [
      'a principal type no role trusts',
      [assume({ CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' })],
      'statement #1: principal type "CanonicalUser" is not ' + 'one a role trusts',
    ],
    [
      'an AWS principal that is neither an id nor an ARN',
      [assume({ AWS: 'vendor-account' })],
      'statement #1: AWS principal "vendor-account" is neither an account id nor an IAM ARN',
    ],
    ['a principal that is not a string', [assume({ AWS: [123] })], 'statement #1: Principal AWS is not a string or a list of strings'],
    [
      'a condition that is not an object',
      [assume({ AWS: `arn:aws:iam::${VENDOR}:root` }, { Condition: 'sts:ExternalId' })],
      'statement #1 has a Condition that is not an object',
    ],
  ])('cannot judge %s', (_case, statements, problem) => {
    expect(judge(RESTRICTED, role('r', statements))).toEqual({ status: 'error', message: `The trust policy of Role r cannot be judged: ${problem}.` });
  });

  it('gives an error to a role whose trust policy could not be read (the runner overlay)', () => {
    const check = awsIamChecks.find((c) => c.id === RESTRICTED)!;
    const arn = `arn:aws:iam::${ACCOUNT}:role/broken`;
    const { findings } = evaluateChecks(
      [check],
      [],
      [{ type: EVIDENCE.role, resourceId: arn, error: 'trust policy: policy document is not valid JSON' }],
      options(),
      NOW,
      ACCOUNT,
    );
    expect(findings.map((f) => [f.resourceId, f.status])).toEqual([[arn, 'error']]);
  });
});

describe('aws_iam_role_trust_no_whole_account', () => {
  it.each<[string, PolicyStatement[], FindingDraft['status'], string]>([
    [
      'its own account root, even with an external id',
      [assume({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, externalId())],
      'fail',
      `Role r trusts every principal of account ${ACCOUNT} (arn:aws:iam::${ACCOUNT}:root): review who there may assume it.`,
    ],
    [
      'a bare account id',
      [assume({ AWS: VENDOR }, externalId())],
      'fail',
      `Role r trusts every principal of account ${VENDOR} (${VENDOR}): review who there may assume it.`,
    ],
    [
      'anyone in an organization',
      [assume('*', { Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-exampleorg1/r-ab12/ou-ab12-11111111/*'] } } })],
      'fail',
      'Role r trusts anyone in organization o-exampleorg1 (aws:PrincipalOrgPaths): review who there may assume it.',
    ],
    ['anyone at all', [assume('*')], 'fail', 'Role r trusts every principal of every account (statement #1): review who there may assume it.'],
    [
      'named roles',
      [assume({ AWS: [`arn:aws:iam::${VENDOR}:role/monitoring`, `arn:aws:iam::${ACCOUNT}:role/deploy`] }, externalId())],
      'pass',
      `Role r names the principals that may assume it: arn:aws:iam::${VENDOR}:role/monitoring, arn:aws:iam::${ACCOUNT}:role/deploy.`,
    ],
    [
      'an AWS service only',
      [assume({ Service: 'ec2.amazonaws.com' })],
      'not_applicable',
      'Role r trusts no AWS account principal (only AWS services or identity providers, if any).',
    ],
    [
      'a principal it cannot read',
      [assume({ AWS: 'vendor-account' })],
      'error',
      'The trust policy of Role r cannot be judged: statement #1: AWS principal "vendor-account" is neither an ' + 'account id nor an IAM ARN.',
    ],
  ])('%s: %s', (_case, statements, status, message) => {
    expect(judge(WHOLE_ACCOUNT, role('r', statements))).toEqual({ status, message });
  });

  it('is not applicable to a service-linked role', () => {
    expect(judge(WHOLE_ACCOUNT, role('AWSServiceRoleForSupport', [assume({ AWS: VENDOR })], '/aws-service-role/support.amazonaws.com/')).status).toBe(
      'not_applicable',
    );
  });
});

describe('trust options', () => {
  it.each([
    [{ ownAccounts: ['12345'] }, 'trust.ownAccounts.0'],
    [{ organizationIds: ['org-1'] }, 'trust.organizationIds.0'],
    [{ ownAccount: [] }, 'trust'],
  ])('refuses %j, naming %s', (trust, path) => {
    const parsed = awsIamOptionsSchema.safeParse({ trust });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
