// The aws-iam collector's account over nock, shared by its tests (test/collectors/aws-iam/): the real SDK
// serialises the requests and parses the fixture replies (test/fixtures/aws-iam/, shaped after the IAM and
// STS API references); each call's mock, an account with all of them, the collect context, and the
// evidence the fixtures' account must produce. Variants of a reply (another partition, a missing Marker, a
// broken policy document) are edits of the same fixture, so a test shows the one thing that differs.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { expect } from 'vitest';
import { awsIam } from '../../collectors/aws-iam/index.js';
import { awsIamOptionsSchema } from '../../collectors/aws-iam/schema.js';
import type { ClientEnvironment, EvidenceItem } from '../../src/collector.js';
import { contextFor } from './collect-context.js';

export const ACCOUNT = '111122223333';
export const NOW = new Date('2026-01-10T12:00:00Z');
const IAM_HOST = 'https://iam.amazonaws.com';
const STS_HOST = 'https://sts.us-east-1.amazonaws.com';
export const FAKE_CREDENTIALS = { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake-secret-access-key' };
export const XML_HEADERS = { 'content-type': 'text/xml' };

export type FormBody = Record<string, string | undefined>;

/**
 * What a test may change, put back by `resetIamNock()` before each test: the partition the fixtures' ARNs are
 * served in (they are written in `aws`), the access key IAM requests must be signed with (the static one, or
 * an assumed role's), and the hosts IAM and STS answer on.
 */
export const iamNock = { partition: 'aws', iamSigningKey: FAKE_CREDENTIALS.accessKeyId, iamHost: IAM_HOST, stsHost: STS_HOST };
export function resetIamNock(): void {
  Object.assign(iamNock, { partition: 'aws', iamSigningKey: FAKE_CREDENTIALS.accessKeyId, iamHost: IAM_HOST, stsHost: STS_HOST });
}

/** A fixture's text, its ARNs (plain and URL-encoded in policy documents) moved to `iamNock.partition`. */
export const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/aws-iam/${name}`, import.meta.url), 'utf8')
    .replaceAll('arn:aws:', `arn:${iamNock.partition}:`)
    .replaceAll('arn%3Aaws%3A', `arn%3A${iamNock.partition}%3A`);
/** A fixture without its `<Marker>` element: a truncated page that does not say where to go on. */
export const withoutMarker = (text: string) => text.replace(/\s*<Marker>[^<]*<\/Marker>/, '');
/** A fixture with the content of the first `<element>` after the text `after` replaced. */
export const withDocument = (text: string, after: string, element: string, content: string) => {
  const start = text.indexOf(after);
  const open = text.indexOf(`<${element}>`, start) + element.length + 2;
  const close = text.indexOf(`</${element}>`, open);
  expect(start >= 0 && open > start && close > open).toBe(true);
  return text.slice(0, open) + content + text.slice(close);
};
export const encodedDocument = (document: unknown) => encodeURIComponent(JSON.stringify(document));

/** GetCredentialReport carries the CSV base64-encoded in `Content`. */
export function credentialReportReply(csvFixture: string, edit = (csv: string) => csv): string {
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

export function iam(action: string, matches: (body: FormBody) => boolean = () => true) {
  return nock(iamNock.iamHost)
    .matchHeader('authorization', (value: string) => value.includes(`Credential=${iamNock.iamSigningKey}/`))
    .post('/', (body: FormBody) => body.Action === action && matches(body));
}
export function sts(action: string, matches: (body: FormBody) => boolean = () => true) {
  return nock(iamNock.stsHost).post('/', (body: FormBody) => body.Action === action && matches(body));
}

export const mocks = {
  callerIdentity: () => sts('GetCallerIdentity').reply(200, fixture('sts-get-caller-identity.xml'), XML_HEADERS),
  authorizationDetails: (page1 = fixture('get-account-authorization-details-1.xml'), page2 = fixture('get-account-authorization-details-2.xml')) => {
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
    iam('ListVirtualMFADevices', (b) => assigned(b) && b.Marker === undefined).reply(200, fixture('list-virtual-mfa-devices-1.xml'), XML_HEADERS);
    iam('ListVirtualMFADevices', (b) => assigned(b) && b.Marker === 'mfa-page-2').reply(200, fixture('list-virtual-mfa-devices-2.xml'), XML_HEADERS);
  },
};
export type MockName = keyof typeof mocks;

/** Mocks every call of a collection except the named ones (which the test mocks itself). */
export function mockAccount(...except: MockName[]) {
  for (const [name, mock] of Object.entries(mocks) as [MockName, () => unknown][]) {
    if (!except.includes(name)) mock();
  }
}

export function collectContext(input: { options?: Record<string, unknown>; aws?: ClientEnvironment['aws'] } = {}) {
  const options = awsIamOptionsSchema.parse({
    credentialReport: { pollIntervalMs: 1, maxWaitSeconds: 5 },
    // The regional Access Analyzer reads have their own tests (test/collectors/aws-iam/access-analyzer.test.ts).
    accessAnalyzer: { enabled: false },
    ...input.options,
  });
  return contextFor(awsIam, options, { now: NOW, clientEnvironment: { aws: input.aws ?? { credentials: FAKE_CREDENTIALS } } });
}

export const arn = (suffix: string) => `arn:aws:iam::${ACCOUNT}:${suffix}`;
const noKey = (slot: 1 | 2) => ({ slot, active: false, lastRotated: null, lastUsedDate: null, lastUsedService: null });
const doc = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };

export const EXPECTED_EVIDENCE: EvidenceItem[] = [
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

export const evidenceWithout = (...types: string[]) => EXPECTED_EVIDENCE.filter((item) => !types.includes(item.type));
export const USER_ARNS = [arn('user/alice'), arn('user/automation/ci-bot'), arn('user/bob')];
