// The sandbox's CloudTrail API through the real AWS SDK v3 client over real HTTP (no mocks), and the event
// history's consistency with the IAM estate the same sandbox serves.
import {
  CloudTrailClient,
  CloudTrailServiceException,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  paginateLookupEvents,
  ThrottlingException,
  TrailNotFoundException,
} from '@aws-sdk/client-cloudtrail';
import type { Event, LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { AccountClient, ListRegionsCommand, paginateListRegions } from '@aws-sdk/client-account';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ENABLED_REGIONS } from '../sandbox/account-regions.js';
import { LookupRateLimiter } from '../sandbox/cloudtrail-actions.js';
import { EventHistory, LOCAL_TRAIL_ARN, ORG_TRAIL_ARN, SECURITY_TRAIL_ARN, startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';

const END = new Date('2026-03-31T00:00:00Z');
const DAY_MS = 86_400_000;
/** Noon of the day `offset` days from the end day. */
const day = (offset: number) => new Date(END.getTime() + offset * DAY_MS + 12 * 3_600_000);
/** A time on the day `offset` days from the end day. */
const at = (offset: number, h: number, m: number, s: number) => new Date(END.getTime() + offset * DAY_MS + ((h * 60 + m) * 60 + s) * 1000);
const endOfDay = (offset: number) => at(offset, 23, 59, 59);

const credentials = { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-secret' };
const clientFor = (endpoint: string, region: string, maxAttempts = 1) => new CloudTrailClient({ endpoint, region, credentials, maxAttempts });

async function lookupAll(client: CloudTrailClient, input: LookupEventsCommandInput, pageSize = 50) {
  const pages = [];
  // A copy: the SDK's paginator writes NextToken and MaxResults into the input it is given.
  for await (const page of paginateLookupEvents({ client, pageSize }, { ...input })) pages.push(page);
  return { pages, events: pages.flatMap((p) => p.Events ?? []) };
}
type Attribute = 'EventName' | 'Username' | 'EventSource' | 'ReadOnly';
const by = (AttributeKey: Attribute, AttributeValue: string) => ({
  LookupAttributes: [{ AttributeKey, AttributeValue }],
});
const byName = (name: string) => by('EventName', name);
/** The CloudTrailEvent record, loosely typed: tests reach deep into it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const record = (event: Event | undefined) => JSON.parse(event?.CloudTrailEvent ?? '{}') as Record<string, any>;

describe('sandbox CloudTrail through the AWS SDK', () => {
  let sandbox: Sandbox;
  let us: CloudTrailClient;
  let eu: CloudTrailClient;
  let sydney: CloudTrailClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ historyEnd: END, date: day(0), lookupEventsPerSecond: 0 });
    us = clientFor(sandbox.endpoint, 'us-east-1');
    eu = clientFor(sandbox.endpoint, 'eu-west-1');
    sydney = clientFor(sandbox.endpoint, 'ap-southeast-2');
  });
  afterAll(async () => {
    for (const client of [us, eu, sydney]) client?.destroy();
    await sandbox?.close();
  });

  it('lists the enabled regions through the Account API, every page, and rejects a bad filter', async () => {
    const account = new AccountClient({
      region: 'us-east-1',
      endpoint: sandbox.endpoint,
      credentials: { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake' },
    });
    try {
      const names: string[] = [];
      for await (const page of paginateListRegions({ client: account, pageSize: 7 }, { RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] })) {
        expect(page.Regions!.length).toBeLessThanOrEqual(7);
        names.push(...page.Regions!.map((r) => r.RegionName!));
      }
      expect(names).toEqual(SANDBOX_ENABLED_REGIONS);
      expect(names).toContain('eu-south-1');
      expect(names).not.toContain('af-south-1');
      const all = await account.send(new ListRegionsCommand({ MaxResults: 50 }));
      expect(all.Regions?.find((r) => r.RegionName === 'af-south-1')?.RegionOptStatus).toBe('DISABLED');
      expect(all.NextToken).toBeUndefined();
      await expect(account.send(new ListRegionsCommand({ MaxResults: 51 }))).rejects.toMatchObject({ name: 'ValidationException' });
    } finally {
      account.destroy();
    }
  });

  it('describes the trails of each region, with and without shadow trails', async () => {
    const names = async (client: CloudTrailClient, input = {}) => (await client.send(new DescribeTrailsCommand(input))).trailList?.map((t) => t.Name);
    // The organization trail belongs to the management account: a shadow in every region of the member.
    // security-trail (from day -5) is the member's own multi-region trail, homed in us-east-1.
    expect(await names(us)).toEqual(['org-trail', 'security-trail']);
    expect(await names(eu)).toEqual(['org-trail', 'eu-audit', 'security-trail']);
    expect(await names(sydney)).toEqual(['org-trail', 'security-trail']);
    expect(await names(us, { includeShadowTrails: false })).toEqual(['security-trail']);
    expect(await names(eu, { includeShadowTrails: false })).toEqual(['eu-audit']);
    expect(await names(sydney, { includeShadowTrails: false })).toEqual([]);
    // Names match the region's own trails only; an ARN reaches across regions.
    expect(await names(us, { trailNameList: ['eu-audit'] })).toEqual([]);
    expect(await names(us, { trailNameList: [LOCAL_TRAIL_ARN] })).toEqual(['eu-audit']);
    expect(await names(eu, { trailNameList: ['eu-audit', 'org-trail'] })).toEqual(['eu-audit']);

    const { trailList } = await eu.send(new DescribeTrailsCommand({}));
    expect(trailList?.[0]).toEqual({
      Name: 'org-trail',
      S3BucketName: 'example-co-org-cloudtrail-logs',
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: true,
      HomeRegion: 'us-east-1',
      TrailARN: 'arn:aws:cloudtrail:us-east-1:444455556666:trail/org-trail',
      LogFileValidationEnabled: true,
      CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:444455556666:log-group:aws-cloudtrail-logs-org:*',
      CloudWatchLogsRoleArn: 'arn:aws:iam::444455556666:role/CloudTrailRoleForCloudWatchLogs_org-trail',
      KmsKeyId: expect.stringMatching(/^arn:aws:kms:us-east-1:444455556666:key\/[0-9a-f-]{36}$/),
      HasCustomEventSelectors: true,
      HasInsightSelectors: false,
      IsOrganizationTrail: true,
    });
    // The local trail's faults: no KMS, no CloudWatch Logs; validation only from day -4.
    expect(trailList?.[1]).toEqual({
      Name: 'eu-audit',
      S3BucketName: 'example-co-eu-audit-trail',
      S3KeyPrefix: 'regional',
      IncludeGlobalServiceEvents: false,
      IsMultiRegionTrail: false,
      HomeRegion: 'eu-west-1',
      TrailARN: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/eu-audit',
      LogFileValidationEnabled: true,
      HasCustomEventSelectors: true,
      HasInsightSelectors: false,
      IsOrganizationTrail: false,
    });
    try {
      sandbox.setDate(day(-5));
      const before = await eu.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
      expect(before.trailList?.[0]?.LogFileValidationEnabled).toBe(false);
    } finally {
      sandbox.setDate(day(0));
    }
    expect(sandbox.requests.byAction.DescribeTrails).toBeGreaterThanOrEqual(11);
  });

  it('reports the trail status across the logging gap and the CloudWatch Logs failure', async () => {
    // The status at the end of each day: the sandbox answers as of the instant it is set to.
    const status = async (offset: number, client = us, Name = ORG_TRAIL_ARN) => {
      sandbox.setDate(endOfDay(offset));
      const { $metadata: _m, ...rest } = await client.send(new GetTrailStatusCommand({ Name }));
      return rest;
    };
    const created = expect.any(Date);
    try {
      const before = await status(-10);
      expect(before).toMatchObject({ IsLogging: true, StartLoggingTime: created });
      expect(before.StopLoggingTime).toBeUndefined();
      expect(before.LatestDeliveryTime?.getTime()).toBeGreaterThan(endOfDay(-10).getTime() - 5 * 60_000);

      const stopped = await status(-9);
      expect(stopped.IsLogging).toBe(false);
      expect(stopped.StopLoggingTime).toEqual(at(-9, 18, 22, 5));
      // The last delivery flushes what was buffered at the stop; then nothing.
      const lastDelivery = stopped.LatestDeliveryTime?.getTime() ?? 0;
      expect(lastDelivery).toBeGreaterThanOrEqual(at(-9, 18, 22, 5).getTime() - 5 * 60_000);
      expect(lastDelivery).toBeLessThanOrEqual(at(-9, 18, 22, 5).getTime() + 5 * 60_000);

      const restarted = await status(-8);
      expect(restarted).toMatchObject({
        IsLogging: true,
        StartLoggingTime: at(-8, 11, 47, 30),
        StopLoggingTime: at(-9, 18, 22, 5),
      });
      expect(restarted.LatestDigestDeliveryTime?.getTime()).toBeGreaterThan(endOfDay(-8).getTime() - 3_600_000);

      expect((await status(-3)).LatestCloudWatchLogsDeliveryError).toBeUndefined();
      const failing = await status(-2);
      expect(failing.LatestCloudWatchLogsDeliveryError).toMatch(/^AccessDenied/);
      expect(failing.LatestCloudWatchLogsDeliveryTime?.getTime()).toBeLessThan(at(-2, 3, 14, 0).getTime());
      expect((await status(0)).LatestCloudWatchLogsDeliveryTime).toEqual(failing.LatestCloudWatchLogsDeliveryTime);

      // A shadow answers by ARN in any region; the local trail by name in its own region.
      expect((await status(0, sydney)).IsLogging).toBe(true);
      const local = await status(0, eu, 'eu-audit');
      expect(local).toMatchObject({ IsLogging: true, LatestDigestDeliveryTime: expect.any(Date) });
      expect(local.LatestCloudWatchLogsDeliveryTime).toBeUndefined();
      expect((await status(-5, eu, 'eu-audit')).LatestDigestDeliveryTime).toBeUndefined();
    } finally {
      sandbox.setDate(day(0));
    }
  });

  it('answers TrailNotFoundException for a name a member account cannot use, and rejects bad ARNs', async () => {
    // A member account must name the organization trail by ARN; a single-region trail exists only at home.
    for (const [client, Name] of [
      [us, 'org-trail'],
      [us, 'eu-audit'],
      [us, LOCAL_TRAIL_ARN],
      [eu, 'no-such-trail'],
    ] as const) {
      const error = await client.send(new GetTrailStatusCommand({ Name })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrailNotFoundException);
      expect(error).toMatchObject({
        message: `Unknown trail: ${Name} for the user: 111122223333`,
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(us.send(new GetTrailStatusCommand({ Name: 'arn:aws:cloudtrail:nowhere' }))).rejects.toMatchObject({
      name: 'CloudTrailARNInvalidException',
    });
    await expect(us.send(new GetEventSelectorsCommand({ TrailName: 'a' }))).rejects.toMatchObject({
      name: 'InvalidTrailNameException',
    });
  });

  it('returns basic event selectors for the local trail and advanced ones for the organization trail', async () => {
    const local = await eu.send(new GetEventSelectorsCommand({ TrailName: 'eu-audit' }));
    expect(local.TrailARN).toBe(LOCAL_TRAIL_ARN);
    expect(local.AdvancedEventSelectors).toBeUndefined();
    expect(local.EventSelectors).toEqual([
      {
        ReadWriteType: 'WriteOnly',
        IncludeManagementEvents: true,
        DataResources: [],
        ExcludeManagementEventSources: [],
      },
    ]);
    const org = await eu.send(new GetEventSelectorsCommand({ TrailName: ORG_TRAIL_ARN }));
    expect(org.TrailARN).toBe(ORG_TRAIL_ARN);
    expect(org.EventSelectors).toBeUndefined();
    expect(org.AdvancedEventSelectors).toEqual([
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'S3 data events on the data lake',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::example-co-lake/'] },
        ],
      },
    ]);
    expect(sandbox.requests.byAction.GetEventSelectors).toBeGreaterThanOrEqual(2);
  });

  it('looks up events by name in a time window, newest first, page by page', async () => {
    const window = { StartTime: at(-5, 0, 0, 0), EndTime: endOfDay(-3) };
    const paged = await lookupAll(us, { ...byName('ConsoleLogin'), ...window }, 7);
    const whole = await lookupAll(us, { ...byName('ConsoleLogin'), ...window });
    expect(paged.events.length).toBeGreaterThan(20);
    expect(paged.pages.length).toBe(Math.ceil(paged.events.length / 7));
    expect(paged.pages.slice(0, -1).every((p) => p.Events?.length === 7 && p.NextToken)).toBe(true);
    expect(paged.pages.at(-1)?.NextToken).toBeUndefined();
    expect(paged.events.map((e) => e.EventId)).toEqual(whole.events.map((e) => e.EventId));
    expect(new Set(paged.events.map((e) => e.EventId)).size).toBe(paged.events.length);
    const times = paged.events.map((e) => e.EventTime?.getTime() ?? 0);
    expect(times.every((t, i) => i === 0 || t <= (times[i - 1] ?? t))).toBe(true);
    expect(times.every((t) => t >= window.StartTime.getTime() && t <= window.EndTime.getTime())).toBe(true);

    const login = paged.events[0];
    expect(login).toMatchObject({ EventName: 'ConsoleLogin', ReadOnly: 'false', EventSource: 'signin.amazonaws.com' });
    expect(login?.AccessKeyId).toBeUndefined();
    expect(record(login)).toMatchObject({
      eventSource: 'signin.amazonaws.com',
      awsRegion: 'us-east-1',
      eventType: 'AwsConsoleSignIn',
      userIdentity: { type: 'IAMUser', accountId: '111122223333', userName: login?.Username },
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { MFAUsed: expect.stringMatching(/^(Yes|No)$/) },
      eventID: login?.EventId,
      recipientAccountId: '111122223333',
    });

    // A token continues only the query it came from.
    const first = await us.send(new LookupEventsCommand({ ...byName('ConsoleLogin'), MaxResults: 5 }));
    const misuse = us.send(new LookupEventsCommand({ ...byName('DeleteUser'), NextToken: first.NextToken }));
    await expect(misuse).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });

  it('records the IAM drift as global events in us-east-1, in the order IAM requires', async () => {
    const deletion = await lookupAll(us, {
      ...by('Username', 'alice.nguyen'),
      StartTime: at(-3, 17, 0, 0),
      EndTime: at(-3, 18, 0, 0),
    });
    // Alice signs in first (unless she already had), then the steps in the order IAM requires.
    const steps = deletion.events.filter((e) => e.EventName !== 'ConsoleLogin');
    expect(steps.map((e) => e.EventName).reverse()).toEqual([
      'DeleteLoginProfile',
      'DeactivateMFADevice',
      'DeleteVirtualMFADevice',
      'RemoveUserFromGroup',
      'DeleteUser',
    ]);
    const deleted = steps[0];
    expect(deleted?.EventTime).toEqual(at(-3, 17, 20, 36));
    expect(deleted?.Resources).toEqual([{ ResourceType: 'AWS::IAM::User', ResourceName: 'ivan.petrov' }]);
    expect(record(deleted)).toMatchObject({
      eventSource: 'iam.amazonaws.com',
      awsRegion: 'us-east-1',
      eventType: 'AwsApiCall',
      requestParameters: { userName: 'ivan.petrov' },
      userIdentity: { type: 'IAMUser', userName: 'alice.nguyen', accessKeyId: expect.stringMatching(/^ASIA/) },
    });

    const one = async (name: string, client = us) => {
      const { events } = await lookupAll(client, byName(name));
      return events;
    };
    expect((await one('CreateUser')).map((e) => [e.EventTime, e.Resources?.[0]?.ResourceName])).toEqual([[at(-24, 9, 12, 40), 'julia.santos']]);
    const promotion = (await one('AddUserToGroup')).map((e) => record(e).requestParameters);
    expect(promotion).toEqual([
      { groupName: 'Admins', userName: 'carol.diaz' },
      { groupName: 'Developers', userName: 'julia.santos' },
    ]);
    const [created] = await one('CreateAccessKey');
    const [deactivated] = await one('UpdateAccessKey');
    expect(record(created).responseElements.accessKey).toMatchObject({ userName: 'svc-reporting', status: 'Active' });
    expect(record(deactivated).requestParameters).toMatchObject({ userName: 'svc-reporting', status: 'Inactive' });
    const [policy] = await one('CreatePolicy');
    expect(JSON.parse(record(policy).requestParameters.policyDocument)).toMatchObject({
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    expect((await one('AttachRolePolicy'))[0]?.Resources).toContainEqual({
      ResourceType: 'AWS::IAM::Role',
      ResourceName: 'app-ecs-task',
    });
    expect((await one('DeactivateMFADevice')).map((e) => record(e).requestParameters.userName)).toEqual(['ivan.petrov', 'erin.kowalski']);
    // Global events never appear in other regions; the local trail's update does, in its own.
    expect(await one('CreateUser', eu)).toEqual([]);
    const [update] = await one('UpdateTrail', eu);
    expect(update?.EventTime).toEqual(at(-4, 10, 5, 41));
    expect(record(update).requestParameters).toEqual({ name: 'eu-audit', enableLogFileValidation: true });

    // Root signs in with MFA (the sign-in recorded as invoked by signin.amazonaws.com, as real logs
    // show it), then relaxes the password policy in that session.
    const root = await lookupAll(us, by('Username', 'root'));
    expect(root.events.map((e) => [e.EventName, e.EventTime])).toEqual([
      ['UpdateAccountPasswordPolicy', at(-6, 9, 52, 13)],
      ['ConsoleLogin', at(-6, 9, 41, 27)],
    ]);
    expect(record(root.events[1])).toMatchObject({
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', invokedBy: 'signin.amazonaws.com' },
      additionalEventData: { MFAUsed: 'Yes' },
    });
    expect(record(root.events[0]).userIdentity.sessionContext.attributes.creationDate).toBe('2026-03-25T09:41:27Z');

    // The organization trail's gap, made from the management account; security-trail started by alice.
    const toggles = [...(await one('StartLogging')), ...(await one('StopLogging'))];
    expect(toggles.map((e) => [e.EventName, e.EventTime, e.Resources?.[0]?.ResourceName])).toEqual([
      ['StartLogging', at(-5, 11, 20, 24), SECURITY_TRAIL_ARN],
      ['StartLogging', at(-8, 11, 47, 30), ORG_TRAIL_ARN],
      ['StopLogging', at(-9, 18, 22, 5), ORG_TRAIL_ARN],
    ]);
    expect(record(toggles[2])).toMatchObject({
      userIdentity: { type: 'AssumedRole', accountId: '444455556666' },
      recipientAccountId: '444455556666',
    });
  });

  it('keeps sign-ins, key use and console sessions consistent with the IAM estate', async () => {
    const estate = sandbox.estate();
    const horizon = estate.asOf.getTime() - 90 * DAY_MS;
    const logins = (await lookupAll(us, byName('ConsoleLogin'))).events;
    const latest = (events: Event[]) => events[0]?.EventTime?.getTime() ?? null;
    for (const user of estate.users) {
      const mine = logins.filter((e) => e.Username === user.userName);
      const lastUsed = user.password?.lastUsed?.getTime() ?? null;
      expect(latest(mine), user.userName).toBe(lastUsed !== null && lastUsed >= horizon ? lastUsed : null);
    }
    expect(latest(logins.filter((e) => e.Username === 'root'))).toBe(estate.root.passwordLastUsed?.getTime());

    const calls = (await lookupAll(eu, by('ReadOnly', 'true'))).events;
    const started = (await lookupAll(eu, byName('StartQueryExecution'))).events;
    const sourceOf = (service: string) => `${service === 'cloudwatch' ? 'monitoring' : service}.amazonaws.com`;
    for (const key of estate.users.flatMap((u) => u.accessKeys)) {
      const used = [...calls, ...started]
        .filter((e) => e.AccessKeyId === key.accessKeyId)
        .sort((a, b) => (b.EventTime?.getTime() ?? 0) - (a.EventTime?.getTime() ?? 0));
      const lastUsed = key.lastUsed && key.lastUsed.date.getTime() >= horizon ? key.lastUsed : null;
      expect(latest(used), key.accessKeyId).toBe(lastUsed?.date.getTime() ?? null);
      if (lastUsed) expect(used[0]?.EventSource).toBe(sourceOf(lastUsed.service));
    }

    // MFA as it stood at each sign-in: dan only from day -12, erin no longer from day -8.
    const mfa = (user: string, from: number, to: number) =>
      logins
        .filter((e) => e.Username === user && e.EventTime)
        .filter((e) => (e.EventTime ?? END) >= at(from, 0, 0, 0) && (e.EventTime ?? END) <= endOfDay(to))
        .map((e) => record(e).additionalEventData.MFAUsed as string);
    expect(new Set(mfa('dan.okafor', -40, -13))).toEqual(new Set(['No']));
    expect(new Set(mfa('dan.okafor', -11, 0))).toEqual(new Set(['Yes']));
    expect(new Set(mfa('erin.kowalski', -7, 0))).toEqual(new Set(['No']));

    // Every console change runs in a session opened by a sign-in earlier that day.
    const changes = (await lookupAll(us, by('EventSource', 'iam.amazonaws.com'))).events;
    // 19, and the vendor role's CreateRole and AttachRolePolicy.
    expect(changes.length).toBe(21);
    for (const change of changes) {
      const signedIn = record(change).userIdentity.sessionContext.attributes.creationDate as string;
      const login = logins.find((e) => e.Username === change.Username && e.EventTime?.getTime() === Date.parse(signedIn));
      expect(login, `${change.EventName} by ${change.Username}`).toBeDefined();
      expect(signedIn.slice(0, 10)).toBe(change.EventTime?.toISOString().slice(0, 10));
    }
  });

  it('keeps 90 days of history, as it stood on the simulated day', async () => {
    const old = await us.send(
      new LookupEventsCommand({
        StartTime: new Date(END.getTime() - 120 * DAY_MS),
        EndTime: new Date(END.getTime() - 91 * DAY_MS),
      }),
    );
    expect(old.Events).toEqual([]);
    expect(old.NextToken).toBeUndefined();
    const all = (await lookupAll(us, byName('ConsoleLogin'))).events;
    const oldest = all.at(-1)?.EventTime?.getTime() ?? 0;
    // The sandbox is at noon of the end day (its clock running on since): 90 days back from then.
    expect(oldest).toBeGreaterThanOrEqual(day(0).getTime() - 90 * DAY_MS);
    expect(oldest).toBeLessThan(day(0).getTime() - 85 * DAY_MS);
    try {
      sandbox.setDate(day(-30));
      expect((await us.send(new LookupEventsCommand(byName('DeleteUser')))).Events).toEqual([]);
      const then = await us.send(new LookupEventsCommand({ MaxResults: 1 }));
      // Nothing after the instant set, but for the seconds its clock ran on while the test read.
      expect(then.Events?.[0]?.EventTime?.getTime()).toBeLessThanOrEqual(day(-30).getTime() + 60_000);
    } finally {
      sandbox.setDate(day(0));
    }
  });

  it('validates LookupEvents requests as CloudTrail does', async () => {
    const attempt = (input: LookupEventsCommandInput) => us.send(new LookupEventsCommand(input));
    await expect(
      attempt({
        LookupAttributes: [
          { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' },
          { AttributeKey: 'Username', AttributeValue: 'root' },
        ],
      }),
    ).rejects.toMatchObject({ name: 'InvalidLookupAttributesException' });
    await expect(attempt({ StartTime: day(0), EndTime: day(-1) })).rejects.toMatchObject({
      name: 'InvalidTimeRangeException',
    });
    await expect(attempt({ MaxResults: 51 })).rejects.toMatchObject({ name: 'InvalidMaxResultsException' });
    expect((await attempt({ EventCategory: 'insight' })).Events).toEqual([]);
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const error = await us.send(new ListTrailsCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudTrailServiceException);
    expect(error).toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 400 } });
    expect(sandbox.requests.byAction.ListTrails).toBe(1);

    // Unsigned: the home region is assumed.
    const response = await fetch(sandbox.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.CreateTrail' },
      body: '{"Name":"x"}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation CreateTrail.',
    });
  });
});

describe('LookupEvents rate limit', () => {
  it('throttles beyond 2 requests per second per region, and the SDK retry recovers', async () => {
    const sandbox = await startSandbox({ historyEnd: END, date: day(0) });
    const impatient = clientFor(sandbox.endpoint, 'us-east-1');
    const patient = clientFor(sandbox.endpoint, 'eu-west-1', 10);
    try {
      const lookup = (client: CloudTrailClient) => client.send(new LookupEventsCommand({ MaxResults: 1 }));
      const burst = await Promise.allSettled([1, 2, 3, 4].map(() => lookup(impatient)));
      const refused = burst.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      expect(refused[0]).toBeInstanceOf(ThrottlingException);
      expect(refused[0]).toMatchObject({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });

      // Another region has its own budget; with retries every call of a burst gets through.
      const retried = await Promise.all([1, 2, 3, 4].map(() => lookup(patient)));
      expect(retried.every((r) => r.Events?.length === 1)).toBe(true);
      expect(Math.max(...retried.map((r) => r.$metadata.attempts ?? 1))).toBeGreaterThan(1);
    } finally {
      impatient.destroy();
      patient.destroy();
      await sandbox.close();
    }
  });

  it('refuses a burst beyond 2 a second per region, lets a paced client through; 0 turns it off', () => {
    let now = 0;
    const limiter = new LookupRateLimiter(2, () => now);
    const us = () => limiter.take('us-east-1');
    expect([us(), us(), us()]).toEqual([true, true, false]);
    expect(limiter.take('eu-west-1')).toBe(true);
    now = 499;
    expect(us()).toBe(false);
    now = 500;
    expect([us(), us()]).toEqual([true, false]);
    // Paced as the collector paces (525 ms) with arrivals jittering by 40 ms either way: never refused.
    const paced = Array.from({ length: 40 }, (_, i) => {
      now = 2000 + i * 525 + (i % 2 === 0 ? 40 : -40);
      return us();
    });
    expect(paced.every(Boolean)).toBe(true);
    // Unpaced at 10 a second: four in five refused once the bucket is empty.
    const burst = Array.from({ length: 50 }, (_, i) => {
      now = 30_000 + i * 100;
      return us();
    });
    expect(burst.filter(Boolean).length).toBeLessThanOrEqual(2 + 10 + 1);
    const off = new LookupRateLimiter(0, () => 0);
    expect(Array.from({ length: 10 }, () => off.take('us-east-1')).every(Boolean)).toBe(true);
  });
});

describe('event history model', () => {
  it('is deterministic, and pads days to eventsPerDay with routine service calls', async () => {
    const endDay = Math.floor(END.getTime() / DAY_MS);
    const id = (h: EventHistory) => h.eventsOn('us-east-1', endDay - 3).map((e) => e.eventId);
    expect(id(new EventHistory({ historyEnd: END }))).toEqual(id(new EventHistory({ historyEnd: END })));
    expect(id(new EventHistory({ historyEnd: END, seed: 7 }))).not.toEqual(id(new EventHistory({ historyEnd: END })));

    const sandbox = await startSandbox({ historyEnd: END, date: day(0), eventsPerDay: 300, lookupEventsPerSecond: 0 });
    const eu = clientFor(sandbox.endpoint, 'eu-west-1');
    const us = clientFor(sandbox.endpoint, 'us-east-1');
    try {
      const oneDay = { StartTime: at(-1, 0, 0, 0), EndTime: endOfDay(-1) };
      expect((await lookupAll(eu, oneDay)).events).toHaveLength(300);
      expect((await lookupAll(us, oneDay)).events).toHaveLength(300);
      const assumed = (await lookupAll(eu, { ...byName('AssumeRole'), ...oneDay })).events;
      expect(assumed.length).toBeGreaterThan(250);
      expect(record(assumed[0])).toMatchObject({ userIdentity: { type: 'AWSService' }, readOnly: true });
      // Padding never hides the account's own activity.
      const unpadded = new EventHistory({ historyEnd: END });
      const logins = (await lookupAll(us, { ...byName('ConsoleLogin'), ...oneDay })).events.map((e) => e.EventId);
      const expected = unpadded
        .eventsOn('us-east-1', endDay - 1)
        .filter((e) => e.eventName === 'ConsoleLogin')
        .map((e) => e.eventId);
      expect(logins).toEqual(expected);
    } finally {
      eu.destroy();
      us.destroy();
      await sandbox.close();
    }
  });
});
