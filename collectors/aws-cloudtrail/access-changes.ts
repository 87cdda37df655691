// The access-change population: every IAM write event read (refused ones included), one row each,
// naming who did what to which principal and when, so an auditor can sample changes and match each to
// its approval. Derived from the stored events at export time, so it never disagrees with them.
import type { EventItem, PopulationDefinition } from '../../src/collector.js';
import { IAM_EVENT_SOURCE } from './event-reads.js';
import { EVENT_TYPE } from './schema.js';
import type { CloudTrailEventData } from './schema.js';

type Json = Record<string, unknown>;

/** The actorType of a row whose CloudTrail record has no userIdentity. */
export const NO_IDENTITY = '(no userIdentity in the record)';

const COLUMNS = [
  { name: 'occurredAt', description: 'When the call was made (UTC, ISO 8601).' },
  { name: 'region', description: 'The region whose event history holds it (IAM: us-east-1 in the aws partition).' },
  { name: 'eventId', description: 'CloudTrail event id: the key to the full stored record.' },
  { name: 'eventName', description: 'The IAM API call (CreateUser, AttachRolePolicy, ...).' },
  { name: 'outcome', description: '"succeeded", or "refused: <errorCode>" for a call IAM denied or rejected.' },
  { name: 'actor', description: 'ARN of the identity that made the call (for a role session, the session ARN).' },
  {
    name: 'actorType',
    description:
      `CloudTrail identity type: IAMUser, AssumedRole, Root, AWSService, ...; "${NO_IDENTITY}" when CloudTrail ` +
      `recorded none (actor is then LookupEvents' Username, if any).`,
  },
  { name: 'sessionIssuer', description: 'For a role session, the role it came from (who the person acted as).' },
  { name: 'sourceIp', description: 'Source IP address, or the AWS service that made the call.' },
  {
    name: 'targetType',
    description: 'Kind of principal or object changed: user, role, group, policy, account, mfa-device, identity-provider, instance-profile.',
  },
  { name: 'target', description: 'Name (or ARN for policies and providers) of what was changed; for a call on oneself, the caller.' },
  { name: 'change', description: 'What was granted, removed or changed on the target: policy, group, key, device.' },
  { name: 'record', description: '"parsed", or "malformed" when CloudTrailEvent could not be read (the raw text is stored).' },
] as const;

type Column = (typeof COLUMNS)[number]['name'];
type Row = Partial<Record<Column, string>>;

export const accessChangePopulation: PopulationDefinition = {
  id: 'aws-access-changes',
  title: 'AWS access changes (IAM write events)',
  description:
    'Every IAM write call read from CloudTrail event history (iam.amazonaws.com, not read-only), allowed or refused: ' +
    'who made it, when, from where, and which user, role, group or policy it changed.',
  eventTypes: [EVENT_TYPE],
  columns: COLUMNS,
  fileName: 'access-changes.csv',
  digest: {
    title: 'IAM access changes',
    line: (row) =>
      `${row['occurredAt']} ${row['eventName']} ${row['targetType']} ${row['target']}${row['change'] ? ` (${row['change']})` : ''} by ${row['actor']}: ${row['outcome'] ?? row['record']}`,
  },
  method:
    'CloudTrail LookupEvents, per account and region, read incrementally from a stored watermark with StartTime/EndTime windows ' +
    'and MaxResults 50, following NextToken to the last page: one query per configured event name (AttributeKey EventName), one ' +
    'for the root user (Username root) and one for every IAM event (EventSource iam.amazonaws.com, reads dropped by the collector). ' +
    'Each event is stored once by EventId. Rows: every stored event of source iam.amazonaws.com that is not read-only, allowed or ' +
    'refused. LookupEvents keeps 90 days: a span older than that when first read is recorded as a hole, listed with the coverage below.',
  frequency: 'recurring',
  attributes: [
    { question: 'Made by an identifiable person or approved automation (not root, not an unnamed identity)?', shown: (row) => actorShown(row) },
    {
      question: 'Did the change take effect?',
      shown: (row) =>
        row['outcome'] ? (row['outcome'] === 'succeeded' ? 'yes' : `no: ${row['outcome']}`) : `unknown (${row['record'] ?? 'record not parsed'})`,
    },
    {
      question: 'Authorized by an approved access request?',
      shown: () => 'not in CloudTrail: match to the request (ticket, approval) by target, change and time',
    },
  ],
  rowOf: accessChangeRow,
};

function actorShown(row: Record<string, string>): string {
  const type = row['actorType'] ?? '';
  if (type === 'Root') return 'no: the root user';
  if (!row['actor']) return `no: no identity recorded${type ? ` (${type})` : ''}`;
  return `${type || 'unknown type'}: ${row['sessionIssuer'] ? `${row['sessionIssuer']} as ` : ''}${row['actor']}`;
}

