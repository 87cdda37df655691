// The aws-organization collector against nock: the real SDK serialises the requests (JSON 1.1, POST / with
// x-amz-target AWSOrganizationsV20161128.<Op> to organizations.us-east-1, SWBExternalService.<Op> to
// sso.<region>, AWSIdentityStore.<Op> to identitystore.<region>, CloudTrail_20131101.<Op>) and parses
// replies shaped after the Organizations, IAM Identity Center, Identity Store and CloudTrail API references.
// Every list is served in two pages where the estate allows, and every mock must be used.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { identityCenterChangeRow } from '../../../collectors/aws-organization/access-changes.js';
import { awsOrganization } from '../../../collectors/aws-organization/index.js';
import { awsOrganizationOptionsSchema, EVIDENCE, EVENT_TYPE, resourceIds } from '../../../collectors/aws-organization/schema.js';
import type {
  AccountEvidence,
  AssignmentEvidence,
  GroupEvidence,
  PermissionSetEvidence,
  ScpEvidence,
  UserEvidence,
} from '../../../collectors/aws-organization/schema.js';
import type { CollectResult } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { contextFor, isolateFromHostAws } from '../../helpers/collect-context.js';

const MGMT = '111122223333';
const DEV = '222233334444';
const PROD = '333344445555';
const OLD = '444455556666';
const ORG = 'o-abcdefghij';
const ROOT = 'r-ab12';
const OU_PROD = 'ou-ab12-prod0001';
const OU_DEV = 'ou-ab12-dev00001';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223a8f1b2c3d4e5';
const STORE = 'd-90670ab123';
const PS_ADMIN = 'arn:aws:sso:::permissionSet/ssoins-7223a8f1b2c3d4e5/ps-a1b2c3d4e5f60001';
const PS_READ = 'arn:aws:sso:::permissionSet/ssoins-7223a8f1b2c3d4e5/ps-a1b2c3d4e5f60002';
const NOW = new Date('2026-12-07T06:00:00Z');
const FAKE_CREDENTIALS = { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake-secret-access-key' };
const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' };
type Body = Record<string, unknown>;

isolateFromHostAws([
  'AWS_ENDPOINT_URL_ORGANIZATIONS',
  'AWS_ENDPOINT_URL_SSO_ADMIN',
  'AWS_ENDPOINT_URL_IDENTITYSTORE',
  'AWS_ENDPOINT_URL_CLOUDTRAIL',
  'AWS_ENDPOINT_URL_STS',
]);

const api =
  (host: string, prefix: string) =>
  (operation: string, matches: (body: Body) => boolean = () => true) =>
    nock(host)
      .matchHeader('x-amz-target', `${prefix}.${operation}`)
      .matchHeader('content-type', 'application/x-amz-json-1.1')
      .post('/', (body: Body) => matches(body));
const organizations = api('https://organizations.us-east-1.amazonaws.com', 'AWSOrganizationsV20161128');
const ssoAdmin = api('https://sso.eu-west-1.amazonaws.com', 'SWBExternalService');
const identityStore = api('https://identitystore.eu-west-1.amazonaws.com', 'AWSIdentityStore');
const cloudTrail = (region: string) => api(`https://cloudtrail.${region}.amazonaws.com`, 'CloudTrail_20131101');
const ok = (reply: Body) => [200, reply, JSON_HEADERS] as const;

function callerIdentity() {
  nock('https://sts.us-east-1.amazonaws.com')
    .post('/', (body: Record<string, string>) => body.Action === 'GetCallerIdentity')
    .reply(
      200,
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::${MGMT}:assumed-role/EvidenceAgentOrgReader/evidence-agent</Arn><UserId>AROAFAKE:evidence-agent</UserId><Account>${MGMT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      { 'content-type': 'text/xml' },
    );
}

const account = (id: string, name: string, state = 'ACTIVE') => ({
  Id: id,
  Arn: `arn:aws:organizations::${MGMT}:account/${ORG}/${id}`,
  Email: `aws+${name}@example.com`,
  Name: name,
  Status: state === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED',
  State: state,
  JoinedMethod: 'CREATED',
  JoinedTimestamp: 1.7040672e9,
});
const scpArn = (id: string) => `arn:aws:organizations::${MGMT}:policy/${ORG}/service_control_policy/${id}`;

function mockOrganization() {
  organizations('DescribeOrganization').reply(
    ...ok({
      Organization: {
        Id: ORG,
        Arn: `arn:aws:organizations::${MGMT}:organization/${ORG}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${MGMT}:account/${ORG}/${MGMT}`,
        MasterAccountId: MGMT,
        MasterAccountEmail: 'aws@example.com',
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    }),
  );
  organizations('ListRoots').reply(
    ...ok({
      Roots: [
        {
          Id: ROOT,
          Arn: `arn:aws:organizations::${MGMT}:root/${ORG}/${ROOT}`,
          Name: 'Root',
          PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
        },
      ],
    }),
  );
  const ou = (id: string, name: string) => ({ Id: id, Arn: `arn:aws:organizations::${MGMT}:ou/${ORG}/${id}`, Name: name });
  // The root's OUs in two pages.
  organizations('ListOrganizationalUnitsForParent', (b) => b.ParentId === ROOT && b.NextToken === undefined).reply(
    ...ok({ OrganizationalUnits: [ou(OU_PROD, 'Production')], NextToken: 'ou-page-2' }),
  );
  organizations('ListOrganizationalUnitsForParent', (b) => b.ParentId === ROOT && b.NextToken === 'ou-page-2').reply(
    ...ok({ OrganizationalUnits: [ou(OU_DEV, 'Development')] }),
  );
  organizations('ListOrganizationalUnitsForParent', (b) => b.ParentId === OU_PROD).reply(...ok({ OrganizationalUnits: [] }));
  organizations('ListOrganizationalUnitsForParent', (b) => b.ParentId === OU_DEV).reply(...ok({ OrganizationalUnits: [] }));
  organizations('ListAccountsForParent', (b) => b.ParentId === ROOT).reply(...ok({ Accounts: [account(MGMT, 'management')] }));
  organizations('ListAccountsForParent', (b) => b.ParentId === OU_PROD && b.NextToken === undefined).reply(
    ...ok({ Accounts: [account(PROD, 'prod')], NextToken: 'acct-page-2' }),
  );
  organizations('ListAccountsForParent', (b) => b.ParentId === OU_PROD && b.NextToken === 'acct-page-2').reply(
    ...ok({ Accounts: [account(OLD, 'old', 'SUSPENDED')] }),
  );
  organizations('ListAccountsForParent', (b) => b.ParentId === OU_DEV).reply(...ok({ Accounts: [account(DEV, 'dev')] }));
}

const summary = (id: string, name: string, awsManaged = false) => ({
  Id: id,
  Arn: scpArn(id),
  Name: name,
  Description: '',
  Type: 'SERVICE_CONTROL_POLICY',
  AwsManaged: awsManaged,
});
function mockScps() {
  organizations('ListPolicies', (b) => b.Filter === 'SERVICE_CONTROL_POLICY' && b.NextToken === undefined).reply(
    ...ok({ Policies: [summary('p-FullAWSAccess', 'FullAWSAccess', true)], NextToken: 'pol-2' }),
  );
  organizations('ListPolicies', (b) => b.Filter === 'SERVICE_CONTROL_POLICY' && b.NextToken === 'pol-2').reply(
    ...ok({ Policies: [summary('p-guard0001', 'Guardrails')] }),
  );
  organizations('DescribePolicy', (b) => b.PolicyId === 'p-FullAWSAccess').reply(
    ...ok({
      Policy: {
        PolicySummary: summary('p-FullAWSAccess', 'FullAWSAccess', true),
        Content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      },
    }),
  );
  organizations('DescribePolicy', (b) => b.PolicyId === 'p-guard0001').reply(
    ...ok({
      Policy: {
        PolicySummary: summary('p-guard0001', 'Guardrails'),
        Content: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'NoLeaving',
              Effect: 'Deny',
              Action: ['organizations:LeaveOrganization', 'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'],
              Resource: '*',
            },
          ],
        }),
      },
    }),
  );
  organizations('ListTargetsForPolicy', (b) => b.PolicyId === 'p-FullAWSAccess').reply(
    ...ok({ Targets: [{ TargetId: ROOT, Arn: `arn:aws:organizations::${MGMT}:root/${ORG}/${ROOT}`, Name: 'Root', Type: 'ROOT' }] }),
  );
  organizations('ListTargetsForPolicy', (b) => b.PolicyId === 'p-guard0001').reply(
    ...ok({ Targets: [{ TargetId: OU_PROD, Arn: `arn:aws:organizations::${MGMT}:ou/${ORG}/${OU_PROD}`, Name: 'Production', Type: 'ORGANIZATIONAL_UNIT' }] }),
  );
}

