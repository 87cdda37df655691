// The access-change population derived from stored CloudTrail events: which events belong to it (IAM
// writes, refused ones included; never reads or other services) and what each row says about the
// actor and the principal changed.
import { readFileSync } from 'node:fs';
import type { Event } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { accessChangePopulation, accessChangeRow } from '../../../collectors/aws-cloudtrail/access-changes.js';
import { eventItem } from '../../../collectors/aws-cloudtrail/event-reads.js';
import type { EventItem } from '../../../src/collector.js';

const ACCOUNT = '111122223333';
type RawEvent = Omit<Event, 'EventTime'> & { EventTime: number; CloudTrailEvent: string };
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/aws-cloudtrail/lookup-events-iam-source.json', import.meta.url), 'utf8')) as {
  Events: RawEvent[];
};

/** The stored form of a LookupEvents entry, as the collector builds it. */
const stored = (raw: RawEvent, region = 'us-east-1'): EventItem => eventItem({ ...raw, EventTime: new Date(raw.EventTime * 1000) }, region);
const byName = (name: string) => fixture.Events.find((e) => e.EventName === name)!;

/** An IAM write with the given parameters, by alice, for the target rules. */
function iamCall(eventName: string, requestParameters: Record<string, unknown> | null, extra: Record<string, unknown> = {}): EventItem {
  const base = byName('CreateRole');
  const record = { ...JSON.parse(base.CloudTrailEvent), eventName, requestParameters, ...extra };
  return stored({ ...base, EventName: eventName, CloudTrailEvent: JSON.stringify(record) });
}

