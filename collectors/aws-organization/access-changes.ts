// The Identity Center access-change population: every write event of Identity Center (account
// assignments, permission sets), the identity store (users, groups, memberships, by API or console) and
// Organizations (SCPs attached or detached, accounts moved, added or removed), refused ones included, one
// row each: who did what to which account, permission set, principal or group, and when. The companion of
// aws-cloudtrail's IAM access changes (aws-access-changes), for access given through Identity Center.
// Derived from the stored events at export time, so it never disagrees with them.
import type { EventItem, PopulationDefinition } from '../../src/collector.js';
import type { OrganizationEventData } from './event-reads.js';
import { EVENT_TYPE } from './schema.js';

type Json = Record<string, unknown>;

/** Calls that give access, and calls that take it away; every other write is a `change`. */
const GRANTS = new Set([
  'CreateAccountAssignment',
  'CreateGroupMembership',
  'AddMemberToGroup',
  'AttachManagedPolicyToPermissionSet',
  'AttachCustomerManagedPolicyReferenceToPermissionSet',
  'PutInlinePolicyToPermissionSet',
  'PutPermissionsBoundaryToPermissionSet',
  'CreateUser',
]);
const REVOCATIONS = new Set([
  'DeleteAccountAssignment',
  'DeleteGroupMembership',
  'RemoveMemberFromGroup',
  'DetachManagedPolicyFromPermissionSet',
  'DetachCustomerManagedPolicyReferenceFromPermissionSet',
  'DeleteInlinePolicyFromPermissionSet',
  'DeletePermissionsBoundaryFromPermissionSet',
  'DeletePermissionSet',
  'DeleteUser',
  'DisableUser',
]);

const COLUMNS = [
  { name: 'occurredAt', description: 'When the call was made (UTC, ISO 8601).' },
  { name: 'region', description: 'The region whose event history holds it (Identity Center: its own region; Organizations: us-east-1 in the aws partition).' },
  { name: 'eventId', description: 'CloudTrail event id: the key to the full stored record.' },
  { name: 'eventSource', description: 'sso.amazonaws.com, identitystore.amazonaws.com, sso-directory.amazonaws.com (console) or organizations.amazonaws.com.' },
  { name: 'eventName', description: 'The API call (CreateAccountAssignment, CreateGroupMembership, AddMemberToGroup, DetachPolicy, ...).' },
  {
    name: 'kind',
    description: '"grant" (access given), "revocation" (access taken away) or "change" (any other write: a permission set edited, an SCP detached).',
  },
  { name: 'outcome', description: '"succeeded", or "refused: <errorCode>" for a call AWS denied or rejected.' },
  {
    name: 'actor',
    description: 'ARN of the identity that made the call (for a role session, the session ARN: an AWSReservedSSO_* role names the permission set used).',
  },
  { name: 'actorType', description: 'CloudTrail identity type: IAMUser, AssumedRole, Root, AWSService, ...; empty when the record has no userIdentity.' },
  { name: 'sessionIssuer', description: 'For a role session, the role it came from.' },
  { name: 'sourceIp', description: 'Source IP address, or the AWS service that made the call.' },
  {
    name: 'account',
    description:
      'The AWS account given or denied access (assignments), moved, added or removed, or the target (account, OU, root) an SCP was attached to or detached from.',
  },
  { name: 'permissionSet', description: 'The permission set ARN an assignment or policy change is about.' },
  { name: 'principal', description: '"USER <id>" or "GROUP <id>" assigned, or the user added to or removed from a group.' },
  { name: 'group', description: 'The identity-store group whose membership changed.' },
  { name: 'policy', description: 'The managed policy ARN, or the SCP id, attached or detached.' },
  { name: 'record', description: '"parsed", or "malformed" when CloudTrailEvent could not be read (the raw text is stored).' },
] as const;

type Column = (typeof COLUMNS)[number]['name'];
type Row = Partial<Record<Column, string>>;

