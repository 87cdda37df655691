// The sandbox estate through the real AWS SDK v3 clients over real HTTP: what the demo and the benchmarks
// rely on. No mocks: if the SDK parses it, the collectors will.
import {
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  IAMServiceException,
  ListUsersCommand,
  NoSuchEntityException,
  paginateGetAccountAuthorizationDetails,
  paginateListVirtualMFADevices,
} from '@aws-sdk/client-iam';
import type { EntityType, GetAccountAuthorizationDetailsCommandOutput } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIamEstate, CREDENTIAL_REPORT_COLUMNS, driftEvents, startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';

const END = new Date('2026-03-31T00:00:00Z');
const DAY_MS = 86_400_000;
/** Noon of the day `offset` days from the end day. */
const day = (offset: number) => new Date(END.getTime() + offset * DAY_MS + 12 * 3_600_000);

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-secret' },
  maxAttempts: 1,
});

async function allDetails(iam: IAMClient, input: { Filter?: EntityType[]; MaxItems?: number } = {}) {
  const pages: GetAccountAuthorizationDetailsCommandOutput[] = [];
  for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, input)) pages.push(page);
  return {
    pages,
    users: pages.flatMap((p) => p.UserDetailList ?? []),
    groups: pages.flatMap((p) => p.GroupDetailList ?? []),
    roles: pages.flatMap((p) => p.RoleDetailList ?? []),
    policies: pages.flatMap((p) => p.Policies ?? []),
  };
}

async function credentialReport(iam: IAMClient) {
  for (let i = 0; i < 5; i++) {
    const { State } = await iam.send(new GenerateCredentialReportCommand({}));
    if (State === 'COMPLETE') break;
  }
  const report = await iam.send(new GetCredentialReportCommand({}));
  const csv = new TextDecoder().decode(report.Content);
  const [header, ...lines] = csv.split('\n');
  const columns = (header ?? '').split(',');
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
  return { report, csv, header, rows, row: (user: string) => rows.find((r) => r.user === user) };
}

const decodeDocument = (encoded: string | undefined) => JSON.parse(decodeURIComponent(encoded ?? '')) as unknown;

