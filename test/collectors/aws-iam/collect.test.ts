// The aws-iam collector against nock: the real SDK serialises the requests and parses the fixture
// replies (test/fixtures/aws-iam/, shaped after the IAM and STS API references). Variants of a reply
// (another partition, a missing Marker, a broken policy document) are edits of the same fixture, so
// the test shows the one thing that differs. The account's mocks and expected evidence: test/helpers/aws-iam-nock.ts.
import nock from 'nock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { awsIam } from '../../../collectors/aws-iam/index.js';
import { awsIamChecks } from '../../../collectors/aws-iam/checks/index.js';
import { awsIamOptionsSchema } from '../../../collectors/aws-iam/schema.js';
import type { EvidenceItem } from '../../../src/collector.js';
import { evaluateChecks, evidenceView } from '../../../src/evaluate-checks.js';
import { isolateFromHostAws } from '../../helpers/collect-context.js';
import {
  ACCOUNT,
  arn,
  collectContext,
  credentialReportReply,
  encodedDocument,
  EXPECTED_EVIDENCE,
  evidenceWithout,
  FAKE_CREDENTIALS,
  fixture,
  iam,
  iamNock,
  mockAccount,
  mocks,
  NOW,
  resetIamNock,
  sts,
  USER_ARNS,
  withDocument,
  withoutMarker,
  XML_HEADERS,
} from '../../helpers/aws-iam-nock.js';

describe('aws-iam collector', () => {
  beforeEach(resetIamNock);
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
    iamNock.iamHost = 'http://localhost:4566';
    iamNock.stsHost = 'http://localhost:4566';
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
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE.filter((item) => !(item.type === 'aws.iam.user-credentials' && item.resourceId === arn('user/bob'))));
  });

  it('rejects credentials of another account than the configured one', async () => {
    mocks.callerIdentity();
    const { ctx, apiCalls } = collectContext({ options: { accounts: [{ id: '444455556666' }] } });

    await expect(awsIam.collect(ctx)).rejects.toThrow('credentials belong to account 111122223333, config says 444455556666');
    expect(nock.pendingMocks()).toEqual([]);
    expect(apiCalls()).toBe(1);
  });

  it('assumes the configured role with its external id and signs every call with the session', async () => {
    const roleArn = arn('role/EvidenceAgentAudit');
    sts('AssumeRole', (body) => body.RoleArn === roleArn && body.ExternalId === 'fake-external-id' && body.RoleSessionName === 'evidence-agent')
      .matchHeader('authorization', /Credential=FAKEACCESSKEYFORTESTS\//)
      .reply(200, fixture('sts-assume-role.xml'), XML_HEADERS);
    sts('GetCallerIdentity')
      .matchHeader('authorization', /Credential=FAKETEMPORARYKEYID01\//)
      .matchHeader('x-amz-security-token', 'fake-session-token')
      .reply(200, fixture('sts-get-caller-identity.xml'), XML_HEADERS);
    iamNock.iamSigningKey = 'FAKETEMPORARYKEYID01';
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
      findings.filter((finding) => finding.checkId === 'aws_iam_admin_access_restricted').map((finding) => `${finding.status} ${finding.resourceId}`),
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

    await expect(awsIam.collect(ctx)).rejects.toThrow('STS GetCallerIdentity returned no valid ARN for account 111122223333 (got null)');
    expect(apiCalls()).toBe(1);
  });

  it('builds resource ids in the partition of the caller identity (GovCloud)', async () => {
    iamNock.partition = 'aws-us-gov';
    iamNock.iamHost = 'https://iam.us-gov.amazonaws.com';
    iamNock.stsHost = 'https://sts.us-gov-west-1.amazonaws.com';
    sts('GetCallerIdentity').reply(200, fixture('sts-get-caller-identity-govcloud.xml'), XML_HEADERS);
    mockAccount('callerIdentity');
    const { ctx } = collectContext({ options: { region: 'us-gov-west-1' } });

    const result = await awsIam.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.errors).toEqual([]);
    const govArn = (suffix: string) => `arn:aws-us-gov:iam::${ACCOUNT}:${suffix}`;
    expect(result.evidence).toEqual(JSON.parse(JSON.stringify(EXPECTED_EVIDENCE).replaceAll('arn:aws:', 'arn:aws-us-gov:')) as EvidenceItem[]);
    const root = result.evidence.find((item) => item.type === 'aws.iam.root-credentials');
    expect(root).toMatchObject({
      resourceId: govArn('root'),
      data: { arn: govArn('root'), virtualMfaSerials: [govArn('mfa/root-account-mfa-device')] },
    });
    expect(result.evidence.filter((item) => item.resourceId.startsWith('arn:aws:'))).toEqual([]);
  });
});
