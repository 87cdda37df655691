// The five CloudTrail events CIS AWS Foundations (4.1-4.5 in v1.4-v3.0) wants a metric filter and an
// alarm for, each with sample CloudTrail records: a filter covers an item when it matches every record
// the item is about and none of its look-alikes (so `{ $.eventName = * }`, or the widely copied
// unauthorized-calls pattern whose `||` joins make it match every call, does not count). The samples
// are what CIS's own patterns match: its root pattern skips records with `invokedBy`, so a root
// console session invoked by signin.amazonaws.com is not among them (aws_cloudtrail_root_not_used
// reports those events).
import { matchesRecord, parseFilterPattern, PatternNotUnderstood } from './filter-pattern.js';

export interface AlarmItem {
  /** The check id. */
  id: string;
  /** What the alarm watches, as a phrase: "root user activity". */
  subject: string;
  cis: string;
  /** The pattern CIS gives, for the remediation text. */
  cisPattern: string;
  /** Records a covering filter must match. */
  matches: Record<string, unknown>[];
  /** Records it must not match. */
  ignores: Record<string, unknown>[];
}

const ACCOUNT = '111122223333';
const alice = { type: 'IAMUser', principalId: 'AIDAEXAMPLEALICE0001', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' };
const root = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };

function call(eventSource: string, eventName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: alice,
    eventTime: '2026-01-10T09:15:00Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: null,
    responseElements: null,
    readOnly: /^(Get|List|Describe|Lookup)/.test(eventName),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...extra,
  };
}

function consoleLogin(identity: Record<string, unknown>, mfa: 'Yes' | 'No'): Record<string, unknown> {
  return call('signin.amazonaws.com', 'ConsoleLogin', {
    userIdentity: identity,
    eventType: 'AwsConsoleSignIn',
    readOnly: false,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: mfa },
  });
}

const IAM_POLICY_CHANGES = [
  'DeleteGroupPolicy',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'PutGroupPolicy',
  'PutRolePolicy',
  'PutUserPolicy',
  'CreatePolicy',
  'DeletePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
];
const TRAIL_CHANGES = ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'];
const orList = (names: string[]) => `{ ${names.map((name) => `($.eventName = ${name})`).join(' || ')} }`;

export const ALARM_ITEMS: readonly AlarmItem[] = [
  {
    id: 'aws_cloudtrail_unauthorized_calls_alarm_configured',
    subject: 'unauthorized API calls',
    cis: 'CIS 4.1',
    cisPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    matches: [
      call('ec2.amazonaws.com', 'DescribeInstances', {
        errorCode: 'Client.UnauthorizedOperation',
        errorMessage: 'You are not authorized to perform this operation.',
      }),
      call('iam.amazonaws.com', 'GetAccountAuthorizationDetails', { errorCode: 'AccessDenied', errorMessage: 'not authorized' }),
      call('secretsmanager.amazonaws.com', 'GetSecretValue', { errorCode: 'AccessDeniedException', errorMessage: 'not authorized' }),
    ],
    ignores: [call('ec2.amazonaws.com', 'DescribeInstances'), call('iam.amazonaws.com', 'GetAccountAuthorizationDetails')],
  },
  {
    id: 'aws_cloudtrail_console_no_mfa_alarm_configured',
    subject: 'console sign-ins without MFA',
    cis: 'CIS 4.2',
    cisPattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    matches: [consoleLogin(alice, 'No')],
    ignores: [consoleLogin(alice, 'Yes'), call('iam.amazonaws.com', 'ListUsers')],
  },
  {
    id: 'aws_cloudtrail_root_use_alarm_configured',
    subject: 'root user activity',
    cis: 'CIS 4.3',
    cisPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    matches: [consoleLogin(root, 'Yes'), call('iam.amazonaws.com', 'CreateAccessKey', { userIdentity: root, readOnly: false })],
    ignores: [consoleLogin(alice, 'Yes'), call('iam.amazonaws.com', 'CreateAccessKey', { readOnly: false })],
  },
  {
    id: 'aws_cloudtrail_iam_policy_change_alarm_configured',
    subject: 'IAM policy changes',
    cis: 'CIS 4.4',
    cisPattern: orList(IAM_POLICY_CHANGES),
    matches: IAM_POLICY_CHANGES.map((name) => call('iam.amazonaws.com', name, { readOnly: false })),
    ignores: [call('iam.amazonaws.com', 'GetPolicy'), call('iam.amazonaws.com', 'ListPolicies'), call('sts.amazonaws.com', 'GetCallerIdentity')],
  },
  {
    id: 'aws_cloudtrail_trail_change_alarm_configured',
    subject: 'CloudTrail configuration changes',
    cis: 'CIS 4.5',
    cisPattern: orList(TRAIL_CHANGES),
    matches: TRAIL_CHANGES.map((name) => call('cloudtrail.amazonaws.com', name, { readOnly: false })),
    ignores: [
      call('cloudtrail.amazonaws.com', 'DescribeTrails'),
      call('cloudtrail.amazonaws.com', 'GetTrailStatus'),
      call('cloudtrail.amazonaws.com', 'LookupEvents'),
    ],
  },
];

/** Whether a filter covers an item; when not, whether it is about the item at all (`related`: it matches some of its events). */
export type Coverage =
  { covers: true } | { covers: false; understood: true; related: boolean; why: string } | { covers: false; understood: false; why: string };

/** Whether a metric filter's pattern covers an item, and why not. */
export function coverage(pattern: string, item: AlarmItem): Coverage {
  let parsed;
  try {
    parsed = parseFilterPattern(pattern);
  } catch (error) {
    if (error instanceof PatternNotUnderstood) return { covers: false, understood: false, why: error.message };
    throw error;
  }
  const missed = item.matches.filter((record) => !matchesRecord(parsed, record)).length;
  if (missed > 0) {
    return { covers: false, understood: true, related: missed < item.matches.length, why: `misses ${missed} of the ${item.matches.length} sample events` };
  }
  if (item.ignores.some((record) => matchesRecord(parsed, record))) {
    return { covers: false, understood: true, related: true, why: `also matches events that are not ${item.subject}` };
  }
  return { covers: true };
}