/** The row of an IAM write event, or undefined for any other event. */
export function accessChangeRow(event: EventItem): Row | undefined {
  if (event.type !== EVENT_TYPE) return undefined;
  const data = event.data as unknown as CloudTrailEventData;
  const record = data.record;
  const source = str(record?.['eventSource']) ?? data.eventSource;
  const readOnly = typeof record?.['readOnly'] === 'boolean' ? record['readOnly'] : data.readOnly;
  if (source !== IAM_EVENT_SOURCE || readOnly === true) return undefined;

  const base: Row = {
    occurredAt: event.occurredAt,
    region: event.partition,
    eventId: event.eventId,
    eventName: str(record?.['eventName']) ?? data.eventName ?? '',
  };
  if (!record) return { ...base, actor: data.username ?? '', record: 'malformed' };

  const recorded = obj(record['userIdentity']);
  const identity = recorded ?? {};
  const errorCode = str(record['errorCode']);
  return {
    ...base,
    outcome: errorCode ? `refused: ${errorCode}` : 'succeeded',
    actor: str(identity['arn']) ?? str(identity['invokedBy']) ?? (recorded ? '' : (data.username ?? '')),
    // A record without an identity is still an access change: the row says who is unknown, and why.
    actorType: recorded ? (str(identity['type']) ?? '') : NO_IDENTITY,
    sessionIssuer: str(obj(obj(identity['sessionContext'])?.['sessionIssuer'])?.['arn']) ?? '',
    sourceIp: str(record['sourceIPAddress']) ?? '',
    ...targetOf(
      base.eventName ?? '',
      obj(record['requestParameters']) ?? {},
      obj(record['responseElements']) ?? {},
      identity,
      str(record['recipientAccountId']),
    ),
    record: 'parsed',
  };
}

/** The principal or object a call changed, from its request parameters (IAM's parameter names, camelCase). */
function targetOf(eventName: string, params: Json, response: Json, identity: Json, accountId: string | undefined): Row {
  const user = str(params['userName']);
  const role = str(params['roleName']);
  const group = str(params['groupName']);
  const policyArn = str(params['policyArn']);
  const policyName = str(params['policyName']);
  const policy = policyArn ? `policy ${policyArn}` : policyName ? `inline policy ${policyName}` : undefined;
  // CreateAccessKey names the new key only in its response (never the secret: CloudTrail does not log it).
  const key = str(params['accessKeyId']) ?? str(obj(response['accessKey'])?.['accessKeyId']);
  const status = str(params['status']);
  const device = str(params['serialNumber']);
  const details = (...parts: (string | undefined)[]) => parts.filter(Boolean).join('; ');

  if (user && group) return { targetType: 'user', target: user, change: `group ${group}` };
  if (role) {
    const profile = str(params['instanceProfileName']);
    return { targetType: 'role', target: role, change: details(policy, profile && `instance profile ${profile}`) };
  }
  if (user) {
    return {
      targetType: 'user',
      target: user,
      change: details(policy, key && `access key ${key}${status ? ` ${status}` : ''}`, device && `MFA device ${device}`),
    };
  }
  if (group) return { targetType: 'group', target: group, change: details(policy) };
  if (policyArn) return { targetType: 'policy', target: policyArn, change: details(str(params['versionId']) && `version ${str(params['versionId'])}`) };
  if (eventName === 'CreatePolicy' && policyName) return { targetType: 'policy', target: policyName, change: '' };
  const provider = str(params['sAMLProviderArn']) ?? str(params['openIDConnectProviderArn']);
  if (provider) return { targetType: 'identity-provider', target: provider, change: '' };
  if (/^(Create|Delete)(SAML|OpenIDConnect)Provider$/.test(eventName)) {
    return { targetType: 'identity-provider', target: str(params['name']) ?? str(params['url']) ?? '', change: '' };
  }
  if (/Account(PasswordPolicy|Alias)$/.test(eventName)) return { targetType: 'account', target: accountId ?? '', change: eventName };
  if (device) return { targetType: 'mfa-device', target: device, change: '' };
  const virtualDevice = str(params['virtualMFADeviceName']);
  if (virtualDevice) return { targetType: 'mfa-device', target: virtualDevice, change: '' };
  const profile = str(params['instanceProfileName']);
  if (profile) return { targetType: 'instance-profile', target: profile, change: '' };
  // A call on oneself (CreateAccessKey, UpdateAccessKey, ChangePassword without userName) changes the caller.
  const self = str(identity['userName']) ?? (str(identity['type']) === 'Root' ? 'root' : undefined);
  if (self) return { targetType: 'user', target: self, change: details(key && `access key ${key}${status ? ` ${status}` : ''}`, '(own credentials)') };
  return { targetType: '', target: '', change: '' };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
