// The management account's CloudTrail event history of Identity Center and Organizations changes: one
// record per scripted drift of identity-center.ts, made by a platform admin through her
// AWSReservedSSO_AdministratorAccess session, so the aws-organization population has its rows. Served to
// the management account's LookupEvents by event source (the other accounts never see them).
import { MANAGEMENT_ACCOUNT_ID } from './estate-model.js';
import { DAY_MS } from './estate-timeline.js';
import { IDENTITY_CENTER_DRIFT, IDENTITY_CENTER_REGION, identityCenterAt, SANDBOX_INSTANCE_ARN } from './identity-center.js';
import type { IdentityCenterOptions } from './identity-center.js';
import { SECURITY_OU_ID } from './organization.js';
import { fail } from './query-failure.js';

const ROLE = `AWSReservedSSO_AdministratorAccess_4f1c2a9e8b7d6c5a`;
const ACTOR = `arn:aws:sts::${MANAGEMENT_ACCOUNT_ID}:assumed-role/${ROLE}/alice.nguyen`;
const ISSUER = `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/${ROLE}`;

interface HistoryEvent {
  id: string;
  time: Date;
  region: string;
  source: string;
  name: string;
  params: Record<string, unknown>;
}

function history(options: IdentityCenterOptions): HistoryEvent[] {
  const end = options.historyEnd.getTime();
  const at = (moment: { offset: number; hour: number }) => new Date(end + moment.offset * DAY_MS + moment.hour * 3_600_000 + 7 * 60_000);
  const later = new Date(end + 365 * DAY_MS);
  const directory = identityCenterAt(later, options);
  const dan = directory.users.find((u) => u.userName === 'dan.okafor')!.id;
  const admin = directory.permissionSets.find((s) => s.name === 'AdministratorAccess')!.arn;
  const audit = directory.permissionSets.find((s) => s.name === 'SecurityAudit')!.arn;
  return [
    {
      id: 'c0a8e5b1-2f3d-4e6a-9b1c-000000000001',
      time: at(IDENTITY_CENTER_DRIFT.sessionLengthened),
      region: IDENTITY_CENTER_REGION,
      source: 'sso.amazonaws.com',
      name: 'UpdatePermissionSet',
      params: { instanceArn: SANDBOX_INSTANCE_ARN, permissionSetArn: audit, sessionDuration: 'PT12H' },
    },
    {
      id: 'c0a8e5b1-2f3d-4e6a-9b1c-000000000002',
      time: at(IDENTITY_CENTER_DRIFT.adminToUser),
      region: IDENTITY_CENTER_REGION,
      source: 'sso.amazonaws.com',
      name: 'CreateAccountAssignment',
      params: {
        instanceArn: SANDBOX_INSTANCE_ARN,
        targetId: '111122223333',
        targetType: 'AWS_ACCOUNT',
        permissionSetArn: admin,
        principalType: 'USER',
        principalId: dan,
      },
    },
    {
      id: 'c0a8e5b1-2f3d-4e6a-9b1c-000000000003',
      time: at(IDENTITY_CENTER_DRIFT.guardrailsDetached),
      region: 'us-east-1',
      source: 'organizations.amazonaws.com',
      name: 'DetachPolicy',
      params: { policyId: 'p-7d3k2m9q', targetId: SECURITY_OU_ID },
    },
  ];
}

/** The LookupEvents reply for the management account, or undefined when the query is not about these sources. */
export function identityCenterLookup(body: string, region: string, until: Date, options: IdentityCenterOptions): string | undefined {
  const request = JSON.parse(body || '{}') as {
    LookupAttributes?: { AttributeKey?: string; AttributeValue?: string }[];
    StartTime?: number;
    EndTime?: number;
    NextToken?: string;
  };
  const attribute = request.LookupAttributes?.[0];
  const sources = ['sso.amazonaws.com', 'identitystore.amazonaws.com', 'sso-directory.amazonaws.com', 'organizations.amazonaws.com'];
  if (attribute?.AttributeKey !== 'EventSource' || !sources.includes(attribute.AttributeValue ?? '')) return undefined;
  if (request.NextToken !== undefined) fail(400, 'InvalidNextTokenException', 'Invalid NextToken.');
  const from = typeof request.StartTime === 'number' ? request.StartTime * 1000 : 0;
  const to = Math.min(typeof request.EndTime === 'number' ? request.EndTime * 1000 : Infinity, until.getTime());
  const events = history(options)
    .filter((e) => e.source === attribute.AttributeValue && e.region === region && e.time.getTime() >= from && e.time.getTime() <= to)
    .sort((a, b) => b.time.getTime() - a.time.getTime())
    .map((e) => ({
      EventId: e.id,
      EventName: e.name,
      ReadOnly: 'false',
      EventTime: e.time.getTime() / 1000,
      EventSource: e.source,
      Username: 'alice.nguyen',
      Resources: [],
      CloudTrailEvent: JSON.stringify({
        eventVersion: '1.09',
        userIdentity: {
          type: 'AssumedRole',
          principalId: 'AROAEXAMPLESSOADMIN:alice.nguyen',
          arn: ACTOR,
          accountId: MANAGEMENT_ACCOUNT_ID,
          sessionContext: { sessionIssuer: { type: 'Role', arn: ISSUER, accountId: MANAGEMENT_ACCOUNT_ID, userName: ROLE } },
        },
        eventTime: e.time.toISOString().replace('.000', ''),
        eventSource: e.source,
        eventName: e.name,
        awsRegion: e.region,
        sourceIPAddress: '203.0.113.24',
        userAgent: 'AWS Internal',
        requestParameters: e.params,
        responseElements: null,
        requestID: e.id.replace('c0a8', 'a1b2'),
        eventID: e.id,
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: MANAGEMENT_ACCOUNT_ID,
        eventCategory: 'Management',
      }),
    }));
  return JSON.stringify({ Events: events });
}