describe('access-change population', () => {
  it('names who changed which principal, when and from where, for each IAM write', () => {
    expect(accessChangeRow(stored(byName('AttachRolePolicy')))).toEqual({
      occurredAt: '2026-01-10T07:01:00.000Z',
      region: 'us-east-1',
      eventId: byName('AttachRolePolicy').EventId,
      eventName: 'AttachRolePolicy',
      outcome: 'succeeded',
      actor: `arn:aws:iam::${ACCOUNT}:user/alice`,
      actorType: 'IAMUser',
      sessionIssuer: '',
      sourceIp: '203.0.113.23',
      targetType: 'role',
      target: 'deploy',
      change: 'policy arn:aws:iam::aws:policy/AdministratorAccess',
      record: 'parsed',
    });
  });

  it('keeps refused calls, marked with their error code', () => {
    expect(accessChangeRow(stored(byName('AddUserToGroup')))).toMatchObject({
      outcome: 'refused: AccessDenied',
      actor: `arn:aws:iam::${ACCOUNT}:user/bob`,
      targetType: 'user',
      target: 'bob',
      change: 'group admins',
    });
  });

  it('names the caller as the target of a call on its own credentials, with the key created', () => {
    expect(accessChangeRow(stored(byName('CreateAccessKey')))).toMatchObject({
      targetType: 'user',
      target: 'carol',
      change: 'access key FAKEKEYIDCAROL000002; (own credentials)',
    });
  });

  it('leaves out reads and the events of other services', () => {
    expect(accessChangeRow(stored(byName('GetAccountAuthorizationDetails')))).toBeUndefined();
    const stop = JSON.parse(readFileSync(new URL('../../fixtures/aws-cloudtrail/lookup-events-stop-logging.json', import.meta.url), 'utf8')) as {
      Events: RawEvent[];
    };
    expect(accessChangeRow(stored(stop.Events[0]!))).toBeUndefined();
    expect(accessChangeRow({ ...stored(byName('CreateRole')), type: 'github.pull-request' })).toBeUndefined();
  });

  it('keeps a malformed IAM write with what the envelope tells, flagged as malformed', () => {
    const raw = { ...byName('CreateRole'), CloudTrailEvent: '{"eventVersion":"1.09", truncated' };
    expect(accessChangeRow(stored(raw))).toEqual({
      occurredAt: '2026-01-10T07:00:00.000Z',
      region: 'us-east-1',
      eventId: raw.EventId,
      eventName: 'CreateRole',
      actor: 'alice',
      record: 'malformed',
    });
  });

  it('keeps an IAM write whose record has no userIdentity (valid JSON otherwise) as parsed, with its target', () => {
    const base = byName('CreateRole');
    const { userIdentity: _dropped, ...record } = JSON.parse(base.CloudTrailEvent) as Record<string, unknown>;
    const raw = {
      ...base,
      EventName: 'UpdateAssumeRolePolicy',
      Username: undefined,
      CloudTrailEvent: JSON.stringify({
        ...record,
        eventName: 'UpdateAssumeRolePolicy',
        requestParameters: { roleName: 'vendor-access', policyDocument: '{}' },
      }),
    };
    const item = stored(raw);
    expect(item.flags).toBeUndefined();
    expect((item.data as { record: unknown }).record).not.toBeNull();
    expect(accessChangeRow(item)).toMatchObject({
      eventName: 'UpdateAssumeRolePolicy',
      outcome: 'succeeded',
      actor: '',
      actorType: '(no userIdentity in the record)',
      targetType: 'role',
      target: 'vendor-access',
      record: 'parsed',
    });
  });

  it.each([
    ['PutUserPolicy', { userName: 'dan', policyName: 's3-admin', policyDocument: '{}' }, 'user', 'dan', 'inline policy s3-admin'],
    [
      'UpdateAccessKey',
      { userName: 'dan', accessKeyId: 'FAKEKEYIDDAN00000001', status: 'Inactive' },
      'user',
      'dan',
      'access key FAKEKEYIDDAN00000001 Inactive',
    ],
    ['DeactivateMFADevice', { userName: 'dan', serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/dan` }, 'user', 'dan', `MFA device arn:aws:iam::${ACCOUNT}:mfa/dan`],
    [
      'AttachGroupPolicy',
      { groupName: 'admins', policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' },
      'group',
      'admins',
      'policy arn:aws:iam::aws:policy/IAMFullAccess',
    ],
    ['AddRoleToInstanceProfile', { roleName: 'web', instanceProfileName: 'web-profile' }, 'role', 'web', 'instance profile web-profile'],
    ['UpdateAssumeRolePolicy', { roleName: 'deploy', policyDocument: '{}' }, 'role', 'deploy', ''],
    ['CreatePolicyVersion', { policyArn: `arn:aws:iam::${ACCOUNT}:policy/app`, setAsDefault: true }, 'policy', `arn:aws:iam::${ACCOUNT}:policy/app`, ''],
    [
      'SetDefaultPolicyVersion',
      { policyArn: `arn:aws:iam::${ACCOUNT}:policy/app`, versionId: 'v3' },
      'policy',
      `arn:aws:iam::${ACCOUNT}:policy/app`,
      'version v3',
    ],
    ['CreatePolicy', { policyName: 'app', policyDocument: '{}' }, 'policy', 'app', ''],
    ['DeleteVirtualMFADevice', { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/ivan` }, 'mfa-device', `arn:aws:iam::${ACCOUNT}:mfa/ivan`, ''],
    ['CreateVirtualMFADevice', { virtualMFADeviceName: 'julia', path: '/' }, 'mfa-device', 'julia', ''],
    ['CreateSAMLProvider', { name: 'okta', sAMLMetadataDocument: '<x/>' }, 'identity-provider', 'okta', ''],
    [
      'DeleteOpenIDConnectProvider',
      { openIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      'identity-provider',
      `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      '',
    ],
    ['UpdateAccountPasswordPolicy', { minimumPasswordLength: 8 }, 'account', ACCOUNT, 'UpdateAccountPasswordPolicy'],
    ['ChangePassword', null, 'user', 'alice', '(own credentials)'],
  ])('%s: target %s %s', (eventName, params, targetType, target, change) => {
    expect(accessChangeRow(iamCall(eventName, params))).toMatchObject({ eventName, targetType, target, change });
  });

  it('names the role a session came from for calls made in an assumed role', () => {
    const session = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123` } },
    };
    expect(accessChangeRow(iamCall('DeleteRole', { roleName: 'old' }, { userIdentity: session }))).toMatchObject({
      actor: session.arn,
      actorType: 'AssumedRole',
      sessionIssuer: session.sessionContext.sessionIssuer.arn,
      targetType: 'role',
      target: 'old',
    });
  });

  it('declares a column for every key a row can have', () => {
    const columns = new Set(accessChangePopulation.columns.map((c) => c.name));
    for (const raw of fixture.Events) {
      for (const key of Object.keys(accessChangeRow(stored(raw)) ?? {})) expect(columns).toContain(key);
    }
  });
});