describe('sandbox estate through the AWS SDK', () => {
  let sandbox: Sandbox;
  let iam: IAMClient;
  let sts: STSClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ historyEnd: END, date: day(0) });
    iam = new IAMClient(clientConfig(sandbox.endpoint));
    sts = new STSClient(clientConfig(sandbox.endpoint));
  });
  afterAll(async () => {
    iam?.destroy();
    sts?.destroy();
    await sandbox?.close();
  });

  it('listens on loopback and answers STS GetCallerIdentity', async () => {
    expect(sandbox.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('111122223333');
    expect(identity.Arn).toBe('arn:aws:sts::111122223333:assumed-role/evidence-reader/evidence-agent');
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:evidence-agent$/);
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('pages GetAccountAuthorizationDetails across all four lists in a stable order', async () => {
    const before = sandbox.requests.byAction.GetAccountAuthorizationDetails ?? 0;
    const { pages, users, groups, roles, policies } = await allDetails(iam);
    const total = users.length + groups.length + roles.length + policies.length;

    expect(users).toHaveLength(40);
    expect(groups.map((g) => g.GroupName)).toEqual(['Admins', 'Billing', 'Developers', 'ReadOnly']);
    // Eight, and the vendor role the drift created on day -16.
    expect(roles).toHaveLength(9);
    expect(pages).toHaveLength(Math.ceil(total / 25));
    expect(sandbox.requests.byAction.GetAccountAuthorizationDetails).toBe(before + pages.length);
    const lists = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'] as const;
    pages.forEach((page, i) => {
      const items = lists.reduce((n, list) => n + (page[list]?.length ?? 0), 0);
      expect(items).toBe(i < pages.length - 1 ? 25 : total % 25 || 25);
      expect(page.IsTruncated).toBe(i < pages.length - 1);
      expect(page.Marker === undefined).toBe(i === pages.length - 1);
    });
    // Users, then groups, then roles, then policies: no page holds users after one that held groups.
    const firstGroupPage = pages.findIndex((p) => (p.GroupDetailList?.length ?? 0) > 0);
    expect(pages.slice(firstGroupPage + 1).every((p) => (p.UserDetailList?.length ?? 0) === 0)).toBe(true);
    expect(new Set(users.map((u) => u.UserName)).size).toBe(40);
    expect(users.map((u) => u.UserName)).toEqual(users.map((u) => u.UserName ?? '').sort());
  });

  it('returns users, roles and policies in the shapes the SDK models', async () => {
    const { users, roles, policies } = await allDetails(iam);
    const user = (name: string) => users.find((u) => u.UserName === name);

    const frank = user('frank.schmidt');
    expect(frank?.Arn).toBe('arn:aws:iam::111122223333:user/frank.schmidt');
    expect(frank?.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(frank?.CreateDate).toBeInstanceOf(Date);
    expect(frank?.GroupList).toEqual(['Developers']);
    expect(frank?.AttachedManagedPolicies).toEqual([{ PolicyName: 'LegacyFullAccess', PolicyArn: 'arn:aws:iam::111122223333:policy/legacy/LegacyFullAccess' }]);
    expect(frank?.Tags).toEqual([{ Key: 'team', Value: 'engineering' }]);
    const grace = user('grace.ito');
    expect(grace?.UserPolicyList?.[0]?.PolicyName).toBe('athena-adhoc');
    expect(grace?.UserPolicyList?.[0]?.PolicyDocument).toMatch(/^%7B%22Version%22%3A%222012-10-17%22/);
    expect(decodeDocument(grace?.UserPolicyList?.[0]?.PolicyDocument)).toMatchObject({ Version: '2012-10-17' });
    expect(user('svc-backup')?.Path).toBe('/service/');

    const legacy = roles.find((r) => r.RoleName === 'legacy-automation');
    expect(decodeDocument(legacy?.RolePolicyList?.[0]?.PolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    expect(decodeDocument(legacy?.AssumeRolePolicyDocument)).toMatchObject({
      Statement: [{ Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(legacy?.InstanceProfileList?.[0]?.InstanceProfileName).toBe('legacy-automation');
    expect(legacy?.InstanceProfileList?.[0]?.Roles?.[0]?.RoleName).toBe('legacy-automation');
    expect(legacy?.RoleLastUsed?.LastUsedDate?.toISOString()).toBe('2025-12-26T04:10:00.000Z');
    const orgRole = roles.find((r) => r.RoleName === 'OrganizationAccountAccessRole');
    expect(orgRole?.AttachedManagedPolicies).toEqual([{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }]);
    expect(decodeDocument(orgRole?.AssumeRolePolicyDocument)).toMatchObject({
      Statement: [{ Principal: { AWS: 'arn:aws:iam::444455556666:root' } }],
    });
    const reader = roles.find((r) => r.RoleName === 'evidence-reader');
    expect(reader?.RoleLastUsed?.Region).toBe('eu-west-1');
    expect(reader?.Tags).toEqual([{ Key: 'purpose', Value: 'soc2-evidence' }]);
    expect(roles.find((r) => r.RoleName === 'AWSServiceRoleForSupport')?.RoleLastUsed).toEqual({});

    const admin = policies.find((p) => p.PolicyName === 'AdministratorAccess');
    expect(admin).toMatchObject({
      Arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      DefaultVersionId: 'v1',
      AttachmentCount: 2,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
    });
    const selfService = policies.find((p) => p.PolicyName === 'DeveloperSelfService');
    expect(selfService?.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect(selfService?.PolicyVersionList?.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v1', false],
      ['v2', true],
    ]);
    expect(selfService?.UpdateDate?.getTime()).toBe(selfService?.PolicyVersionList?.[1]?.CreateDate?.getTime());
    const legacyFull = policies.find((p) => p.PolicyName === 'LegacyFullAccess');
    expect(decodeDocument(legacyFull?.PolicyVersionList?.[0]?.Document)).toMatchObject({
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    expect(policies.find((p) => p.PolicyName === 'OldS3Uploader')?.AttachmentCount).toBe(0);
    // AWS managed policies appear only when something is attached to them.
    expect(policies.filter((p) => p.Arn?.startsWith('arn:aws:iam::aws:')).every((p) => (p.AttachmentCount ?? 0) > 0)).toBe(true);
  });

  it('honours Filter and MaxItems, and rejects a bad Marker', async () => {
    const awsManaged = await allDetails(iam, { Filter: ['AWSManagedPolicy'] });
    expect(awsManaged.users.length + awsManaged.groups.length + awsManaged.roles.length).toBe(0);
    expect(awsManaged.policies.length).toBeGreaterThan(5);
    expect(awsManaged.policies.every((p) => p.Arn?.startsWith('arn:aws:iam::aws:policy/'))).toBe(true);

    const usersAndRoles = await allDetails(iam, { Filter: ['User', 'Role'], MaxItems: 7 });
    expect(usersAndRoles.users).toHaveLength(40);
    expect(usersAndRoles.roles).toHaveLength(9);
    expect(usersAndRoles.groups.length + usersAndRoles.policies.length).toBe(0);
    expect(usersAndRoles.pages).toHaveLength(Math.ceil(49 / 7));

    // The server's page size caps a larger MaxItems, as AWS may return fewer items than asked.
    const big = await allDetails(iam, { Filter: ['User'], MaxItems: 1000 });
    expect(big.pages.map((p) => p.UserDetailList?.length)).toEqual([25, 15]);

    const bad = paginateGetAccountAuthorizationDetails({ client: iam, startingToken: 'not-a-marker' }, {});
    await expect(bad.next()).rejects.toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
  });

  it('generates the credential report: STARTED, then COMPLETE, with AWS-shaped CSV content', async () => {
    const fresh = await startSandbox({ historyEnd: END, date: day(0) });
    const client = new IAMClient(clientConfig(fresh.endpoint));
    try {
      await expect(client.send(new GetCredentialReportCommand({}))).rejects.toBeInstanceOf(CredentialReportNotPresentException);
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
      const second = await client.send(new GenerateCredentialReportCommand({}));
      expect(second.State).toBe('COMPLETE');

      const { report, header, rows, row } = await credentialReport(client);
      expect(report.ReportFormat).toBe('text/csv');
      expect(report.GeneratedTime?.toISOString()).toBe(day(0).toISOString());
      expect(header).toBe(CREDENTIAL_REPORT_COLUMNS.join(','));
      expect(header).toBe(
        'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,' +
          'password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,' +
          'access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
          'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,' +
          'access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,' +
          'cert_2_active,cert_2_last_rotated',
      );
      expect(rows).toHaveLength(41);

      // Root: first row, used "last week", virtual MFA, no keys.
      expect(rows[0]).toMatchObject({
        user: '<root_account>',
        arn: 'arn:aws:iam::111122223333:root',
        password_enabled: 'not_supported',
        password_last_used: '2026-03-25T09:41:27+00:00',
        password_last_changed: 'not_supported',
        password_next_rotation: 'not_supported',
        mfa_active: 'true',
        access_key_1_active: 'false',
        access_key_1_last_rotated: 'N/A',
        access_key_2_active: 'false',
        cert_1_active: 'false',
        cert_1_last_rotated: 'N/A',
      });
      // A console user without MFA (lost it at day -8).
      expect(row('erin.kowalski')).toMatchObject({ password_enabled: 'true', mfa_active: 'false' });
      // An active key about 200 days old; a user with two active keys.
      expect(row('svc-backup')).toMatchObject({
        password_enabled: 'false',
        password_last_used: 'N/A',
        password_last_changed: 'N/A',
        access_key_1_active: 'true',
        access_key_1_last_rotated: '2025-09-12T09:30:04+00:00',
        access_key_1_last_used_region: 'eu-west-1',
        access_key_1_last_used_service: 's3',
        access_key_2_active: 'false',
        access_key_2_last_rotated: 'N/A',
      });
      expect(row('svc-ci-legacy')).toMatchObject({ access_key_1_active: 'true', access_key_2_active: 'true' });
      // Rotated at day -15: old key inactive, new key active.
      expect(row('svc-reporting')).toMatchObject({
        access_key_1_active: 'false',
        access_key_2_active: 'true',
        access_key_2_last_rotated: '2026-03-16T11:02:30+00:00',
      });
      // Unused for 120 days and still enabled.
      expect(row('henry.walsh')).toMatchObject({ password_enabled: 'true', access_key_1_active: 'true' });
      expect(row('henry.walsh')?.password_last_used).toBe('2025-12-01T10:02:11+00:00');
      expect(row('henry.walsh')?.access_key_1_last_used_date).toBe('2025-12-01T10:15:11+00:00');
      for (const r of rows) {
        expect(Object.keys(r)).toHaveLength(22);
        expect(r.user_creation_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
      }
    } finally {
      client.destroy();
      await fresh.close();
    }
  });

  it('keeps a report in progress until the configured number of polls', async () => {
    const slow = await startSandbox({ historyEnd: END, date: day(0), reportReadyAfterPolls: 2 });
    const client = new IAMClient(clientConfig(slow.endpoint));
    try {
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
      const inProgress = await client.send(new GetCredentialReportCommand({})).catch((e: unknown) => e);
      expect(inProgress).toBeInstanceOf(CredentialReportNotReadyException);
      expect(inProgress).toMatchObject({
        name: 'CredentialReportNotReadyException',
        $metadata: { httpStatusCode: 404 },
      });
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
      const report = await client.send(new GetCredentialReportCommand({}));
      expect(report.Content?.byteLength).toBeGreaterThan(1000);
      // A report belongs to its simulated day: the next day needs a new one.
      slow.setDate(day(1));
      await expect(client.send(new GetCredentialReportCommand({}))).rejects.toBeInstanceOf(CredentialReportNotPresentException);
    } finally {
      client.destroy();
      await slow.close();
    }
  });

  it('serves the password policy as it stood on each day, and NoSuchEntity before it existed', async () => {
    try {
      sandbox.setDate(day(0));
      const relaxed = await iam.send(new GetAccountPasswordPolicyCommand({}));
      expect(relaxed.PasswordPolicy).toEqual({
        MinimumPasswordLength: 8,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        ExpirePasswords: false,
        PasswordReusePrevention: 24,
        HardExpiry: false,
      });
      sandbox.setDate(day(-7));
      expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy?.MinimumPasswordLength).toBe(14);
      sandbox.setDate(day(-28));
      const missing = await iam.send(new GetAccountPasswordPolicyCommand({})).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(NoSuchEntityException);
      expect(missing).toMatchObject({
        message: 'The Password Policy with domain name 111122223333 cannot be found.',
        $metadata: { httpStatusCode: 404 },
      });
    } finally {
      sandbox.setDate(day(0));
    }
  });

  it('lists virtual MFA devices with pagination and assignment filters', async () => {
    const list = async (AssignmentStatus?: 'Assigned' | 'Unassigned' | 'Any', MaxItems?: number) => {
      const pages = [];
      for await (const page of paginateListVirtualMFADevices({ client: iam }, { AssignmentStatus, MaxItems })) {
        pages.push(page);
      }
      return { pages, devices: pages.flatMap((p) => p.VirtualMFADevices ?? []) };
    };
    const all = await list();
    const assigned = await list('Assigned', 10);
    const unassigned = await list('Unassigned');

    expect(assigned.pages.length).toBe(Math.ceil(assigned.devices.length / 10));
    expect(assigned.devices.length + unassigned.devices.length).toBe(all.devices.length);
    const root = all.devices.find((d) => d.SerialNumber === 'arn:aws:iam::111122223333:mfa/root-account-mfa-device');
    expect(root?.User?.Arn).toBe('arn:aws:iam::111122223333:root');
    expect(root?.User?.UserId).toBe('111122223333');
    expect(root?.EnableDate).toBeInstanceOf(Date);
    const alice = assigned.devices.find((d) => d.SerialNumber === 'arn:aws:iam::111122223333:mfa/alice.nguyen');
    expect(alice?.User).toMatchObject({ UserName: 'alice.nguyen', Path: '/' });
    // erin deactivated hers at day -8: the device stays, unassigned.
    expect(unassigned.devices).toEqual([{ SerialNumber: 'arn:aws:iam::111122223333:mfa/erin.kowalski' }]);
  });

  it('summarises the account consistently with the estate', async () => {
    const { SummaryMap } = await iam.send(new GetAccountSummaryCommand({}));
    const estate = sandbox.estate();
    expect(SummaryMap).toMatchObject({
      Users: 40,
      Groups: 4,
      Roles: 9,
      Policies: 5,
      InstanceProfiles: 1,
      AccountMFAEnabled: 1,
      AccountAccessKeysPresent: 0,
      AccountSigningCertificatesPresent: 0,
      MFADevices: estate.virtualMfaDevices.length,
      MFADevicesInUse: estate.virtualMfaDevices.filter((d) => d.user !== null).length,
    });
  });

  it('answers an unknown action with an error the SDK turns into an exception', async () => {
    const error = await iam.send(new ListUsersCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IAMServiceException);
    expect(error).toMatchObject({
      name: 'InvalidAction',
      message: 'The action ListUsers is not valid for this web service.',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });

    const response = await fetch(sandbox.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DeleteUser&Version=2010-05-08&UserName=a%26b',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/xml');
    const requestId = response.headers.get('x-amzn-requestid');
    expect(await response.text()).toBe(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
        '<Code>InvalidAction</Code><Message>The action DeleteUser is not valid for this web service.</Message>' +
        `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
    expect(sandbox.requests.byAction.DeleteUser).toBe(1);
  });

  it('shows the drift between two days', async () => {
    try {
      sandbox.setDate(day(-25));
      const before = await allDetails(iam);
      const reportBefore = await credentialReport(iam);
      sandbox.setDate(day(-2));
      const after = await allDetails(iam);
      const reportAfter = await credentialReport(iam);
      const names = (d: typeof before) => d.users.map((u) => u.UserName);

      // New hire at -24, leaver deleted at -3; head count unchanged.
      expect(names(before)).not.toContain('julia.santos');
      expect(names(after)).toContain('julia.santos');
      expect(names(before)).toContain('ivan.petrov');
      expect(names(after)).not.toContain('ivan.petrov');
      // Promotion at -20.
      const carol = (d: typeof before) => d.users.find((u) => u.UserName === 'carol.diaz')?.GroupList;
      expect(carol(before)).toEqual(['Developers']);
      expect(carol(after)).toEqual(['Admins', 'Developers']);
      // A new customer policy with s3:* at -10, attached to a role.
      expect(before.policies.map((p) => p.PolicyName)).not.toContain('DataLakeS3Access');
      const dataLake = after.policies.find((p) => p.PolicyName === 'DataLakeS3Access');
      expect(decodeDocument(dataLake?.PolicyVersionList?.[0]?.Document)).toMatchObject({
        Statement: [{ Action: 's3:*', Resource: '*' }],
      });
      expect(after.roles.find((r) => r.RoleName === 'app-ecs-task')?.AttachedManagedPolicies?.map((p) => p.PolicyName)).toContain('DataLakeS3Access');
      // MFA: dan enables it at -12, erin loses it at -8.
      expect(reportBefore.row('dan.okafor')?.mfa_active).toBe('false');
      expect(reportAfter.row('dan.okafor')?.mfa_active).toBe('true');
      expect(reportBefore.row('erin.kowalski')?.mfa_active).toBe('true');
      expect(reportAfter.row('erin.kowalski')?.mfa_active).toBe('false');
      // Key rotation at -15.
      const keys = (r: typeof reportBefore) => [r.row('svc-reporting')?.access_key_1_active, r.row('svc-reporting')?.access_key_2_active];
      expect(keys(reportBefore)).toEqual(['true', 'false']);
      expect(keys(reportAfter)).toEqual(['false', 'true']);
      // Root signs in at -6.
      expect(reportBefore.rows[0]?.password_last_used).toBe('2025-11-11T10:03:52+00:00');
      expect(reportAfter.rows[0]?.password_last_used).toBe('2026-03-25T09:41:27+00:00');
    } finally {
      sandbox.setDate(day(0));
    }
  });
});

describe('estate model', () => {
  it('is a pure function of the instant, the history end and the seed', async () => {
    expect(buildIamEstate(day(-9), { historyEnd: END })).toEqual(buildIamEstate(day(-9), { historyEnd: END }));
    const other = buildIamEstate(day(0), { historyEnd: END, seed: 7 });
    const names = (e: typeof other) => e.users.map((u) => u.userName);
    expect(names(other)).not.toEqual(names(buildIamEstate(day(0), { historyEnd: END })));

    // Two servers started apart agree on everything but the report's generation time.
    const start = () => startSandbox({ historyEnd: END, date: day(-4) });
    const [a, b] = await Promise.all([start(), start()]);
    const [ia, ib] = [new IAMClient(clientConfig(a.endpoint)), new IAMClient(clientConfig(b.endpoint))];
    try {
      const strip = (d: Awaited<ReturnType<typeof allDetails>>) => d.pages.map(({ $metadata: _m, ...page }) => page);
      expect(strip(await allDetails(ia))).toEqual(strip(await allDetails(ib)));
      expect((await credentialReport(ia)).csv).toBe((await credentialReport(ib)).csv);
    } finally {
      ia.destroy();
      ib.destroy();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps resources unchanged on quiet days so snapshots dedupe', () => {
    const quiet1 = buildIamEstate(day(-2), { historyEnd: END });
    const quiet2 = buildIamEstate(day(-1), { historyEnd: END });
    const identity = (e: typeof quiet1) => ({
      users: e.users.map(({ password: _p, accessKeys: _k, mfa, ...user }) => ({ ...user, mfa })),
      groups: e.groups,
      policies: e.policies,
      passwordPolicy: e.passwordPolicy,
      roles: e.roles.map(({ lastUsed: _l, ...role }) => role),
    });
    expect(identity(quiet2)).toEqual(identity(quiet1));
    // ...while sign-ins move forward.
    const lastSignIns = (e: typeof quiet1) => e.users.map((u) => u.password?.lastUsed?.getTime() ?? 0);
    expect(lastSignIns(quiet2).some((t, i) => t > (lastSignIns(quiet1)[i] ?? 0))).toBe(true);
  });

  it('has the faults present on every day of a 30-day history', () => {
    for (let offset = -29; offset <= 0; offset++) {
      const e = buildIamEstate(day(offset), { historyEnd: END });
      const asOf = e.asOf.getTime();
      const ageDays = (d: Date | null | undefined) => (d ? (asOf - d.getTime()) / DAY_MS : Infinity);
      // The one gap the drift scripts, at noon: dan enables MFA at -12 10:17, erin only loses hers at -8 13:03.
      const mfaGap = offset >= -12 && offset <= -8;
      expect(
        e.users.some((u) => u.password && !u.mfa),
        `console user without MFA on ${e.day}`,
      ).toBe(!mfaGap);
      expect(e.users.some((u) => u.accessKeys.some((k) => k.active && ageDays(k.createDate) > 150))).toBe(true);
      expect(e.users.some((u) => u.accessKeys.filter((k) => k.active).length === 2)).toBe(true);
      expect(e.users.some((u) => u.attachedPolicyArns.length > 0 && u.password)).toBe(true);
      expect(e.users.some((u) => u.inlinePolicies.length > 0 && u.password)).toBe(true);
      expect(e.users.some((u) => u.password && ageDays(u.password.lastUsed) > 90)).toBe(true);
      expect(e.root.mfa?.virtual).toBe(true);
      expect(e.root.accessKeys).toEqual([]);
      expect(e.users.every((u) => u.createDate.getTime() <= asOf)).toBe(true);
      expect(e.users.every((u) => (u.password?.lastUsed?.getTime() ?? 0) <= asOf)).toBe(true);
    }
  });

  it('lists the drift events relative to the history end', () => {
    const events = driftEvents(END);
    // 12 IAM changes and 5 CloudTrail ones.
    expect(events).toHaveLength(17);
    expect(events[0]).toEqual({
      date: new Date('2026-03-04T16:05:12Z'),
      description: 'Account password policy created (minimum length 14, all character classes, 24 remembered)',
    });
    expect(events.map((e) => e.description)).toContain('Leaver ivan.petrov deleted, 8 days after their last sign-in');
    expect(events.at(-1)?.description).toBe('org-trail stops delivering to CloudWatch Logs (AccessDenied on the delivery role)');
    expect(events.every((e, i) => i === 0 || e.date >= (events[i - 1]?.date ?? e.date))).toBe(true);
    expect(events.every((e) => e.date < new Date(END.getTime() + DAY_MS))).toBe(true);
  });
});
