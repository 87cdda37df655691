// The three event checks as pure functions over hand-built events: which events fail, what each
// finding names (time, actor, source IP, event id), the pass per completely read region with no such
// event (stable wording, no times), and error findings for a region whose events could not be read.
import { describe, expect, it } from 'vitest';
import { awsCloudTrailChecks } from '../../../collectors/aws-cloudtrail/checks/index.js';
import { awsCloudTrailOptionsSchema, EVIDENCE } from '../../../collectors/aws-cloudtrail/schema.js';
import type { CloudTrailEventData, RegionEventsEvidence } from '../../../collectors/aws-cloudtrail/schema.js';
import type { EventItem, EvidenceItem, ResourceError } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';

const ACCOUNT = '111122223333';
const NOW = new Date('2026-01-10T12:00:00.000Z');
const regionArn = (region: string) => `arn:aws:cloudtrail:${region}:${ACCOUNT}:region`;
const options = awsCloudTrailOptionsSchema.parse({});
const EVENT_CHECKS = ['aws_cloudtrail_root_not_used', 'aws_cloudtrail_console_signin_mfa_used', 'aws_cloudtrail_logging_not_stopped'];

const alice = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' };
const root = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
const sso = { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_abc/bob@example.com`, accountId: ACCOUNT };
const federated = { type: 'FederatedUser', arn: `arn:aws:sts::${ACCOUNT}:federated-user/carol`, accountId: ACCOUNT };

let counter = 0;
function event(
  eventName: string,
  identity: Record<string, unknown>,
  record: Record<string, unknown> = {},
  overrides: { region?: string; username?: string; source?: string; malformed?: boolean } = {},
): EventItem {
  counter += 1;
  const eventId = `evt-${String(counter).padStart(4, '0')}`;
  const occurredAt = '2026-01-10T09:15:00.000Z';
  const source =
    overrides.source ??
    (eventName === 'ConsoleLogin'
      ? 'signin.amazonaws.com'
      : eventName.endsWith('Logging') || eventName.includes('Trail') || eventName === 'PutEventSelectors'
        ? 'cloudtrail.amazonaws.com'
        : 'iam.amazonaws.com');
  // A field set to undefined in `record` is left out of the record, as CloudTrail leaves it out.
  const full = Object.fromEntries(
    Object.entries({
      eventID: eventId,
      eventTime: '2026-01-10T09:15:00Z',
      eventName,
      eventSource: source,
      userIdentity: identity,
      sourceIPAddress: '203.0.113.10',
      ...record,
    }).filter(([, value]) => value !== undefined),
  );
  const data: CloudTrailEventData = {
    eventName,
    eventSource: source,
    username: overrides.username ?? (identity['userName'] as string | undefined) ?? (identity['type'] === 'Root' ? 'root' : null),
    readOnly: false,
    resources: [],
    record: overrides.malformed ? null : full,
    ...(overrides.malformed ? { rawRecord: '{"eventVersion":' } : {}),
  };
  return {
    type: 'aws.cloudtrail.event',
    eventId,
    occurredAt,
    partition: overrides.region ?? 'us-east-1',
    schemaVersion: 1,
    data,
    ...(overrides.malformed ? { flags: ['malformed-record'] } : {}),
  };
}

function regionEvents(region: string): EvidenceItem {
  const data: RegionEventsEvidence = { accountId: ACCOUNT, region, queries: ['EventName=ConsoleLogin', 'Username=root'] };
  return { type: EVIDENCE.regionEvents, resourceId: regionArn(region), schemaVersion: 1, data };
}

function judge(checkId: string, events: EventItem[], regions = ['us-east-1'], errors: ResourceError[] = []) {
  const check = awsCloudTrailChecks.find((c) => c.id === checkId)!;
  return evaluateChecks([check], regions.map(regionEvents), errors, options, NOW, 'scope', events).findings.map((f) => ({
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    status: f.status,
    message: f.message,
  }));
}

const signIn = (identity: Record<string, unknown>, mfa: string, outcome = 'Success') =>
  event('ConsoleLogin', identity, { responseElements: { ConsoleLogin: outcome }, additionalEventData: { MFAUsed: mfa } });

describe('aws_cloudtrail_root_not_used', () => {
  it.each<[string, EventItem, 'fail' | 'pass']>([
    ['a root console sign-in', signIn(root, 'Yes'), 'fail'],
    ['a root API call', event('CreateAccessKey', root), 'fail'],
    ['a malformed record whose Username is root', event('ConsoleLogin', root, {}, { malformed: true }), 'fail'],
    ['an AWS service acting on behalf of root (invokedBy)', event('CreateServiceLinkedRole', { ...root, invokedBy: 'support.amazonaws.com' }), 'pass'],
    // Real root console activity carries the sign-in service as invoker: a person at the console, not a service.
    ['a root console sign-in invoked by signin.amazonaws.com', signIn({ ...root, invokedBy: 'signin.amazonaws.com' }, 'Yes'), 'fail'],
    ['a root console call invoked by signin.amazonaws.com', event('GetAccountSummary', { ...root, invokedBy: 'signin.amazonaws.com' }), 'fail'],
    ['a root console call invoked by console.amazonaws.com', event('PutBucketPolicy', { ...root, invokedBy: 'console.amazonaws.com' }), 'fail'],
    ['CloudFormation acting on behalf of root', event('CreateRole', { ...root, invokedBy: 'cloudformation.amazonaws.com' }), 'pass'],
    ['AWS acting internally on behalf of root (AWS Internal)', event('RotateKey', { ...root, invokedBy: 'AWS Internal' }), 'pass'],
    ['an invoker that is not an AWS service principal', event('CreateAccessKey', { ...root, invokedBy: '198.51.100.7' }), 'fail'],
    ['a record without userIdentity whose Username is root', event('CreateAccessKey', root, { userIdentity: undefined }), 'fail'],
    ['a record without userIdentity or Username', event('CreateRole', root, { userIdentity: undefined }, { username: '' }), 'pass'],
    ['an IAM user', signIn(alice, 'Yes'), 'pass'],
  ])('%s: %s', (_name, item, status) => {
    const findings = judge('aws_cloudtrail_root_not_used', [item]);
    if (status === 'fail') {
      expect(findings).toEqual([
        { resourceType: 'aws.cloudtrail.event', resourceId: item.eventId, status: 'fail', message: expect.stringContaining(`(event ${item.eventId}`) },
      ]);
      expect(findings[0]!.message).toMatch(/^The root user was used: \w+ at 2026-01-10T09:15:00.000Z in us-east-1 by .+ from /);
    } else {
      expect(findings).toEqual([
        {
          resourceType: EVIDENCE.regionEvents,
          resourceId: regionArn('us-east-1'),
          status: 'pass',
          message: `No root user activity in the events read for region us-east-1 of account ${ACCOUNT}.`,
        },
      ]);
    }
  });

  it('names time, actor, source IP and event id', () => {
    const item = signIn(root, 'Yes');
    expect(judge('aws_cloudtrail_root_not_used', [item])[0]!.message).toBe(
      `The root user was used: ConsoleLogin at 2026-01-10T09:15:00.000Z in us-east-1 by arn:aws:iam::${ACCOUNT}:root from 203.0.113.10 (event ${item.eventId}).`,
    );
  });

  it('passes each other region once, and its pass is the same whatever the events or the day', () => {
    const findings = judge('aws_cloudtrail_root_not_used', [signIn(root, 'Yes')], ['us-east-1', 'eu-west-1']);
    expect(findings.map((f) => [f.resourceId, f.status])).toEqual([
      [findings[0]!.resourceId, 'fail'],
      [regionArn('eu-west-1'), 'pass'],
    ]);
    const again = judge('aws_cloudtrail_root_not_used', [], ['eu-west-1']);
    expect(again).toEqual([findings[1]]);
  });
});

describe('aws_cloudtrail_console_signin_mfa_used', () => {
  it.each<[string, EventItem, 'fail' | 'pass' | 'error']>([
    ['an IAM user without MFA', signIn(alice, 'No'), 'fail'],
    ['an IAM user with MFA', signIn(alice, 'Yes'), 'pass'],
    ['a failed sign-in attempt without MFA', signIn(alice, 'No', 'Failure'), 'pass'],
    ['an SSO sign-in (MFA at the identity provider)', signIn(sso, 'No'), 'pass'],
    ['a federated sign-in', signIn(federated, 'No'), 'pass'],
    ['root without MFA (the root check judges root)', signIn(root, 'No'), 'pass'],
    ['a ConsoleLogin whose record is malformed', event('ConsoleLogin', alice, {}, { malformed: true }), 'error'],
    [
      'a ConsoleLogin whose record has no userIdentity',
      event('ConsoleLogin', alice, { userIdentity: undefined, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } }),
      'error',
    ],
    ['another event', event('CreateUser', alice), 'pass'],
  ])('%s: %s', (_name, item, status) => {
    const findings = judge('aws_cloudtrail_console_signin_mfa_used', [item]);
    if (status === 'pass') {
      expect(findings).toEqual([
        {
          resourceType: EVIDENCE.regionEvents,
          resourceId: regionArn('us-east-1'),
          status: 'pass',
          message: `No IAM user console sign-in without MFA in the events read for region us-east-1 ` + `of account ${ACCOUNT}.`,
        },
      ]);
    } else {
      expect(findings).toEqual([
        { resourceType: 'aws.cloudtrail.event', resourceId: item.eventId, status, message: expect.stringContaining(`(event ${item.eventId}`) },
      ]);
    }
  });

  it('names the user, time, address and event', () => {
    const item = signIn(alice, 'No');
    expect(judge('aws_cloudtrail_console_signin_mfa_used', [item])[0]!.message).toBe(
      `An IAM user signed in to the console without MFA: ConsoleLogin at 2026-01-10T09:15:00.000Z in us-east-1 by arn:aws:iam::${ACCOUNT}:user/alice from 203.0.113.10 (event ${item.eventId}).`,
    );
  });
});

describe('aws_cloudtrail_logging_not_stopped', () => {
  it.each<[string, EventItem, 'fail' | 'pass']>([
    ['StopLogging', event('StopLogging', alice), 'fail'],
    ['DeleteTrail', event('DeleteTrail', alice), 'fail'],
    ['UpdateTrail', event('UpdateTrail', alice), 'fail'],
    ['PutEventSelectors', event('PutEventSelectors', alice), 'fail'],
    ['a refused StopLogging (someone tried)', event('StopLogging', alice, { errorCode: 'AccessDenied' }), 'fail'],
    ['StartLogging', event('StartLogging', alice), 'pass'],
    ['a same-named call of another service', event('UpdateTrail', alice, {}, { source: 'example.amazonaws.com' }), 'pass'],
  ])('%s: %s', (_name, item, status) => {
    const findings = judge('aws_cloudtrail_logging_not_stopped', [item]);
    expect(findings.map((f) => [f.resourceId, f.status])).toEqual([[status === 'fail' ? item.eventId : regionArn('us-east-1'), status]]);
  });

  it('says when the call was refused', () => {
    const item = event('StopLogging', alice, { errorCode: 'AccessDenied' });
    expect(judge('aws_cloudtrail_logging_not_stopped', [item])[0]!.message).toBe(
      `CloudTrail logging was changed: StopLogging at 2026-01-10T09:15:00.000Z in us-east-1 by ` +
        `arn:aws:iam::${ACCOUNT}:user/alice from 203.0.113.10 (event ${item.eventId}). The call was refused ` +
        `(AccessDenied).`,
    );
  });
});

describe('event checks and regions whose events could not be read', () => {
  it.each(EVENT_CHECKS)('%s gives the unread region an error finding, never a pass', (checkId) => {
    const error: ResourceError = {
      type: EVIDENCE.regionEvents,
      resourceId: regionArn('eu-west-1'),
      error: 'LookupEvents EventName=ConsoleLogin in eu-west-1: AccessDeniedException: denied',
    };
    const findings = judge(checkId, [], ['us-east-1'], [error]);
    expect(findings.map((f) => [f.resourceId, f.status])).toEqual([
      [regionArn('us-east-1'), 'pass'],
      [regionArn('eu-west-1'), 'error'],
    ]);
  });
});
