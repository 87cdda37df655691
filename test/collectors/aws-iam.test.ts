// The aws-iam collector against nock: the real SDK serialises the requests and parses the fixture
// replies (test/fixtures/aws-iam/, shaped after the IAM and STS API references). Variants of a reply
// (another partition, a missing Marker, a broken policy document) are edits of the same fixture, so
// the test shows the one thing that differs.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { awsIam } from '../../collectors/aws-iam/index.js';
import { awsIamChecks } from '../../collectors/aws-iam/checks/index.js';
import { awsIamOptionsSchema } from '../../collectors/aws-iam/schema.js';
import type { AccessAnalyzerFindingEvidence, AccessAnalyzerRegionEvidence } from '../../collectors/aws-iam/schema.js';
import type { ClientEnvironment, EvidenceItem } from '../../src/collector.js';
import { evaluateChecks, evidenceView } from '../../src/evaluate-checks.js';
import { contextFor, isolateFromHostAws } from '../helpers/collect-context.js';

const ACCOUNT = '111122223333';
const NOW = new Date('2026-01-10T12:00:00Z');
const IAM_HOST = 'https://iam.amazonaws.com';
const STS_HOST = 'https://sts.us-east-1.amazonaws.com';
const FAKE_CREDENTIALS = { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake-secret-access-key' };
const XML_HEADERS = { 'content-type': 'text/xml' };

type FormBody = Record<string, string | undefined>;

/** The partition the fixtures' ARNs are served in (they are written in `aws`). */
let partition = 'aws';
/** A fixture's text, its ARNs (plain and URL-encoded in policy documents) moved to `partition`. */
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/aws-iam/${name}`, import.meta.url), 'utf8')
    .replaceAll('arn:aws:', `arn:${partition}:`)
    .replaceAll('arn%3Aaws%3A', `arn%3A${partition}%3A`);
/** A fixture without its `<Marker>` element: a truncated page that does not say where to go on. */
const withoutMarker = (text: string) => text.replace(/\s*<Marker>[^<]*<\/Marker>/, '');
/** A fixture with the content of the first `<element>` after the text `after` replaced. */
const withDocument = (text: string, after: string, element: string, content: string) => {
  const start = text.indexOf(after);
  const open = text.indexOf(`<${element}>`, start) + element.length + 2;
  const close = text.indexOf(`</${element}>`, open);
  expect(start >= 0 && open > start && close > open).toBe(true);
  return text.slice(0, open) + content + text.slice(close);
};
const encodedDocument = (document: unknown) => encodeURIComponent(JSON.stringify(document));

/** GetCredentialReport carries the CSV base64-encoded in `Content`. */
function credentialReportReply(csvFixture: string, edit = (csv: string) => csv): string {
  const content = Buffer.from(edit(fixture(csvFixture)), 'utf8').toString('base64');
  return [
    '<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">',
    '  <GetCredentialReportResult>',
    `    <Content>${content}</Content>`,
    '    <ReportFormat>text/csv</ReportFormat>',
    '    <GeneratedTime>2026-01-10T02:00:00Z</GeneratedTime>',
    '  </GetCredentialReportResult>',
    '  <ResponseMetadata><RequestId>44444444-5555-6666-7777-888888888881</RequestId></ResponseMetadata>',
    '</GetCredentialReportResponse>',
  ].join('\n');
}

/** The access key IAM requests must be signed with (the static one, or an assumed role's). */
let iamSigningKey = FAKE_CREDENTIALS.accessKeyId;
let iamHost = IAM_HOST;
let stsHost = STS_HOST;

function iam(action: string, matches: (body: FormBody) => boolean = () => true) {
  return nock(iamHost)
    .matchHeader('authorization', (value: string) => value.includes(`Credential=${iamSigningKey}/`))
    .post('/', (body: FormBody) => body.Action === action && matches(body));
}
function sts(action: string, matches: (body: FormBody) => boolean = () => true) {
  return nock(stsHost).post('/', (body: FormBody) => body.Action === action && matches(body));
}

const mocks = {
  callerIdentity: () => sts('GetCallerIdentity').reply(200, fixture('sts-get-caller-identity.xml'), XML_HEADERS),
  authorizationDetails: (
    page1 = fixture('get-account-authorization-details-1.xml'),
    page2 = fixture('get-account-authorization-details-2.xml'),
  ) => {
    // No Filter parameter: users, groups, roles and both kinds of managed policy come back; pages of
    // IAM's maximum size, 1,000 items, not its default 100.
    const noFilter = (body: FormBody) => !Object.keys(body).some((key) => key.startsWith('Filter')) && body.MaxItems === '1000';
    iam('GetAccountAuthorizationDetails', (b) => noFilter(b) && b.Marker === undefined).reply(200, page1, XML_HEADERS);
    iam('GetAccountAuthorizationDetails', (b) => noFilter(b) && b.Marker === 'gaad-page-2').reply(200, page2, XML_HEADERS);
  },
  credentialReport: (csvFixture = 'credential-report.csv', edit = (csv: string) => csv) => {
    iam('GenerateCredentialReport').reply(200, fixture('generate-credential-report-complete.xml'), XML_HEADERS);
    iam('GetCredentialReport').reply(200, credentialReportReply(csvFixture, edit), XML_HEADERS);
  },
  passwordPolicy: () => iam('GetAccountPasswordPolicy').reply(200, fixture('get-account-password-policy.xml'), XML_HEADERS),
  accountSummary: () => iam('GetAccountSummary').reply(200, fixture('get-account-summary.xml'), XML_HEADERS),
  virtualMfaDevices: () => {
    const assigned = (body: FormBody) => body.AssignmentStatus === 'Assigned' && body.MaxItems === '1000';
    iam('ListVirtualMFADevices', (b) => assigned(b) && b.Marker === undefined).reply(
      200,
      fixture('list-virtual-mfa-devices-1.xml'),
      XML_HEADERS,
    );
    iam('ListVirtualMFADevices', (b) => assigned(b) && b.Marker === 'mfa-page-2').reply(
      200,
      fixture('list-virtual-mfa-devices-2.xml'),
      XML_HEADERS,
    );
  },
};
type MockName = keyof typeof mocks;

/** Mocks every call of a collection except the named ones (which the test mocks itself). */
function mockAccount(...except: MockName[]) {
  for (const [name, mock] of Object.entries(mocks) as [MockName, () => unknown][]) {
    if (!except.includes(name)) mock();
  }
}

function collectContext(input: { options?: Record<string, unknown>; aws?: ClientEnvironment['aws'] } = {}) {
  const options = awsIamOptionsSchema.parse({
    credentialReport: { pollIntervalMs: 1, maxWaitSeconds: 5 },
    // The regional Access Analyzer reads have their own tests ("aws-iam: IAM Access Analyzer" below).
    accessAnalyzer: { enabled: false },
    ...input.options,
  });
  return contextFor(awsIam, options, { now: NOW, clientEnvironment: { aws: input.aws ?? { credentials: FAKE_CREDENTIALS } } });
}

const arn = (suffix: string) => `arn:aws:iam::${ACCOUNT}:${suffix}`;
const noKey = (slot: 1 | 2) => ({ slot, active: false, lastRotated: null, lastUsedDate: null, lastUsedService: null });
const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };

const EXPECTED_EVIDENCE: EvidenceItem[] = [
  {
    type: 'aws.iam.account-summary',
    resourceId: arn('account-summary'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      summary: {
        AccessKeysPerUserQuota: 2,
        AccountAccessKeysPresent: 0,
        AccountMFAEnabled: 1,
        AccountSigningCertificatesPresent: 0,
        Groups: 2,
        GroupsQuota: 300,
        MFADevices: 2,
        MFADevicesInUse: 2,
        Policies: 2,
        PoliciesQuota: 1500,
        Roles: 2,
        RolesQuota: 1000,
        Users: 3,
        UsersQuota: 5000,
      },
    },
  },
  {
    type: 'aws.iam.group',
    resourceId: arn('group/admins'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      groupName: 'admins',
      arn: arn('group/admins'),
      createDate: '2021-01-01T00:00:00.000Z',
      attachedPolicies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      inlinePolicies: [],
    },
  },
  {
    type: 'aws.iam.group',
    resourceId: arn('group/developers'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      groupName: 'developers',
      arn: arn('group/developers'),
      createDate: '2021-01-01T00:00:00.000Z',
      attachedPolicies: [{ name: 'DevAccess', arn: arn('policy/DevAccess') }],
      inlinePolicies: [
        {
          name: 'dev-logs',
          document: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'logs:*', Resource: '*' } },
        },
      ],
    },
  },
  {
    type: 'aws.iam.password-policy',
    resourceId: arn('account-password-policy'),
    schemaVersion: 1,
    data: {
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
    },
  },
  {
    type: 'aws.iam.policy',
    resourceId: arn('policy/DevAccess'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      policyName: 'DevAccess',
      arn: arn('policy/DevAccess'),
      awsManaged: false,
      attachmentCount: 1,
      defaultVersionId: 'v2',
      document: doc({ Effect: 'Allow', Action: ['ec2:Describe*', 's3:Get*'], Resource: '*' }),
    },
  },
  {
    type: 'aws.iam.policy',
    resourceId: arn('policy/LegacyFullAccess'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      policyName: 'LegacyFullAccess',
      arn: arn('policy/LegacyFullAccess'),
      awsManaged: false,
      attachmentCount: 0,
      defaultVersionId: 'v1',
      document: doc({ Sid: 'LegacyAll', ...allowAll }),
    },
  },
  {
    type: 'aws.iam.policy',
    resourceId: 'arn:aws:iam::aws:policy/AdministratorAccess',
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      policyName: 'AdministratorAccess',
      arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      awsManaged: true,
      attachmentCount: 2,
      defaultVersionId: 'v1',
      document: doc(allowAll),
    },
  },
  {
    type: 'aws.iam.role',
    resourceId: arn('role/OrganizationAccountAccessRole'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      roleName: 'OrganizationAccountAccessRole',
      arn: arn('role/OrganizationAccountAccessRole'),
      path: '/',
      createDate: '2019-03-01T09:05:00.000Z',
      trustPolicy: doc({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: 'sts:AssumeRole',
      }),
      attachedPolicies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      inlinePolicies: [],
      lastUsedDay: '2026-01-09',
      permissionsBoundaryArn: null,
    },
  },
  {
    type: 'aws.iam.role',
    resourceId: arn('role/service/app-role'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      roleName: 'app-role',
      arn: arn('role/service/app-role'),
      path: '/service/',
      createDate: '2024-05-05T05:05:05.000Z',
      trustPolicy: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      attachedPolicies: [],
      inlinePolicies: [
        {
          name: 'app-s3',
          document: doc(
            { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::example-bucket/*' },
            { Sid: 'AllButAudit', Effect: 'Allow', NotAction: 'cloudtrail:*', Resource: '*' },
            { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          ),
        },
      ],
      lastUsedDay: null,
      permissionsBoundaryArn: null,
    },
  },
  {
    type: 'aws.iam.root-credentials',
    resourceId: arn('root'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      arn: arn('root'),
      mfaActive: true,
      virtualMfaSerials: [arn('mfa/root-account-mfa-device')],
      accountMfaEnabled: true,
      accessKeysPresent: false,
      passwordLastUsed: '2025-12-20',
      accessKeys: [noKey(1), noKey(2)],
    },
  },
  {
    type: 'aws.iam.user',
    resourceId: arn('user/alice'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      userName: 'alice',
      userId: 'AIDAFAKEUSERALICE001',
      arn: arn('user/alice'),
      path: '/',
      createDate: '2023-04-01T10:00:00.000Z',
      groups: ['admins', 'developers'],
      attachedPolicies: [],
      inlinePolicies: [],
      permissionsBoundaryArn: null,
      tags: { 'cost-center': '42', team: 'platform' },
    },
  },
  {
    type: 'aws.iam.user',
    resourceId: arn('user/automation/ci-bot'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      userName: 'ci-bot',
      userId: 'AIDAFAKEUSERCIBOT001',
      arn: arn('user/automation/ci-bot'),
      path: '/automation/',
      createDate: '2024-02-02T02:02:02.000Z',
      groups: [],
      attachedPolicies: [],
      inlinePolicies: [],
      permissionsBoundaryArn: null,
      tags: {},
    },
  },
  {
    type: 'aws.iam.user',
    resourceId: arn('user/bob'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      userName: 'bob',
      userId: 'AIDAFAKEUSERBOB00001',
      arn: arn('user/bob'),
      path: '/',
      createDate: '2021-06-15T12:00:00.000Z',
      groups: ['developers'],
      attachedPolicies: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      inlinePolicies: [
        {
          name: 'bob-admin',
          document: doc({ Sid: 'Everything', Effect: 'Allow', Action: ['s3:*', '*'], Resource: '*' }),
        },
      ],
      permissionsBoundaryArn: arn('policy/Boundary'),
      tags: {},
    },
  },
  {
    type: 'aws.iam.user-credentials',
    resourceId: arn('user/alice'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      userName: 'alice',
      arn: arn('user/alice'),
      userCreationTime: '2023-04-01T10:00:00.000Z',
      passwordEnabled: true,
      passwordLastUsed: '2026-01-09',
      passwordLastChanged: '2025-11-02T08:00:00.000Z',
      mfaActive: true,
      accessKeys: [
        {
          slot: 1,
          active: true,
          lastRotated: '2025-12-01T00:00:00.000Z',
          lastUsedDate: '2026-01-09',
          lastUsedService: 's3',
        },
        noKey(2),
      ],
    },
  },
  {
    type: 'aws.iam.user-credentials',
    resourceId: arn('user/automation/ci-bot'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      userName: 'ci-bot',
      arn: arn('user/automation/ci-bot'),
      userCreationTime: '2024-02-02T02:02:02.000Z',
      passwordEnabled: false,
      passwordLastUsed: null,
      passwordLastChanged: null,
      mfaActive: false,
      accessKeys: [
        {
          slot: 1,
          active: true,
          lastRotated: '2025-12-15T00:00:00.000Z',
          lastUsedDate: '2026-01-10',
          lastUsedService: 'sts',
        },
        noKey(2),
      ],
    },
  },
  {
    type: 'aws.iam.user-credentials',
    resourceId: arn('user/bob'),
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      userName: 'bob',
      arn: arn('user/bob'),
      userCreationTime: '2021-06-15T12:00:00.000Z',
      passwordEnabled: true,
      passwordLastUsed: null,
      passwordLastChanged: '2021-06-15T12:00:00.000Z',
      mfaActive: false,
      accessKeys: [
        {
          slot: 1,
          active: true,
          lastRotated: '2022-01-01T00:00:00.000Z',
          lastUsedDate: '2025-10-01',
          lastUsedService: 'ec2',
        },
        { slot: 2, active: true, lastRotated: '2023-05-05T00:00:00.000Z', lastUsedDate: null, lastUsedService: null },
      ],
    },
  },
];

const evidenceWithout = (...types: string[]) => EXPECTED_EVIDENCE.filter((item) => !types.includes(item.type));
const USER_ARNS = [arn('user/alice'), arn('user/automation/ci-bot'), arn('user/bob')];

describe('aws-iam collector', () => {
  beforeEach(() => {
    iamSigningKey = FAKE_CREDENTIALS.accessKeyId;
    iamHost = IAM_HOST;
    stsHost = STS_HOST;
    partition = 'aws';
  });
  isolateFromHostAws(['AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS']);

  it('collects a whole account over two pages of each paginated call, in a fixed number of calls', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    const { ctx, apiCalls } = collectContext();

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(result.resolvedScope).toBe(ACCOUNT);
    expect(result.meta).toEqual({
      accountId: ACCOUNT,
      authorizationDetailsPages: 2,
      credentialReportGeneratedAt: '2026-01-10T02:00:00.000Z',
      credentialReportCalls: 2,
      virtualMfaDevicePages: 2,
    });
    // GetCallerIdentity + 2 GAAD pages + Generate/GetCredentialReport + password policy + summary + 2 MFA pages.
    expect(apiCalls()).toBe(9);
  });

  it('produces byte-identical evidence for an unchanged account', async () => {
    const runs: string[] = [];
    for (const _run of [1, 2]) {
      mocks.callerIdentity();
      mockAccount('callerIdentity');
      const { ctx } = collectContext();
      runs.push(JSON.stringify((await awsIam.collect(ctx)).evidence));
    }
    expect(runs[1]).toBe(runs[0]);
  });

  it('judges the collected evidence with every check', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    const { ctx } = collectContext({ options: { adminAllowList: ['arn:aws:iam::*:role/OrganizationAccountAccessRole'] } });
    const view = evidenceView((await awsIam.collect(ctx)).evidence);

    const outcomes = awsIamChecks.flatMap((check) =>
      check.evaluate(view, ctx.options, NOW).map((finding) => `${check.id} ${finding.status} ${finding.resourceId}`),
    );

    expect(outcomes).toEqual([
      `aws_iam_root_mfa_enabled pass ${arn('root')}`,
      `aws_iam_root_hardware_mfa_enabled fail ${arn('root')}`,
      `aws_iam_root_access_keys_absent pass ${arn('root')}`,
      `aws_iam_root_recently_unused fail ${arn('root')}`,
      `aws_iam_user_console_mfa_enabled pass ${arn('user/alice')}`,
      `aws_iam_user_console_mfa_enabled not_applicable ${arn('user/automation/ci-bot')}`,
      `aws_iam_user_console_mfa_enabled fail ${arn('user/bob')}`,
      `aws_iam_user_unused_credentials_disabled pass ${arn('user/alice')}`,
      `aws_iam_user_unused_credentials_disabled pass ${arn('user/automation/ci-bot')}`,
      `aws_iam_user_unused_credentials_disabled fail ${arn('user/bob')}`,
      `aws_iam_user_access_keys_rotated pass ${arn('user/alice')}`,
      `aws_iam_user_access_keys_rotated pass ${arn('user/automation/ci-bot')}`,
      `aws_iam_user_access_keys_rotated fail ${arn('user/bob')}`,
      `aws_iam_user_single_active_access_key pass ${arn('user/alice')}`,
      `aws_iam_user_single_active_access_key pass ${arn('user/automation/ci-bot')}`,
      `aws_iam_user_single_active_access_key fail ${arn('user/bob')}`,
      `aws_iam_account_password_policy_strong pass ${arn('account-password-policy')}`,
      `aws_iam_user_no_direct_policies pass ${arn('user/alice')}`,
      `aws_iam_user_no_direct_policies pass ${arn('user/automation/ci-bot')}`,
      `aws_iam_user_no_direct_policies fail ${arn('user/bob')}`,
      `aws_iam_policy_no_full_admin pass ${arn('policy/DevAccess')}`,
      `aws_iam_policy_no_full_admin fail ${arn('policy/LegacyFullAccess')}`,
      `aws_iam_policy_no_full_admin fail ${arn('user/bob')}#inline/bob-admin`,
      `aws_iam_policy_no_full_admin pass ${arn('group/developers')}#inline/dev-logs`,
      // Its AllButAudit statement allows every action except cloudtrail:* on every resource.
      `aws_iam_policy_no_full_admin fail ${arn('role/service/app-role')}#inline/app-s3`,
      `aws_iam_admin_access_restricted fail ${arn('group/admins')}`,
      `aws_iam_admin_access_restricted pass ${arn('role/OrganizationAccountAccessRole')}`,
      `aws_iam_admin_access_restricted fail ${arn('role/service/app-role')}`,
      `aws_iam_admin_access_restricted fail ${arn('user/alice')}`,
      `aws_iam_admin_access_restricted fail ${arn('user/bob')}`,
      // The management account 999988887777 is not among the own accounts here (trust.ownAccounts).
      `aws_iam_role_trust_restricted fail ${arn('role/OrganizationAccountAccessRole')}`,
      `aws_iam_role_trust_restricted pass ${arn('role/service/app-role')}`,
      `aws_iam_role_trust_no_whole_account fail ${arn('role/OrganizationAccountAccessRole')}`,
      `aws_iam_role_trust_no_whole_account not_applicable ${arn('role/service/app-role')}`,
    ]);
  });

  it('records an account without a password policy as present: false, not as an error', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'passwordPolicy');
    iam('GetAccountPasswordPolicy').reply(404, fixture('error-no-such-entity.xml'), XML_HEADERS);
    const { ctx } = collectContext();

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.evidence.find((item) => item.type === 'aws.iam.password-policy')).toEqual({
      type: 'aws.iam.password-policy',
      resourceId: arn('account-password-policy'),
      schemaVersion: 1,
      data: {
        accountId: ACCOUNT,
        present: false,
        minimumPasswordLength: null,
        requireSymbols: false,
        requireNumbers: false,
        requireUppercaseCharacters: false,
        requireLowercaseCharacters: false,
        allowUsersToChangePassword: false,
        maxPasswordAge: null,
        passwordReusePrevention: null,
        hardExpiry: false,
      },
    });
  });

  it('turns AccessDenied on the password policy into a resource error and keeps the rest', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'passwordPolicy');
    iam('GetAccountPasswordPolicy').reply(403, fixture('error-access-denied.xml'), XML_HEADERS);
    const { ctx } = collectContext();

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([
      {
        type: 'aws.iam.password-policy',
        resourceId: arn('account-password-policy'),
        error: `password policy: AccessDenied: User: ${arn('user/auditor')} is not authorized to perform: iam:GetAccountPasswordPolicy on resource: *`,
      },
    ]);
    expect(result.evidence).toEqual(evidenceWithout('aws.iam.password-policy'));
  });

  it('polls a credential report that is still being generated instead of failing', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'credentialReport');
    iam('GenerateCredentialReport').reply(200, fixture('generate-credential-report-started.xml'), XML_HEADERS);
    iam('GenerateCredentialReport').reply(200, fixture('generate-credential-report-complete.xml'), XML_HEADERS);
    iam('GetCredentialReport').reply(404, fixture('error-report-in-progress.xml'), XML_HEADERS);
    iam('GenerateCredentialReport').reply(200, fixture('generate-credential-report-complete.xml'), XML_HEADERS);
    iam('GetCredentialReport').reply(200, credentialReportReply('credential-report.csv'), XML_HEADERS);
    const { ctx, apiCalls } = collectContext();

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(result.meta?.['credentialReportCalls']).toBe(5);
    expect(apiCalls()).toBe(12);
  });

  it('gives up on a report that never completes, as resource errors with the reason', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'credentialReport');
    iam('GenerateCredentialReport').times(20).reply(200, fixture('generate-credential-report-started.xml'), XML_HEADERS);
    const { ctx } = collectContext({ options: { credentialReport: { pollIntervalMs: 200, maxWaitSeconds: 1 } } });

    const result = await awsIam.collect(ctx);

    const reason = 'credential report: not ready after 1 s (last state: STARTED)';
    expect(result.errors).toEqual([
      { type: 'aws.iam.root-credentials', resourceId: arn('root'), error: reason },
      ...USER_ARNS.map((resourceId) => ({ type: 'aws.iam.user-credentials', resourceId, error: reason })),
    ]);
    expect(result.evidence).toEqual(evidenceWithout('aws.iam.user-credentials', 'aws.iam.root-credentials'));
  });

  it('retries a throttled IAM call, and counts every attempt', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'accountSummary');
    iam('GetAccountSummary').reply(400, fixture('error-throttling.xml'), XML_HEADERS);
    iam('GetAccountSummary').reply(200, fixture('get-account-summary.xml'), XML_HEADERS);
    const { ctx, apiCalls } = collectContext();

    const started = Date.now();
    const result = await awsIam.collect(ctx);

    // Up to 1 s of backoff, then adaptive retry's rate limiter paces this client's later requests
    // (a whole collection took 1.5 to 4.1 s here).
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(apiCalls()).toBe(10);
  });

  it.each([
    ['is not well-formed XML', 'get-account-authorization-details-malformed.xml', /XML parse error/],
    ['names a user without its ARN', 'get-account-authorization-details-no-arn.xml', 'returned a user without Arn'],
  ])('rejects when the authorization details reply %s', async (_case, reply, message) => {
    mocks.callerIdentity();
    iam('GetAccountAuthorizationDetails').reply(200, fixture(reply), XML_HEADERS);
    // The other reads run alongside and are cancelled; whether they got out first does not matter.
    mockAccount('callerIdentity', 'authorizationDetails');
    const { ctx } = collectContext();

    await expect(awsIam.collect(ctx)).rejects.toThrow(message);
  });

  it('rejects at once when the run is aborted', async () => {
    const { ctx, apiCalls } = collectContext();
    const controller = new AbortController();
    controller.abort();

    await expect(awsIam.collect({ ...ctx, signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(apiCalls()).toBe(0);
  });

  it('sends every call to clientEnvironment.aws.endpoint when one is given', async () => {
    iamHost = 'http://localhost:4566';
    stsHost = 'http://localhost:4566';
    mockAccount();
    const { ctx } = collectContext({ aws: { credentials: FAKE_CREDENTIALS, endpoint: 'http://localhost:4566' } });

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
  });

  it('keeps the rest of the evidence when the credential report lacks columns', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'credentialReport');
    mocks.credentialReport('credential-report-missing-columns.csv');
    const { ctx } = collectContext();

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    const reason =
      'credential report: missing columns: mfa_active, access_key_2_active, access_key_2_last_rotated, access_key_2_last_used_date, access_key_2_last_used_service';
    expect(result.errors).toEqual([
      { type: 'aws.iam.root-credentials', resourceId: arn('root'), error: reason },
      ...USER_ARNS.map((resourceId) => ({ type: 'aws.iam.user-credentials', resourceId, error: reason })),
    ]);
    expect(result.evidence).toEqual(evidenceWithout('aws.iam.user-credentials', 'aws.iam.root-credentials'));
  });

  it('fails only the user whose credential report row is malformed', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'credentialReport');
    mocks.credentialReport('credential-report-bad-row.csv');
    const { ctx } = collectContext();

    const result = await awsIam.collect(ctx);

    expect(result.errors).toEqual([
      {
        type: 'aws.iam.user-credentials',
        resourceId: arn('user/bob'),
        error: 'credential report row of bob: unreadable date in access_key_1_last_rotated: "last tuesday"',
      },
    ]);
    expect(result.evidence).toEqual(
      EXPECTED_EVIDENCE.filter((item) => !(item.type === 'aws.iam.user-credentials' && item.resourceId === arn('user/bob'))),
    );
  });

  it('rejects credentials of another account than the configured one', async () => {
    mocks.callerIdentity();
    const { ctx, apiCalls } = collectContext({ options: { accounts: [{ id: '444455556666' }] } });

    await expect(awsIam.collect(ctx)).rejects.toThrow(
      'credentials belong to account 111122223333, config says 444455556666',
    );
    expect(nock.pendingMocks()).toEqual([]);
    expect(apiCalls()).toBe(1);
  });

  it('assumes the configured role with its external id and signs every call with the session', async () => {
    const roleArn = arn('role/EvidenceAgentAudit');
    sts(
      'AssumeRole',
      (body) =>
        body.RoleArn === roleArn && body.ExternalId === 'fake-external-id' && body.RoleSessionName === 'evidence-agent',
    )
      .matchHeader('authorization', /Credential=FAKEACCESSKEYFORTESTS\//)
      .reply(200, fixture('sts-assume-role.xml'), XML_HEADERS);
    sts('GetCallerIdentity')
      .matchHeader('authorization', /Credential=FAKETEMPORARYKEYID01\//)
      .matchHeader('x-amz-security-token', 'fake-session-token')
      .reply(200, fixture('sts-get-caller-identity.xml'), XML_HEADERS);
    iamSigningKey = 'FAKETEMPORARYKEYID01';
    mockAccount('callerIdentity');
    const { ctx, apiCalls } = collectContext({ options: { accounts: [{ roleArn, externalId: 'fake-external-id' }] } });

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(ctx.scope.key).toBe(ACCOUNT);
    expect(result.resolvedScope).toBeUndefined();
    // AssumeRole is counted too, once: both clients share the session.
    expect(apiCalls()).toBe(10);
  });
  it('keeps last-use times as days: later use on the same day leaves the evidence unchanged', async () => {
    const laterSameDay = (csv: string) =>
      csv
        .replace('2025-12-20T08:15:00+00:00', '2025-12-20T23:59:59+00:00') // root password
        .replace('2026-01-09T16:45:00+00:00', '2026-01-09T21:30:00+00:00') // alice's password
        .replace('2026-01-09T17:00:00+00:00', '2026-01-09T22:00:00+00:00'); // alice's key 1
    expect(laterSameDay(fixture('credential-report.csv'))).not.toBe(fixture('credential-report.csv'));
    const runs: EvidenceItem[][] = [];
    for (const edit of [(csv: string) => csv, laterSameDay]) {
      mocks.callerIdentity();
      mockAccount('callerIdentity', 'credentialReport');
      mocks.credentialReport('credential-report.csv', edit);
      runs.push((await awsIam.collect(collectContext().ctx)).evidence);
    }
    expect(runs[0]).toEqual(EXPECTED_EVIDENCE);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('fails the collection when an authorization details page is truncated but has no Marker', async () => {
    const page1 = withoutMarker(fixture('get-account-authorization-details-1.xml'));
    expect(page1).toContain('<IsTruncated>true</IsTruncated>');
    expect(page1).not.toContain('<Marker>');
    mocks.callerIdentity();
    iam('GetAccountAuthorizationDetails').reply(200, page1, XML_HEADERS);
    mockAccount('callerIdentity', 'authorizationDetails');

    await expect(awsIam.collect(collectContext().ctx)).rejects.toThrow(
      'GetAccountAuthorizationDetails page 1 is truncated (IsTruncated=true) but has no Marker: ' +
        'the remaining pages cannot be read, so the collection would be incomplete',
    );
  });

  it('does not take a virtual MFA device page that is truncated without a Marker as the last page', async () => {
    const page1 = withoutMarker(fixture('list-virtual-mfa-devices-1.xml'));
    expect(page1).toContain('<IsTruncated>true</IsTruncated>');
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'virtualMfaDevices');
    iam('ListVirtualMFADevices').reply(200, page1, XML_HEADERS);

    const result = await awsIam.collect(collectContext().ctx);

    // Root MFA judged on a partial device list could pass a virtual device as hardware: root is unreadable.
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([
      {
        type: 'aws.iam.root-credentials',
        resourceId: arn('root'),
        error:
          'virtual MFA devices: ListVirtualMFADevices page 1 is truncated (IsTruncated=true) but has no Marker: ' +
          'the remaining pages cannot be read, so the collection would be incomplete',
      },
    ]);
    expect(result.evidence).toEqual(evidenceWithout('aws.iam.root-credentials'));
  });

  it('reports a policy document it cannot judge as a resource error of its holder or policy, not as an empty one', async () => {
    const page1 = withDocument(
      withDocument(
        fixture('get-account-authorization-details-1.xml'),
        '<PolicyName>bob-admin</PolicyName>',
        'PolicyDocument',
        encodedDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: { all: true }, Resource: '*' }] }),
      ),
      '<PolicyName>dev-logs</PolicyName>',
      'PolicyDocument',
      '%E0%A4%A',
    );
    const page2 = withDocument(
      withDocument(
        fixture('get-account-authorization-details-2.xml'),
        '<PolicyName>LegacyFullAccess</PolicyName>',
        'Document',
        encodedDocument({ Version: '2012-10-17', Statement: 'Allow everything' }),
      ),
      '<RoleName>app-role</RoleName>',
      'AssumeRolePolicyDocument',
      encodedDocument({ Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: 'sts:AssumeRole' }] }),
    );
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'authorizationDetails');
    mocks.authorizationDetails(page1, page2);

    const result = await awsIam.collect(collectContext().ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([
      {
        type: 'aws.iam.group',
        resourceId: arn('group/developers'),
        error: 'inline policy dev-logs: policy document is not valid URL encoding',
      },
      {
        type: 'aws.iam.policy',
        resourceId: arn('policy/LegacyFullAccess'),
        error: 'version v1: policy document statement #1 is not a JSON object',
      },
      {
        type: 'aws.iam.role',
        resourceId: arn('role/service/app-role'),
        error: 'trust policy: policy document statement #1: Effect is "allow", not Allow or Deny',
      },
      {
        type: 'aws.iam.user',
        resourceId: arn('user/bob'),
        error: 'inline policy bob-admin: policy document statement #1: Action is not a string or a list of strings',
      },
    ]);
    const unreadable = new Set(result.errors.map((error) => `${error.type} ${error.resourceId}`));
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE.filter((item) => !unreadable.has(`${item.type} ${item.resourceId}`)));

    // Bob's admin policy could not be read: his admin finding is an error, not silence or a pass.
    const options = awsIamOptionsSchema.parse({});
    const { findings } = evaluateChecks(awsIamChecks, result.evidence, result.errors, options, NOW, ACCOUNT);
    expect(
      findings
        .filter((finding) => finding.checkId === 'aws_iam_admin_access_restricted')
        .map((finding) => `${finding.status} ${finding.resourceId}`),
    ).toEqual([
      `fail ${arn('group/admins')}`,
      `fail ${arn('role/OrganizationAccountAccessRole')}`,
      `fail ${arn('user/alice')}`,
      `error ${arn('group/developers')}`,
      `error ${arn('policy/LegacyFullAccess')}`,
      `error ${arn('role/service/app-role')}`,
      `error ${arn('user/bob')}`,
    ]);
  });

  it('leaves retries to AWS_MAX_ATTEMPTS when it is set: with 1, a throttled call is not retried', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1'); // restored by vi.unstubAllEnvs() after each test
    mocks.callerIdentity();
    mockAccount('callerIdentity', 'accountSummary');
    iam('GetAccountSummary').reply(400, fixture('error-throttling.xml'), XML_HEADERS);
    const { ctx, apiCalls } = collectContext();

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    const error = 'account summary: Throttling: Rate exceeded';
    expect(result.errors).toEqual([
      { type: 'aws.iam.account-summary', resourceId: arn('account-summary'), error },
      { type: 'aws.iam.root-credentials', resourceId: arn('root'), error },
    ]);
    // The same 9 calls as a whole collection without throttling: the throttled one was sent once.
    expect(apiCalls()).toBe(9);
  });

  it('rejects a caller identity without an ARN: the partition of the evidence ids would be a guess', async () => {
    const reply = fixture('sts-get-caller-identity.xml').replace(/\s*<Arn>[^<]*<\/Arn>/, '');
    sts('GetCallerIdentity').reply(200, reply, XML_HEADERS);
    const { ctx, apiCalls } = collectContext();

    await expect(awsIam.collect(ctx)).rejects.toThrow(
      'STS GetCallerIdentity returned no valid ARN for account 111122223333 (got null)',
    );
    expect(apiCalls()).toBe(1);
  });

  it('builds resource ids in the partition of the caller identity (GovCloud)', async () => {
    partition = 'aws-us-gov';
    iamHost = 'https://iam.us-gov.amazonaws.com';
    stsHost = 'https://sts.us-gov-west-1.amazonaws.com';
    sts('GetCallerIdentity').reply(200, fixture('sts-get-caller-identity-govcloud.xml'), XML_HEADERS);
    mockAccount('callerIdentity');
    const { ctx } = collectContext({ options: { region: 'us-gov-west-1' } });

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    const govArn = (suffix: string) => `arn:aws-us-gov:iam::${ACCOUNT}:${suffix}`;
    expect(result.evidence).toEqual(
      JSON.parse(JSON.stringify(EXPECTED_EVIDENCE).replaceAll('arn:aws:', 'arn:aws-us-gov:')) as EvidenceItem[],
    );
    const root = result.evidence.find((item) => item.type === 'aws.iam.root-credentials');
    expect(root).toMatchObject({
      resourceId: govArn('root'),
      data: { arn: govArn('root'), virtualMfaSerials: [govArn('mfa/root-account-mfa-device')] },
    });
    expect(result.evidence.filter((item) => item.resourceId.startsWith('arn:aws:'))).toEqual([]);
  });
});

