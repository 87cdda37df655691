// The API calls behind the scripted drift, as CloudTrail records them: each change is made by the user
// drift.ts names, in the console session of their sign-in that day (estate-users.ts makes sure there is one).
import { CLOUDTRAIL_HOME_REGION, LOCAL_TRAIL_ARN, ORG_TRAIL_ARN, SECURITY_LOG_GROUP, SECURITY_TRAIL_ARN } from './cloudtrail-estate.js';
import {
  CONSOLE_AGENT,
  consoleUserIdentity,
  ctTime,
  managementAdminIdentity,
  mfaSerial,
  rootIdentity,
  sourceIp,
  trailEvent,
  userArn,
} from './cloudtrail-records.js';
import type { EventResource, TrailEvent, UserIdentity } from './cloudtrail-records.js';
import { CAST, DRIFT, ROOT } from './drift.js';
import { rootSignIns } from './estate.js';
import { MANAGEMENT_ACCOUNT_ID, SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from './estate-model.js';
import { allow, awsPolicyArn, customerPolicyArn, doc, trust } from './estate-policies.js';
import { VENDOR_ACCOUNT_ID } from './estate-roles.js';
import { awsId } from './estate-timeline.js';
import type { HistoryMoment, Timeline } from './estate-timeline.js';
import { consoleActivity, sessionStart } from './estate-users.js';
import type { UserSpec } from './estate-users.js';

interface Call {
  name: string;
  params: Record<string, unknown>;
  response?: Record<string, unknown>;
  resources?: EventResource[];
  /** Seconds from the drift moment (preparatory steps come before it). */
  at?: number;
}
const IAM = 'iam.amazonaws.com';
const user = (name: string): EventResource => ({ type: 'AWS::IAM::User', name });
const group = (name: string): EventResource => ({ type: 'AWS::IAM::Group', name });

/** Every scripted change event of the history, in no particular order. */
export function changeEvents(t: Timeline, specs: readonly UserSpec[]): TrailEvent[] {
  const specOf = (name: string) => {
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new Error(`no user ${name} in the estate`);
    return spec;
  };
  // The identity of whoever makes the change at `when`, in their console session.
  const actor = (by: string, when: Date): { identity: UserIdentity; ip: string } => {
    if (by === ROOT) {
      const signIn =
        rootSignIns(t)
          .filter((s) => s <= when)
          .at(-1) ?? when;
      return { identity: rootIdentity(t.seed, signIn), ip: sourceIp(ROOT) };
    }
    const spec = specOf(by);
    const activity = consoleActivity(t, spec);
    const signIn = (activity && sessionStart(t.seed, activity, when)) ?? when;
    return { identity: consoleUserIdentity(t.seed, spec, signIn), ip: sourceIp(by) };
  };
  const events: TrailEvent[] = [];
  const record = (moment: HistoryMoment & { by?: string }, calls: Call[], source = IAM, region = CLOUDTRAIL_HOME_REGION) => {
    const when = t.when(moment);
    const { identity, ip } = actor(moment.by ?? ROOT, when);
    for (const call of calls) {
      const time = new Date(when.getTime() + (call.at ?? 0) * 1000);
      events.push(
        trailEvent(t.seed, `${region}|change|${call.name}|${time.getTime()}`, {
          eventTime: time,
          eventName: call.name,
          eventSource: source,
          awsRegion: region,
          readOnly: false,
          eventType: 'AwsApiCall',
          userIdentity: identity,
          sourceIPAddress: ip,
          userAgent: CONSOLE_AGENT,
          requestParameters: call.params,
          responseElements: call.response ?? null,
          resources: call.resources ?? [],
        }),
      );
    }
  };

  const passwordPolicy = (minimumPasswordLength: number) => ({
    minimumPasswordLength,
    requireSymbols: true,
    requireNumbers: true,
    requireUppercaseCharacters: true,
    requireLowercaseCharacters: true,
    allowUsersToChangePassword: true,
    passwordReusePrevention: 24,
  });
  record(DRIFT.passwordPolicyCreated, [{ name: 'UpdateAccountPasswordPolicy', params: passwordPolicy(14) }]);
  record(DRIFT.policyRelaxed, [{ name: 'UpdateAccountPasswordPolicy', params: passwordPolicy(8) }]);

  const hire = specOf(CAST.newHire);
  const hired = ctTime(hire.created);
  record(DRIFT.newHire, [
    {
      name: 'CreateUser',
      params: { userName: hire.name, tags: Object.entries(hire.tags).map(([key, value]) => ({ key, value })) },
      response: {
        user: {
          path: '/',
          userName: hire.name,
          userId: awsId('AIDA', 17, t.seed, `user:${hire.name}`),
          arn: userArn(hire),
          createDate: hired,
        },
      },
      resources: [user(hire.name)],
    },
    {
      name: 'CreateLoginProfile',
      params: { userName: hire.name, passwordResetRequired: true },
      response: { loginProfile: { userName: hire.name, createDate: hired, passwordResetRequired: true } },
      resources: [user(hire.name)],
      at: 50,
    },
    {
      name: 'AddUserToGroup',
      params: { groupName: 'Developers', userName: hire.name },
      resources: [group('Developers'), user(hire.name)],
      at: 75,
    },
  ]);
  const serial = mfaSerial(CAST.newHire);
  record(DRIFT.newHireMfa, [
    {
      name: 'CreateVirtualMFADevice',
      params: { virtualMFADeviceName: CAST.newHire },
      response: { virtualMFADevice: { serialNumber: serial } },
      resources: [{ type: 'AWS::IAM::MFADevice', name: serial }],
    },
    { name: 'EnableMFADevice', params: { userName: CAST.newHire, serialNumber: serial }, at: 60 },
  ]);
  record(DRIFT.adminPromotion, [
    {
      name: 'AddUserToGroup',
      params: { groupName: 'Admins', userName: CAST.promoted },
      resources: [group('Admins'), user(CAST.promoted)],
    },
  ]);
  const keyOf = (slot: number) => awsId('AKIA', 16, t.seed, `key:${CAST.rotated}:${slot}`);
  record(DRIFT.keyRotation, [
    {
      name: 'CreateAccessKey',
      params: { userName: CAST.rotated },
      response: {
        accessKey: {
          userName: CAST.rotated,
          accessKeyId: keyOf(1),
          status: 'Active',
          createDate: ctTime(t.when(DRIFT.keyRotation)),
        },
      },
      resources: [{ type: 'AWS::IAM::AccessKey', name: keyOf(1) }, user(CAST.rotated)],
    },
    {
      name: 'UpdateAccessKey',
      params: { userName: CAST.rotated, accessKeyId: keyOf(0), status: 'Inactive' },
      resources: [{ type: 'AWS::IAM::AccessKey', name: keyOf(0) }, user(CAST.rotated)],
      at: 300,
    },
  ]);
  record(DRIFT.lateMfa, [{ name: 'EnableMFADevice', params: { userName: CAST.lateMfa, serialNumber: mfaSerial(CAST.lateMfa) } }]);
  record(DRIFT.mfaLost, [{ name: 'DeactivateMFADevice', params: { userName: CAST.lostMfa, serialNumber: mfaSerial(CAST.lostMfa) } }]);

  const policyArn = customerPolicyArn('/', 'DataLakeS3Access');
  const created = ctTime(t.when(DRIFT.s3Policy));
  record(DRIFT.s3Policy, [
    {
      name: 'CreatePolicy',
      params: { policyName: 'DataLakeS3Access', policyDocument: JSON.stringify(doc(allow('s3:*'))) },
      response: {
        policy: {
          policyName: 'DataLakeS3Access',
          policyId: awsId('ANPA', 17, t.seed, policyArn),
          arn: policyArn,
          path: '/',
          defaultVersionId: 'v1',
          attachmentCount: 0,
          permissionsBoundaryUsageCount: 0,
          isAttachable: true,
          createDate: created,
          updateDate: created,
        },
      },
      resources: [{ type: 'AWS::IAM::Policy', name: policyArn }],
    },
    {
      name: 'AttachRolePolicy',
      params: { roleName: 'app-ecs-task', policyArn },
      resources: [
        { type: 'AWS::IAM::Policy', name: policyArn },
        { type: 'AWS::IAM::Role', name: 'app-ecs-task' },
      ],
      at: 40,
    },
  ]);

  const vendorRole = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/vendor-monitoring`;
  const vendorTrust = trust({ AWS: `arn:aws:iam::${VENDOR_ACCOUNT_ID}:root` });
  record(DRIFT.vendorRole, [
    {
      name: 'CreateRole',
      params: { roleName: 'vendor-monitoring', assumeRolePolicyDocument: JSON.stringify(vendorTrust), tags: [{ key: 'vendor', value: 'monitoring' }] },
      response: {
        role: {
          path: '/',
          roleName: 'vendor-monitoring',
          roleId: awsId('AROA', 17, t.seed, 'role:vendor-monitoring'),
          arn: vendorRole,
          createDate: ctTime(t.when(DRIFT.vendorRole)),
          assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(vendorTrust)),
        },
      },
      resources: [{ type: 'AWS::IAM::Role', name: vendorRole }],
    },
    {
      name: 'AttachRolePolicy',
      params: { roleName: 'vendor-monitoring', policyArn: awsPolicyArn('SecurityAudit') },
      resources: [
        { type: 'AWS::IAM::Policy', name: awsPolicyArn('SecurityAudit') },
        { type: 'AWS::IAM::Role', name: vendorRole },
      ],
      at: 25,
    },
  ]);

  // IAM refuses to delete a user who still has a password, an MFA device or groups: those go first.
  const leaver = CAST.leaver;
  record(DRIFT.leaverDeleted, [
    { name: 'DeleteLoginProfile', params: { userName: leaver }, resources: [user(leaver)], at: -240 },
    { name: 'DeactivateMFADevice', params: { userName: leaver, serialNumber: mfaSerial(leaver) }, at: -180 },
    { name: 'DeleteVirtualMFADevice', params: { serialNumber: mfaSerial(leaver) }, at: -150 },
    {
      name: 'RemoveUserFromGroup',
      params: { groupName: 'Developers', userName: leaver },
      resources: [group('Developers'), user(leaver)],
      at: -60,
    },
    { name: 'DeleteUser', params: { userName: leaver }, resources: [user(leaver)] },
  ]);

  const trail = (arn: string): EventResource => ({ type: 'AWS::CloudTrail::Trail', name: arn });
  record(
    DRIFT.euAuditValidation,
    [
      {
        name: 'UpdateTrail',
        params: { name: 'eu-audit', enableLogFileValidation: true },
        response: {
          name: 'eu-audit',
          s3BucketName: 'example-co-eu-audit-trail',
          s3KeyPrefix: 'regional',
          includeGlobalServiceEvents: false,
          isMultiRegionTrail: false,
          trailARN: LOCAL_TRAIL_ARN,
          logFileValidationEnabled: true,
          isOrganizationTrail: false,
        },
        resources: [trail(LOCAL_TRAIL_ARN)],
      },
    ],
    'cloudtrail.amazonaws.com',
    SANDBOX_REGION,
  );
  record(
    DRIFT.securityTrail,
    [
      {
        name: 'CreateTrail',
        params: {
          name: 'security-trail',
          s3BucketName: 'example-co-security-trail-111122223333',
          isMultiRegionTrail: true,
          enableLogFileValidation: true,
          cloudWatchLogsLogGroupArn: `arn:aws:logs:${CLOUDTRAIL_HOME_REGION}:${SANDBOX_ACCOUNT_ID}:log-group:${SECURITY_LOG_GROUP}:*`,
        },
        response: { name: 'security-trail', trailARN: SECURITY_TRAIL_ARN, isMultiRegionTrail: true, logFileValidationEnabled: true },
        resources: [trail(SECURITY_TRAIL_ARN)],
      },
      { name: 'StartLogging', params: { name: 'security-trail' }, resources: [trail(SECURITY_TRAIL_ARN)], at: 20 },
    ],
    'cloudtrail.amazonaws.com',
  );
  events.push(...orgTrailToggles(t));
  return events;
}

/**
 * StopLogging and StartLogging on the organization trail, made from the management account. AWS keeps such
 * calls in the caller's history; the sandbox shows them in the member's too (with the management account
 * as recipient) so that one account's evidence explains its logging gap.
 */
function orgTrailToggles(t: Timeline): TrailEvent[] {
  const toggles: [string, HistoryMoment][] = [
    ['StopLogging', DRIFT.orgTrailStopped],
    ['StartLogging', DRIFT.orgTrailStarted],
  ];
  return toggles.map(([name, moment]) => {
    const when = t.when(moment);
    const signIn = new Date(when.getTime() - 11 * 60_000);
    return trailEvent(t.seed, `${CLOUDTRAIL_HOME_REGION}|change|${name}|${when.getTime()}`, {
      eventTime: when,
      eventName: name,
      eventSource: 'cloudtrail.amazonaws.com',
      awsRegion: CLOUDTRAIL_HOME_REGION,
      readOnly: false,
      eventType: 'AwsApiCall',
      userIdentity: managementAdminIdentity(t.seed, signIn),
      sourceIPAddress: sourceIp(MANAGEMENT_ACCOUNT_ID),
      userAgent: CONSOLE_AGENT,
      requestParameters: { name: ORG_TRAIL_ARN },
      responseElements: null,
      resources: [{ type: 'AWS::CloudTrail::Trail', name: ORG_TRAIL_ARN }],
      recipientAccountId: MANAGEMENT_ACCOUNT_ID,
    });
  });
}