function mockTrails() {
  cloudTrail('us-east-1')('DescribeTrails', (b) => b.includeShadowTrails === true).reply(
    ...ok({
      trailList: [
        {
          Name: 'org-trail',
          TrailARN: `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/org-trail`,
          HomeRegion: 'us-east-1',
          IsMultiRegionTrail: true,
          IsOrganizationTrail: true,
          S3BucketName: 'org-logs',
        },
        {
          Name: 'local',
          TrailARN: `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/local`,
          HomeRegion: 'us-east-1',
          IsMultiRegionTrail: false,
          IsOrganizationTrail: false,
          S3BucketName: 'local-logs',
        },
      ],
    }),
  );
  cloudTrail('us-east-1')('GetTrailStatus', (b) => b.Name === `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/org-trail`).reply(
    ...ok({ IsLogging: true, LatestDeliveryTime: 1.7650872e9 }),
  );
}

function mockIdentityCenter() {
  ssoAdmin('ListInstances').reply(
    ...ok({ Instances: [{ InstanceArn: INSTANCE, IdentityStoreId: STORE, OwnerAccountId: MGMT, Name: 'acme', Status: 'ACTIVE', CreatedDate: 1.70406e9 }] }),
  );
  ssoAdmin('ListPermissionSets', (b) => b.InstanceArn === INSTANCE && b.NextToken === undefined && b.MaxResults === 100).reply(
    ...ok({ PermissionSets: [PS_ADMIN], NextToken: 'ps-2' }),
  );
  ssoAdmin('ListPermissionSets', (b) => b.NextToken === 'ps-2').reply(...ok({ PermissionSets: [PS_READ] }));
  const sets: [string, string, string][] = [
    [PS_ADMIN, 'AdministratorAccess', 'PT12H'],
    [PS_READ, 'ReadOnly', 'PT4H'],
  ];
  for (const [arn, name, duration] of sets) {
    const is = (b: Body) => b.InstanceArn === INSTANCE && b.PermissionSetArn === arn;
    ssoAdmin('DescribePermissionSet', is).reply(
      ...ok({ PermissionSet: { Name: name, PermissionSetArn: arn, Description: `${name} access`, CreatedDate: 1.70406e9, SessionDuration: duration } }),
    );
    const policy = arn === PS_ADMIN ? 'AdministratorAccess' : 'ReadOnlyAccess';
    ssoAdmin('ListManagedPoliciesInPermissionSet', is).reply(...ok({ AttachedManagedPolicies: [{ Name: policy, Arn: `arn:aws:iam::aws:policy/${policy}` }] }));
    ssoAdmin('ListCustomerManagedPolicyReferencesInPermissionSet', is).reply(
      ...ok({ CustomerManagedPolicyReferences: arn === PS_READ ? [{ Name: 'ExtraRead', Path: '/acme/' }] : [] }),
    );
    ssoAdmin('GetInlinePolicyForPermissionSet', is).reply(
      ...ok(arn === PS_READ ? { InlinePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}' } : {}),
    );
  }
  ssoAdmin('ListAccountsForProvisionedPermissionSet', (b) => b.PermissionSetArn === PS_ADMIN).reply(...ok({ AccountIds: [PROD] }));
  ssoAdmin('ListAccountsForProvisionedPermissionSet', (b) => b.PermissionSetArn === PS_READ).reply(...ok({ AccountIds: [DEV, PROD] }));
  const assignment = (arn: string, accountId: string, type: string, id: string) => ({
    AccountId: accountId,
    PermissionSetArn: arn,
    PrincipalType: type,
    PrincipalId: id,
  });
  const pair = (arn: string, accountId: string) => (b: Body) => b.PermissionSetArn === arn && b.AccountId === accountId && b.InstanceArn === INSTANCE;
  ssoAdmin('ListAccountAssignments', (b) => pair(PS_ADMIN, PROD)(b) && b.NextToken === undefined).reply(
    ...ok({ AccountAssignments: [assignment(PS_ADMIN, PROD, 'GROUP', 'g-admins')], NextToken: 'asg-2' }),
  );
  ssoAdmin('ListAccountAssignments', (b) => pair(PS_ADMIN, PROD)(b) && b.NextToken === 'asg-2').reply(
    ...ok({ AccountAssignments: [assignment(PS_ADMIN, PROD, 'USER', 'u-mallory')] }),
  );
  ssoAdmin('ListAccountAssignments', pair(PS_READ, DEV)).reply(...ok({ AccountAssignments: [assignment(PS_READ, DEV, 'GROUP', 'g-devs')] }));
  ssoAdmin('ListAccountAssignments', pair(PS_READ, PROD)).reply(...ok({ AccountAssignments: [] }));

  const user = (id: string, name: string) => ({
    IdentityStoreId: STORE,
    UserId: id,
    UserName: name,
    DisplayName: name.toUpperCase(),
    Name: { GivenName: name, FamilyName: 'Example' },
    Emails: [{ Value: `${name}@example.com`, Type: 'work', Primary: true }],
    PhoneNumbers: [{ Value: '+44 20 7946 0000', Type: 'work', Primary: true }],
    ExternalIds: [{ Issuer: 'https://scim.example.com', Id: `ext-${id}` }],
  });
  identityStore('ListUsers', (b) => b.IdentityStoreId === STORE && b.NextToken === undefined).reply(
    ...ok({ Users: [user('u-ann', 'ann')], NextToken: 'users-2' }),
  );
  identityStore('ListUsers', (b) => b.NextToken === 'users-2').reply(...ok({ Users: [user('u-mallory', 'mallory')] }));
  identityStore('ListGroups', (b) => b.IdentityStoreId === STORE).reply(
    ...ok({
      Groups: [
        { GroupId: 'g-admins', DisplayName: 'PlatformAdmins', Description: 'Platform team', IdentityStoreId: STORE },
        { GroupId: 'g-devs', DisplayName: 'Developers', IdentityStoreId: STORE },
      ],
    }),
  );
  const membership = (group: string, userId: string) => ({
    IdentityStoreId: STORE,
    MembershipId: `m-${group}-${userId}`,
    GroupId: group,
    MemberId: { UserId: userId },
  });
  identityStore('ListGroupMemberships', (b) => b.GroupId === 'g-admins' && b.NextToken === undefined).reply(
    ...ok({ GroupMemberships: [membership('g-admins', 'u-ann')], NextToken: 'mem-2' }),
  );
  identityStore('ListGroupMemberships', (b) => b.GroupId === 'g-admins' && b.NextToken === 'mem-2').reply(
    ...ok({ GroupMemberships: [membership('g-admins', 'u-gone')] }),
  );
  identityStore('ListGroupMemberships', (b) => b.GroupId === 'g-devs').reply(...ok({ GroupMemberships: [membership('g-devs', 'u-mallory')] }));
}

function collect(overrides: Record<string, unknown> = {}, watermarks: Record<string, string> = {}) {
  const options = awsOrganizationOptionsSchema.parse({
    accounts: [{ id: MGMT }],
    identityCenter: { region: 'eu-west-1', adminGroups: ['PlatformAdmins'] },
    events: { enabled: false },
    ...overrides,
  });
  const { ctx, apiCalls } = contextFor(awsOrganization, options, {
    now: NOW,
    watermarks,
    clientEnvironment: { aws: { credentials: FAKE_CREDENTIALS, maxAttempts: 1, unlimitedRate: true } },
  });
  return { run: () => awsOrganization.collect(ctx), apiCalls, options };
}
const ofType = <T>(result: CollectResult, type: string) => result.evidence.filter((e) => e.type === type).map((e) => ({ id: e.resourceId, data: e.data as T }));

describe('aws-organization collection', () => {
  it('reads the whole organisation, following every page, into evidence the checks judge', async () => {
    callerIdentity();
    mockOrganization();
    mockScps();
    mockTrails();
    mockIdentityCenter();
    const { run, apiCalls, options } = collect();
    const result = await run();
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    // STS 1; Organizations 2 + 4 OU pages + 4 account pages; SCPs 2 + 2 + 2; trails 2; Identity Center 1 + 2 + 5 × 2 + 4; identity store 2 + 1 + 3.
    expect(apiCalls()).toBe(1 + 10 + 6 + 2 + 17 + 6);

    const accounts = ofType<AccountEvidence>(result, EVIDENCE.account).map((a) => a.data);
    expect(accounts.map((a) => [a.accountId, a.status, a.path.join('/'), a.management])).toEqual([
      [MGMT, 'ACTIVE', ROOT, true],
      [DEV, 'ACTIVE', `${ROOT}/${OU_DEV}`, false],
      [PROD, 'ACTIVE', `${ROOT}/${OU_PROD}`, false],
      [OLD, 'SUSPENDED', `${ROOT}/${OU_PROD}`, false],
    ]);
    expect(accounts[0]!.joinedAt).toBe('2024-01-01T00:00:00.000Z');
    expect(JSON.stringify(result.evidence)).not.toMatch(/example\.com"|\+44|@example/);
    const scps = ofType<ScpEvidence>(result, EVIDENCE.scp).map((s) => s.data);
    expect(scps.map((s) => [s.name, s.targets.map((t) => t.targetId)])).toEqual([
      ['FullAWSAccess', [ROOT]],
      ['Guardrails', [OU_PROD]],
    ]);
    const sets = ofType<PermissionSetEvidence>(result, EVIDENCE.permissionSet).map((s) => s.data);
    expect(sets.map((s) => [s.name, s.sessionDuration, s.provisionedAccounts, s.customerManagedPolicies, s.inlinePolicy === null])).toEqual([
      ['AdministratorAccess', 'PT12H', [PROD], [], true],
      ['ReadOnly', 'PT4H', [DEV, PROD], [{ name: 'ExtraRead', path: '/acme/' }], false],
    ]);
    const assignments = ofType<AssignmentEvidence>(result, EVIDENCE.assignment);
    expect(assignments.map((a) => [a.id, a.data.principalName])).toEqual([
      [resourceIds.assignment(PS_ADMIN, PROD, 'GROUP', 'g-admins'), 'PlatformAdmins'],
      [resourceIds.assignment(PS_ADMIN, PROD, 'USER', 'u-mallory'), 'mallory'],
      [resourceIds.assignment(PS_READ, DEV, 'GROUP', 'g-devs'), 'Developers'],
    ]);
    const users = ofType<UserEvidence>(result, EVIDENCE.user).map((u) => u.data);
    expect(users).toEqual([
      { identityStoreId: STORE, userId: 'u-ann', userName: 'ann', displayName: 'ANN', status: null, externalIds: ['https://scim.example.com:ext-u-ann'] },
      {
        identityStoreId: STORE,
        userId: 'u-mallory',
        userName: 'mallory',
        displayName: 'MALLORY',
        status: null,
        externalIds: ['https://scim.example.com:ext-u-mallory'],
      },
    ]);
    const groups = ofType<GroupEvidence>(result, EVIDENCE.group).map((g) => [g.data.displayName, g.data.members]);
    expect(groups).toEqual([
      [
        'PlatformAdmins',
        [
          { userId: 'u-ann', userName: 'ann' },
          { userId: 'u-gone', userName: null },
        ],
      ],
      ['Developers', [{ userId: 'u-mallory', userName: 'mallory' }]],
    ]);

    const { findings } = evaluateChecks(awsOrganization.checks, result.evidence, result.errors, options, NOW, MGMT);
    const failing = findings.filter((f) => f.status === 'fail').map((f) => `${f.checkId} ${f.message}`);
    expect(failing).toEqual([
      `aws_organization_admin_permission_set_restricted Permission set AdministratorAccess (admin-equivalent: the AdministratorAccess managed policy) is assigned to user mallory in account ${PROD}, an individual user rather than an approved group.`,
      `aws_organization_assignment_to_group User mallory is assigned permission set AdministratorAccess in account ${PROD} directly, not through a group.`,
      'aws_organization_permission_set_session_limited Permission set AdministratorAccess grants sessions of 12 hours, longer than the limit of 8 hours.',
      `aws_organization_scp_guardrails_enforced Account ${DEV} (dev): no service control policy denies organizations:LeaveOrganization, cloudtrail:StopLogging, cloudtrail:DeleteTrail.`,
    ]);
    expect(findings.filter((f) => f.checkId === 'aws_organization_trail_covers_accounts').map((f) => f.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'not_applicable',
    ]);
  });

  it('keeps the rest when Identity Center is denied and the SCP listing loops; each is one resource error', async () => {
    callerIdentity();
    mockOrganization();
    organizations('ListPolicies', (b) => b.NextToken === undefined).reply(
      ...ok({ Policies: [summary('p-FullAWSAccess', 'FullAWSAccess', true)], NextToken: 'again' }),
    );
    organizations('ListPolicies', (b) => b.NextToken === 'again').reply(...ok({ Policies: [], NextToken: 'again' }));
    mockTrails();
    ssoAdmin('ListInstances').reply(400, { __type: 'AccessDeniedException', Message: 'User is not authorized to perform: sso:ListInstances' }, JSON_HEADERS);
    const { run } = collect();
    const result = await run();
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([
      {
        type: EVIDENCE.instance,
        resourceId: resourceIds.identityCenter('aws', MGMT, 'eu-west-1'),
        error: 'IAM Identity Center in eu-west-1: AccessDeniedException: User is not authorized to perform: sso:ListInstances',
      },
      {
        type: EVIDENCE.scp,
        resourceId: resourceIds.part('aws', MGMT, 'service-control-policies'),
        error:
          'service control policies: ListPolicies SERVICE_CONTROL_POLICY: page 2 repeats the token of an earlier page (a pagination loop): the listing cannot be read to its end',
      },
    ]);
    expect(ofType(result, EVIDENCE.account)).toHaveLength(4);
    expect(ofType(result, EVIDENCE.trail)).toHaveLength(1);
    expect(ofType(result, EVIDENCE.scp)).toEqual([]);
  });

  it('fails the run when the organisation itself cannot be read', async () => {
    callerIdentity();
    organizations('DescribeOrganization').reply(
      400,
      { __type: 'AWSOrganizationsNotInUseException', Message: 'Your account is not a member of an organization.' },
      JSON_HEADERS,
    );
    organizations('ListRoots')
      .optionally()
      .reply(...ok({ Roots: [] }));
    mockScps();
    const { run } = collect({ identityCenter: { enabled: false }, organizationTrail: false });
    await expect(run()).rejects.toThrow('Your account is not a member of an organization.');
    nock.cleanAll();
  });

  it('reads Identity Center and Organizations changes from event history into windows and population rows', async () => {
    callerIdentity();
    mockOrganization();
    mockScps();
    ssoAdmin('ListInstances').reply(...ok({ Instances: [] }));
    const record = (name: string, source: string, params: Body, extra: Body = {}) =>
      JSON.stringify({
        eventVersion: '1.09',
        eventID: `id-${name}`,
        eventTime: '2026-12-06T10:00:00Z',
        eventName: name,
        eventSource: source,
        awsRegion: 'eu-west-1',
        sourceIPAddress: '198.51.100.7',
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::${MGMT}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice`,
          sessionContext: {
            sessionIssuer: { arn: `arn:aws:iam::${MGMT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef` },
          },
        },
        requestParameters: params,
        readOnly: false,
        ...extra,
      });
    const event = (name: string, source: string, params: Body, readOnly = 'false', extra: Body = {}) => ({
      EventId: `id-${name}`,
      EventName: name,
      EventSource: source,
      ReadOnly: readOnly,
      EventTime: 1.7650152e9,
      Username: 'alice',
      CloudTrailEvent: record(name, source, params, extra),
    });
    const since = '2026-12-06T06:00:00.000Z';
    const lookup = (region: string, source: string, events: unknown[], nextToken?: string, token?: string) =>
      cloudTrail(region)('LookupEvents', (b) => {
        const attribute = (b.LookupAttributes as Body[])[0]!;
        return (
          attribute.AttributeKey === 'EventSource' && attribute.AttributeValue === source && b.StartTime === Date.parse(since) / 1000 && b.NextToken === token
        );
      }).reply(...ok({ Events: events, ...(nextToken ? { NextToken: nextToken } : {}) }));
    lookup(
      'eu-west-1',
      'sso.amazonaws.com',
      [
        event('CreateAccountAssignment', 'sso.amazonaws.com', {
          instanceArn: INSTANCE,
          targetId: PROD,
          targetType: 'AWS_ACCOUNT',
          permissionSetArn: PS_ADMIN,
          principalType: 'USER',
          principalId: 'u-mallory',
        }),
      ],
      'ev-2',
    );
    lookup('eu-west-1', 'sso.amazonaws.com', [event('ListPermissionSets', 'sso.amazonaws.com', {}, 'true')], undefined, 'ev-2');
    lookup('eu-west-1', 'identitystore.amazonaws.com', [
      event('CreateGroupMembership', 'identitystore.amazonaws.com', { identityStoreId: STORE, groupId: 'g-admins', memberId: { userId: 'u-ann' } }),
    ]);
    lookup('eu-west-1', 'sso-directory.amazonaws.com', [
      event('RemoveMemberFromGroup', 'sso-directory.amazonaws.com', { groupId: 'g-devs', member: { memberId: 'u-bob' } }, 'false', {
        errorCode: 'AccessDenied',
      }),
    ]);
    lookup('us-east-1', 'organizations.amazonaws.com', [event('DetachPolicy', 'organizations.amazonaws.com', { policyId: 'p-guard0001', targetId: OU_PROD })]);

    const { run } = collect({ events: { enabled: true }, organizationTrail: false }, { 'eu-west-1': since, 'us-east-1': since });
    const result = await run();
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.windows).toEqual([
      { partition: 'eu-west-1', from: since, to: NOW.toISOString(), complete: true },
      { partition: 'us-east-1', from: since, to: NOW.toISOString(), complete: true },
    ]);
    expect(result.events!.map((e) => [e.type, e.eventId, e.partition])).toEqual([
      [EVENT_TYPE, 'id-CreateAccountAssignment', 'eu-west-1'],
      [EVENT_TYPE, 'id-CreateGroupMembership', 'eu-west-1'],
      [EVENT_TYPE, 'id-DetachPolicy', 'us-east-1'],
      [EVENT_TYPE, 'id-RemoveMemberFromGroup', 'eu-west-1'],
    ]);
    const rows = result.events!.map((e) => identityCenterChangeRow(e)!);
    expect(rows.map((r) => [r.eventName, r.kind, r.outcome, r.account, r.permissionSet, r.principal, r.group, r.policy])).toEqual([
      ['CreateAccountAssignment', 'grant', 'succeeded', PROD, PS_ADMIN, 'USER u-mallory', '', ''],
      ['CreateGroupMembership', 'grant', 'succeeded', '', '', 'USER u-ann', 'g-admins', ''],
      ['DetachPolicy', 'change', 'succeeded', OU_PROD, '', '', '', 'p-guard0001'],
      ['RemoveMemberFromGroup', 'revocation', 'refused: AccessDenied', '', '', 'USER u-bob', 'g-devs', ''],
    ]);
    expect(rows[0]!.actor).toBe(`arn:aws:sts::${MGMT}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice`);
    expect(rows[0]!.sessionIssuer).toContain('role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess');
  });

  it("records an incomplete window, a gap, when a region's events cannot be read", async () => {
    callerIdentity();
    mockOrganization();
    mockScps();
    cloudTrail('us-east-1')('LookupEvents').reply(400, { __type: 'AccessDeniedException', Message: 'not allowed' }, JSON_HEADERS);
    const { run } = collect({ identityCenter: { enabled: false }, organizationTrail: false, events: { enabled: true, backfillDays: 1 } });
    const result = await run();
    expect(result.windows).toEqual([
      {
        partition: 'us-east-1',
        from: '2026-12-06T06:00:00.000Z',
        to: NOW.toISOString(),
        complete: false,
        error: 'LookupEvents EventSource=organizations.amazonaws.com in us-east-1: AccessDeniedException: not allowed',
      },
    ]);
    expect(result.events).toEqual([]);
  });
});