describe('aws-iam: IAM Access Analyzer', () => {
  isolateFromHostAws(['AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_ACCESSANALYZER', 'AWS_ENDPOINT_URL_ACCOUNT']);
  const JSON_HEADERS = { 'content-type': 'application/json' };
  const ANALYZER = `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/ConsoleAnalyzer-3f1c2a8e-6b0d-4c7e-9a51-2d7e8b4c1f90`;
  const aaJson = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;
  const analyzer = (region: string) =>
    nock(`https://access-analyzer.${region}.amazonaws.com`).matchHeader('authorization', (value: string) => value.includes(`/${region}/access-analyzer/`));
  const listAnalyzers = (region: string) => analyzer(region).get('/analyzer');
  const listFindings = (region: string, matches: (body: Record<string, unknown>) => boolean) =>
    analyzer(region).post('/finding', (body: Record<string, unknown>) => body['analyzerArn'] === ANALYZER && JSON.stringify(body['filter']) === '{"status":{"eq":["ACTIVE"]}}' && matches(body));
  const regionId = (region: string) => `arn:aws:access-analyzer:${region}:${ACCOUNT}:region`;
  const judged = (result: Awaited<ReturnType<typeof awsIam.collect>>, options: ReturnType<typeof collectContext>['ctx']['options']) =>
    evaluateChecks(awsIamChecks, result.evidence, result.errors, options, NOW, ACCOUNT)
      .findings.filter((finding) => finding.checkId === 'aws_iam_access_analyzer_enabled')
      .map((finding) => [finding.resourceId, finding.status, finding.message]);

  beforeEach(() => {
    iamSigningKey = FAKE_CREDENTIALS.accessKeyId;
    iamHost = IAM_HOST;
    stsHost = STS_HOST;
    partition = 'aws';
  });

  it('reads the analyzers of each configured region and the active findings of the external-access ones', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    listAnalyzers('us-east-1').reply(200, aaJson('access-analyzer-list-analyzers-us-east-1.json'), JSON_HEADERS);
    const page1 = aaJson('access-analyzer-list-findings-1.json');
    listFindings('us-east-1', (body) => body['nextToken'] === undefined).reply(200, page1, JSON_HEADERS);
    listFindings('us-east-1', (body) => body['nextToken'] === page1['nextToken']).reply(200, aaJson('access-analyzer-list-findings-2.json'), JSON_HEADERS);
    listAnalyzers('eu-west-1').reply(200, aaJson('access-analyzer-list-analyzers-eu-west-1.json'), JSON_HEADERS);
    const { ctx, apiCalls } = collectContext({ options: { accessAnalyzer: { regions: ['us-east-1', 'eu-west-1'] } } });

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    // The nine IAM calls, then ListAnalyzers in two regions and two ListFindings pages (unused-access and failed analyzers are not asked).
    expect(apiCalls()).toBe(9 + 2 + 2);
    expect(result.meta?.['accessAnalyzerRegions']).toEqual(['eu-west-1', 'us-east-1']);
    const regions = result.evidence.filter((item) => item.type === 'aws.iam.access-analyzer');
    expect(regions.map((item) => [item.resourceId, (item.data as AccessAnalyzerRegionEvidence).analyzers.map((a) => `${a.name} ${a.type} ${a.status}${a.statusReason ? ` ${a.statusReason}` : ''}`)])).toEqual([
      [regionId('eu-west-1'), ['eu-external ACCOUNT FAILED SERVICE_LINKED_ROLE_CREATION_FAILED', 'eu-unused-access ACCOUNT_UNUSED_ACCESS ACTIVE']],
      [regionId('us-east-1'), ['ConsoleAnalyzer-3f1c2a8e-6b0d-4c7e-9a51-2d7e8b4c1f90 ACCOUNT ACTIVE', 'unused-access ACCOUNT_UNUSED_ACCESS ACTIVE']],
    ]);
    const findings = result.evidence.filter((item) => item.type === 'aws.iam.access-analyzer-finding');
    expect(findings.map((item) => item.resourceId)).toEqual([
      `${ANALYZER}/finding/6c3f0a12-8d4b-4e61-9f2a-7b5c1d0e4a83`,
      `${ANALYZER}/finding/a91e57d4-2c80-4b3f-b6e2-05d98f7c3e1a`,
      `${ANALYZER}/finding/f03b9c6e-1d27-4a58-8e4f-c2a7b9d61e05`,
    ]);
    expect(findings[2]!.data).toEqual({
      accountId: ACCOUNT,
      region: 'us-east-1',
      analyzerArn: ANALYZER,
      id: 'f03b9c6e-1d27-4a58-8e4f-c2a7b9d61e05',
      resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      resourceType: 'AWS::KMS::Key',
      resourceOwnerAccount: ACCOUNT,
      principal: { AWS: '*' },
      action: ['kms:Decrypt'],
      condition: { 'aws:SourceVpce': 'vpce-0a1b2c3d' },
      isPublic: true,
      status: 'ACTIVE',
      createdAt: '2025-12-01T08:00:00.000Z',
      sources: ['POLICY'],
      error: null,
    } satisfies AccessAnalyzerFindingEvidence);
    // The analysis times move with every re-scan: they are not kept.
    expect(JSON.stringify(findings)).not.toMatch(/analyzedAt|updatedAt/);

    expect(judged(result, ctx.options)).toEqual([
      [
        regionId('eu-west-1'),
        'fail',
        `Region eu-west-1 of account ${ACCOUNT} has no active external-access analyzer: only eu-external (ACCOUNT, FAILED: SERVICE_LINKED_ROLE_CREATION_FAILED), eu-unused-access (ACCOUNT_UNUSED_ACCESS, ACTIVE).`,
      ],
      [regionId('us-east-1'), 'pass', `Region us-east-1 of account ${ACCOUNT} has the active ACCOUNT analyzer ConsoleAnalyzer-3f1c2a8e-6b0d-4c7e-9a51-2d7e8b4c1f90.`],
    ]);
  });

  it('covers the regions enabled for the account when none are configured', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    const regionsFixture = (name: string) => readFileSync(new URL(`../fixtures/aws-cloudtrail/${name}`, import.meta.url), 'utf8');
    const page1 = JSON.parse(regionsFixture('account-list-regions-1.json')) as Record<string, unknown>;
    nock('https://account.us-east-1.amazonaws.com').post('/listRegions', (body: Record<string, unknown>) => body['NextToken'] === undefined).reply(200, page1, JSON_HEADERS);
    nock('https://account.us-east-1.amazonaws.com').post('/listRegions', (body: Record<string, unknown>) => body['NextToken'] === page1['NextToken']).reply(200, JSON.parse(regionsFixture('account-list-regions-2.json')), JSON_HEADERS);
    const enabled = [...(page1['Regions'] as { RegionName: string; RegionOptStatus: string }[]), ...((JSON.parse(regionsFixture('account-list-regions-2.json')) as { Regions: { RegionName: string; RegionOptStatus: string }[] }).Regions)]
      .filter((region) => region.RegionOptStatus !== 'DISABLED')
      .map((region) => region.RegionName);
    for (const region of enabled) listAnalyzers(region).reply(200, { analyzers: [] }, JSON_HEADERS);
    const { ctx } = collectContext({ options: { accessAnalyzer: {} } });

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    const findings = judged(result, ctx.options);
    expect(findings).toHaveLength(enabled.length);
    expect(new Set(findings.map((finding) => finding[1]))).toEqual(new Set(['fail']));
    expect(findings[0]![2]).toMatch(/^Region \S+ of account 111122223333 has no active external-access analyzer\.$/);
  });

  it('records one error when the regions cannot be known, and keeps the IAM evidence', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    nock('https://account.us-east-1.amazonaws.com')
      .post('/listRegions')
      .reply(403, JSON.parse(readFileSync(new URL('../fixtures/aws-cloudtrail/account-access-denied.json', import.meta.url), 'utf8')), { ...JSON_HEADERS, 'x-amzn-errortype': 'AccessDeniedException' });
    const { ctx } = collectContext({ options: { accessAnalyzer: {} } });

    const result = await awsIam.collect(ctx);

    expect(result.errors).toEqual([
      { type: 'aws.iam.access-analyzer', resourceId: `arn:aws:access-analyzer::${ACCOUNT}:regions`, error: expect.stringMatching(/^account:ListRegions: AccessDeniedException: .* \(grant account:ListRegions, or list the regions to cover in `accessAnalyzer.regions`\)$/) },
    ]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(judged(result, ctx.options)).toEqual([[`arn:aws:access-analyzer::${ACCOUNT}:regions`, 'error', expect.stringContaining('grant account:ListRegions')]]);
  });

  it('keeps a region that cannot be read to itself: an HTML 500 page is named by its status and host', async () => {
    mocks.callerIdentity();
    mockAccount('callerIdentity');
    listAnalyzers('us-east-1').reply(200, { analyzers: [] }, JSON_HEADERS);
    listAnalyzers('eu-west-1').times(5).reply(500, '<html><body><h1>500 Internal Server Error</h1></body></html>', { 'content-type': 'text/html' });
    const { ctx } = collectContext({ options: { accessAnalyzer: { regions: ['us-east-1', 'eu-west-1'] } }, aws: { credentials: FAKE_CREDENTIALS, retryDelayMs: 1 } });

    const result = await awsIam.collect(ctx);

    const reason = 'IAM Access Analyzer in eu-west-1: HTTP 500 from access-analyzer.eu-west-1 (an HTML page)';
    expect(result.errors).toEqual([{ type: 'aws.iam.access-analyzer', resourceId: regionId('eu-west-1'), error: reason }]);
    expect(judged(result, ctx.options)).toEqual([
      [regionId('us-east-1'), 'fail', `Region us-east-1 of account ${ACCOUNT} has no active external-access analyzer.`],
      [regionId('eu-west-1'), 'error', `Evidence for ${regionId('eu-west-1')} could not be read: ${reason}`],
    ]);
  });

  it('leaves a member region to the organization analyzers when their account is collected too, and errors when it is not', () => {
    const region = (analyzers: unknown[]): EvidenceItem => ({
      type: 'aws.iam.access-analyzer',
      resourceId: regionId('us-east-1'),
      schemaVersion: 1,
      data: { accountId: ACCOUNT, region: 'us-east-1', analyzers },
    });
    const check = awsIamChecks.find((candidate) => candidate.id === 'aws_iam_access_analyzer_enabled')!;
    const judge = (options: Record<string, unknown>, analyzers: unknown[] = []) =>
      check.evaluate(evidenceView([region(analyzers)]), awsIamOptionsSchema.parse(options), NOW).map((f) => [f.status, f.message]);
    const organization = { organizationAccountId: '999988887777' };
    expect(judge({ accounts: [{ id: ACCOUNT }, { id: '999988887777' }], accessAnalyzer: organization })).toEqual([
      ['not_applicable', `Region us-east-1 of account ${ACCOUNT} is analysed by the organization's analyzers in account 999988887777 (accessAnalyzer.organizationAccountId), judged in that account's collection.`],
    ]);
    expect(judge({ accounts: [{ id: ACCOUNT }], accessAnalyzer: organization })[0]![0]).toBe('error');
    // A region that has an external-access analyzer of its own is judged by it, whoever else analyses it.
    const creating = { arn: `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/new`, name: 'new', type: 'ACCOUNT', status: 'CREATING', statusReason: null };
    expect(judge({ accounts: [{ id: ACCOUNT }, { id: '999988887777' }], accessAnalyzer: organization }, [creating])[0]![0]).toBe('fail');
  });
});