export const identityCenterChangePopulation: PopulationDefinition = {
  id: 'aws-identity-center-changes',
  title: 'AWS Identity Center and Organizations access changes',
  description:
    "Every write call of IAM Identity Center, the identity store and AWS Organizations read from the management account's CloudTrail event history, allowed or refused: " +
    'who gave or removed which permission set in which account to which user or group, who changed group membership, and who attached or detached SCPs.',
  eventTypes: [EVENT_TYPE],
  columns: COLUMNS,
  fileName: 'identity-center-changes.csv',
  digest: {
    title: 'Identity Center access changes',
    line: (row) =>
      `${row['occurredAt']} ${row['eventName']}${row['account'] ? ` account ${row['account']}` : ''}${row['principal'] ? ` ${row['principal']}` : ''}${row['group'] ? ` group ${row['group']}` : ''} by ${row['actor']}: ${row['outcome'] ?? row['record']}`,
  },
  method:
    'CloudTrail LookupEvents in the management (or delegated administrator) account, incrementally from a stored watermark with StartTime/EndTime windows and MaxResults 50, ' +
    'following NextToken to the last page: one query per event source (AttributeKey EventSource) — sso.amazonaws.com, identitystore.amazonaws.com and sso-directory.amazonaws.com ' +
    "in the Identity Center region, organizations.amazonaws.com in the partition's global-service region — read-only events dropped. Each event is stored once by EventId. " +
    'Rows: every stored event, allowed or refused. LookupEvents keeps 90 days: a span older than that when first read is a hole, listed with the coverage below. ' +
    'Changes made in the external identity provider and synchronised by SCIM appear as identitystore calls of the SCIM service, not as the person who made them in the provider.',
  rowOf: identityCenterChangeRow,
};

export function identityCenterChangeRow(event: EventItem): Row | undefined {
  if (event.type !== EVENT_TYPE) return undefined;
  const data = event.data as OrganizationEventData;
  const record = data.record;
  const eventName = str(record?.['eventName']) ?? data.eventName ?? '';
  const base: Row = {
    occurredAt: event.occurredAt,
    region: event.partition,
    eventId: event.eventId,
    eventSource: str(record?.['eventSource']) ?? data.eventSource ?? '',
    eventName,
    kind: GRANTS.has(eventName) ? 'grant' : REVOCATIONS.has(eventName) ? 'revocation' : 'change',
  };
  if (!record) return { ...base, actor: data.username ?? '', record: 'malformed' };
  const identity = obj(record['userIdentity']) ?? {};
  const params = obj(record['requestParameters']) ?? {};
  const errorCode = str(record['errorCode']);
  const principalType = str(params['principalType']);
  const principalId = str(params['principalId']);
  const member = str(obj(params['memberId'])?.['userId']) ?? str(obj(params['member'])?.['memberId']);
  return {
    ...base,
    outcome: errorCode ? `refused: ${errorCode}` : 'succeeded',
    actor: str(identity['arn']) ?? str(identity['invokedBy']) ?? data.username ?? '',
    actorType: str(identity['type']) ?? '',
    sessionIssuer: str(obj(obj(identity['sessionContext'])?.['sessionIssuer'])?.['arn']) ?? '',
    sourceIp: str(record['sourceIPAddress']) ?? '',
    account:
      (str(params['targetType']) === 'AWS_ACCOUNT' ? str(params['targetId']) : undefined) ??
      str(params['accountId']) ??
      (str(params['policyId']) ? str(params['targetId']) : undefined) ??
      '',
    permissionSet: str(params['permissionSetArn']) ?? '',
    principal: principalType && principalId ? `${principalType} ${principalId}` : member ? `USER ${member}` : '',
    group: str(params['groupId']) ?? '',
    policy: str(params['managedPolicyArn']) ?? str(params['policyId']) ?? '',
    record: 'parsed',
  };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
