// The event slice of aws-cloudtrail against nock, through the real SDK (JSON 1.1 LookupEvents, epoch
// second timestamps, NextToken pages, CloudTrailEvent as a JSON string): windows per region from the
// watermark, the 90-day hole, failures kept to their region, malformed records kept and flagged, and
// the pacing that keeps LookupEvents under its 2-per-second quota. The pacer runs on a virtual clock
// (sleep advances it at once), so the 10,000-event case checks real spacing without waiting 100 s.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsCloudTrailChecks } from '../../../collectors/aws-cloudtrail/checks/index.js';
import { accessChangeRow, NO_IDENTITY } from '../../../collectors/aws-cloudtrail/access-changes.js';
import { collectAwsCloudTrail } from '../../../collectors/aws-cloudtrail/collect.js';
import { HOLE_ERROR, MALFORMED_FLAG } from '../../../collectors/aws-cloudtrail/event-reads.js';
import { awsCloudTrail } from '../../../collectors/aws-cloudtrail/index.js';
import { RegionPacer, realClock } from '../../../collectors/aws-cloudtrail/pacer.js';
import type { PacerClock } from '../../../collectors/aws-cloudtrail/pacer.js';
import { awsCloudTrailOptionsSchema } from '../../../collectors/aws-cloudtrail/schema.js';
import type { AwsCloudTrailOptions, CloudTrailEventData } from '../../../collectors/aws-cloudtrail/schema.js';
import type { ClientEnvironment, CollectResult } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { contextFor, isolateFromHostAws } from '../../helpers/collect-context.js';

const ACCOUNT = '111122223333';
const NOW = new Date('2026-01-10T12:00:00Z');
const DAY = 86_400_000;
const NOW_S = NOW.getTime() / 1000;
const FAKE_CREDENTIALS = { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake-secret-access-key' };
const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' };
const regionId = (region: string) => `arn:aws:cloudtrail:${region}:${ACCOUNT}:region`;
const iso = (ms: number) => new Date(ms).toISOString();

type Json = Record<string, unknown>;
const text = (name: string) => readFileSync(new URL(`../../fixtures/aws-cloudtrail/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(text(name)) as Json;

/** A clock whose sleep returns at once after moving the time on: pacing is exact and free. */
function virtualClock(): PacerClock & { sleeps: number[] } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
  };
}

interface LookupBody {
  LookupAttributes: { AttributeKey: string; AttributeValue: string }[];
  StartTime: number;
  EndTime: number;
  MaxResults: number;
  NextToken?: string;
}

/** LookupEvents of one query in `region`; `extra` narrows the match further (a page's NextToken). */
function lookup(region: string, key: string, value: string, extra: (body: LookupBody) => boolean = () => true) {
  return nock(`https://cloudtrail.${region}.amazonaws.com`)
    .matchHeader('x-amz-target', 'CloudTrail_20131101.LookupEvents')
    .matchHeader('authorization', (header: string) => header.includes(`/${region}/cloudtrail/`))
    .post('/', (body: LookupBody) => {
      const [attribute, ...more] = body.LookupAttributes;
      return (
        more.length === 0 &&
        attribute?.AttributeKey === key &&
        attribute.AttributeValue === value &&
        body.MaxResults === 50 &&
        body.EndTime === NOW_S &&
        extra(body)
      );
    });
}

function mockAccount(regions: string[]) {
  nock('https://sts.us-east-1.amazonaws.com')
    .post('/', (body: Record<string, string>) => body.Action === 'GetCallerIdentity')
    .reply(200, text('sts-get-caller-identity.xml'), { 'content-type': 'text/xml' });
  for (const region of regions) {
    nock(`https://cloudtrail.${region}.amazonaws.com`)
      .matchHeader('x-amz-target', 'CloudTrail_20131101.DescribeTrails')
      .post('/')
      .reply(200, { trailList: [] }, JSON_HEADERS);
  }
}

function collectContext(input: { options?: Json; watermarks?: Record<string, string>; aws?: ClientEnvironment['aws'] } = {}) {
  const options = awsCloudTrailOptionsSchema.parse({
    regions: ['us-east-1', 'eu-west-1'],
    ...input.options,
    events: { eventNames: ['ConsoleLogin', 'StopLogging'], iamChanges: false, ...(input.options?.['events'] as Json | undefined) },
  });
  return contextFor(awsCloudTrail, options, {
    now: NOW,
    clientEnvironment: { aws: { credentials: FAKE_CREDENTIALS, ...input.aws } },
    watermarks: input.watermarks ?? {},
  });
}

const findingsOf = (result: CollectResult, options: AwsCloudTrailOptions) =>
  evaluateChecks(awsCloudTrailChecks, result.evidence, result.errors, options, NOW, 'scope', result.events ?? []).findings;

// After-hooks run in reverse order of registration: this one sees the pending mocks before the shared
// hooks clean them up.
isolateFromHostAws(['AWS_ENDPOINT_URL_CLOUDTRAIL', 'AWS_ENDPOINT_URL_STS']);
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe('aws-cloudtrail events: collection', () => {
  it('reads every page of each query in two regions, keeps each event once and flags a malformed record', async () => {
    mockAccount(['us-east-1', 'eu-west-1']);
    const from = NOW_S - 90 * 86_400;
    const first = (body: LookupBody) => body.StartTime === from && body.NextToken === undefined;
    const page1 = json('lookup-events-console-login-1.json');
    lookup('us-east-1', 'EventName', 'ConsoleLogin', first).reply(200, page1, JSON_HEADERS);
    lookup('us-east-1', 'EventName', 'ConsoleLogin', (body) => body.NextToken === page1['NextToken']).reply(
      200,
      json('lookup-events-console-login-2.json'),
      JSON_HEADERS,
    );
    lookup('us-east-1', 'EventName', 'StopLogging', first).reply(200, json('lookup-events-stop-logging.json'), JSON_HEADERS);
    // The root query finds the root sign-in the ConsoleLogin query already read: kept once.
    const rootSignIn = (page1['Events'] as Json[])[1]!;
    lookup('us-east-1', 'Username', 'root', first).reply(200, { Events: [rootSignIn] }, JSON_HEADERS);
    for (const [key, value] of [
      ['EventName', 'ConsoleLogin'],
      ['EventName', 'StopLogging'],
      ['Username', 'root'],
    ] as const) {
      lookup('eu-west-1', key, value, first).reply(200, json('lookup-events-empty.json'), JSON_HEADERS);
    }
    const clock = virtualClock();
    const { ctx, apiCalls } = collectContext();
    const result = await collectAwsCloudTrail(ctx, clock);

    expect(result.events?.map((e) => [e.eventId.slice(-2), e.occurredAt, e.partition, e.flags ?? []])).toEqual([
      ['04', '2026-01-09T12:00:00.000Z', 'us-east-1', [MALFORMED_FLAG]],
      ['03', '2026-01-09T17:30:00.000Z', 'us-east-1', []],
      ['02', '2026-01-10T08:00:00.000Z', 'us-east-1', []],
      ['01', '2026-01-10T09:15:00.000Z', 'us-east-1', []],
      ['05', '2026-01-10T10:00:00.000Z', 'us-east-1', []],
    ]);
    const malformed = result.events![0]!.data as CloudTrailEventData;
    expect(malformed).toMatchObject({ eventName: 'ConsoleLogin', username: 'mallory', record: null });
    expect(malformed.rawRecord).toContain('"userName":"mallory"');
    const stop = result.events![4]!;
    expect(stop).toMatchObject({ type: 'aws.cloudtrail.event', schemaVersion: 1 });
    expect(stop.data).toMatchObject({
      eventName: 'StopLogging',
      eventSource: 'cloudtrail.amazonaws.com',
      username: 'alice',
      readOnly: false,
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      resources: [{ type: 'AWS::CloudTrail::Trail', name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main` }],
      record: { eventID: stop.eventId, eventName: 'StopLogging' },
    });
    const window = { from: iso(NOW.getTime() - 90 * DAY), to: NOW.toISOString(), complete: true };
    expect(result.windows).toEqual([
      { partition: 'us-east-1', ...window },
      { partition: 'eu-west-1', ...window },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.evidence.filter((e) => e.type === 'aws.cloudtrail.region-events').map((e) => [e.resourceId, e.data])).toEqual([
      [regionId('eu-west-1'), { accountId: ACCOUNT, region: 'eu-west-1', queries: ['EventName=ConsoleLogin', 'EventName=StopLogging', 'Username=root'] }],
      [regionId('us-east-1'), { accountId: ACCOUNT, region: 'us-east-1', queries: ['EventName=ConsoleLogin', 'EventName=StopLogging', 'Username=root'] }],
    ]);
    // 1 GetCallerIdentity + 2 DescribeTrails + us-east-1 (2 pages + 1 + 1) + eu-west-1 (3 empty queries).
    expect(apiCalls()).toBe(10);

    const findings = findingsOf(result, ctx.options).filter(
      (f) => f.checkId !== 'aws_cloudtrail_multiregion_trail_logging' && f.resourceType !== 'aws.cloudtrail.region',
    );
    const byCheck = (id: string) => findings.filter((f) => f.checkId === id).map((f) => [f.resourceId.slice(-2), f.status]);
    expect(byCheck('aws_cloudtrail_root_not_used')).toEqual([
      ['02', 'fail'],
      ['on', 'pass'],
    ]);
    expect(byCheck('aws_cloudtrail_console_signin_mfa_used')).toEqual([
      ['04', 'error'],
      ['01', 'fail'],
      ['on', 'pass'],
    ]);
    expect(byCheck('aws_cloudtrail_logging_not_stopped')).toEqual([
      ['05', 'fail'],
      ['on', 'pass'],
    ]);
  });

  it('keeps a failed region to itself: an incomplete window and a resource error, the other region complete', async () => {
    mockAccount(['us-east-1', 'eu-west-1']);
    for (const name of ['ConsoleLogin', 'StopLogging']) {
      lookup('us-east-1', 'EventName', name).reply(200, json('lookup-events-empty.json'), JSON_HEADERS);
    }
    lookup('us-east-1', 'Username', 'root').reply(200, json('lookup-events-empty.json'), JSON_HEADERS);
    // The first query of eu-west-1 is denied: the region stops there.
    lookup('eu-west-1', 'EventName', 'ConsoleLogin').reply(400, json('error-access-denied.json'), JSON_HEADERS);
    const { ctx, apiCalls } = collectContext();
    const result = await collectAwsCloudTrail(ctx, virtualClock());

    const error = expect.stringMatching(/^LookupEvents EventName=ConsoleLogin in eu-west-1: AccessDeniedException: /);
    expect(result.windows).toEqual([
      { partition: 'us-east-1', from: iso(NOW.getTime() - 90 * DAY), to: NOW.toISOString(), complete: true },
      { partition: 'eu-west-1', from: iso(NOW.getTime() - 90 * DAY), to: NOW.toISOString(), complete: false, error },
    ]);
    expect(result.errors).toEqual([{ type: 'aws.cloudtrail.region-events', resourceId: regionId('eu-west-1'), error }]);
    expect(apiCalls()).toBe(1 + 2 + 3 + 1);
    const eu = findingsOf(result, ctx.options).filter((f) => f.resourceId === regionId('eu-west-1') && f.resourceType === 'aws.cloudtrail.region-events');
    expect(eu.map((f) => [f.checkId, f.status])).toEqual([
      ['aws_cloudtrail_root_not_used', 'error'],
      ['aws_cloudtrail_console_signin_mfa_used', 'error'],
      ['aws_cloudtrail_logging_not_stopped', 'error'],
    ]);
  });

  it('reads every IAM event with iamChanges and keeps only the writes, allowed or refused', async () => {
    mockAccount(['us-east-1']);
    lookup('us-east-1', 'EventName', 'ConsoleLogin').reply(200, json('lookup-events-empty.json'), JSON_HEADERS);
    lookup('us-east-1', 'EventSource', 'iam.amazonaws.com').reply(200, json('lookup-events-iam-source.json'), JSON_HEADERS);
    const { ctx, apiCalls } = collectContext({
      options: { regions: ['us-east-1'], events: { eventNames: ['ConsoleLogin'], rootActivity: false, iamChanges: true } },
    });
    const result = await collectAwsCloudTrail(ctx, virtualClock());

    // GetAccountAuthorizationDetails (ReadOnly "true") is dropped; the refused AddUserToGroup stays.
    expect(result.events?.map((e) => (e.data as CloudTrailEventData).eventName)).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'AddUserToGroup',
      'CreateAccessKey',
    ]);
    expect(result.evidence.find((e) => e.type === 'aws.cloudtrail.region-events')?.data).toEqual({
      accountId: ACCOUNT,
      region: 'us-east-1',
      queries: ['EventName=ConsoleLogin', 'EventSource=iam.amazonaws.com (writes)'],
    });
    expect(apiCalls()).toBe(1 + 1 + 2);
  });

  it('keeps an IAM write whose record has no userIdentity, unflagged, with its target in the access-change population', async () => {
    mockAccount(['us-east-1']);
    const source = json('lookup-events-iam-source.json')['Events'] as Json[];
    const createRole = source.find((e) => e['EventName'] === 'CreateRole')!;
    const { userIdentity: _identity, ...record } = JSON.parse(createRole['CloudTrailEvent'] as string) as Json;
    const anonymous = {
      ...createRole,
      EventName: 'UpdateAssumeRolePolicy',
      Username: undefined,
      AccessKeyId: undefined,
      CloudTrailEvent: JSON.stringify({
        ...record,
        eventName: 'UpdateAssumeRolePolicy',
        requestParameters: { roleName: 'vendor-access', policyDocument: '{}' },
      }),
    };
    lookup('us-east-1', 'EventName', 'ConsoleLogin').reply(200, json('lookup-events-empty.json'), JSON_HEADERS);
    lookup('us-east-1', 'EventSource', 'iam.amazonaws.com').reply(200, { Events: [anonymous] }, JSON_HEADERS);
    const { ctx } = collectContext({
      options: { regions: ['us-east-1'], events: { eventNames: ['ConsoleLogin'], rootActivity: false, iamChanges: true } },
    });
    const result = await collectAwsCloudTrail(ctx, virtualClock());

    const [event] = result.events ?? [];
    expect(event?.flags).toBeUndefined();
    expect((event?.data as CloudTrailEventData).record).toMatchObject({ eventName: 'UpdateAssumeRolePolicy' });
    expect(accessChangeRow(event!)).toMatchObject({ targetType: 'role', target: 'vendor-access', actorType: NO_IDENTITY, record: 'parsed' });
  });

  it('retries a throttled LookupEvents and counts both attempts', async () => {
    mockAccount(['us-east-1']);
    lookup('us-east-1', 'EventName', 'ConsoleLogin').reply(400, json('error-throttling.json'), JSON_HEADERS);
    lookup('us-east-1', 'EventName', 'ConsoleLogin').reply(200, json('lookup-events-empty.json'), JSON_HEADERS);
    const { ctx, apiCalls } = collectContext({ options: { regions: ['us-east-1'], events: { eventNames: ['ConsoleLogin'], rootActivity: false } } });
    const clock = virtualClock();
    const result = await collectAwsCloudTrail(ctx, clock);
    expect(result.windows).toEqual([{ partition: 'us-east-1', from: iso(NOW.getTime() - 90 * DAY), to: NOW.toISOString(), complete: true }]);
    expect(apiCalls()).toBe(1 + 1 + 2);
    // The retry waited for its turn too.
    expect(clock.sleeps).toEqual([525]);
  });

  it('reads from the stored watermark, and records a watermark older than 90 days as a hole', async () => {
    mockAccount(['us-east-1', 'eu-west-1']);
    const watermark = '2026-01-09T06:00:00.000Z';
    const old = '2025-09-01T00:00:00.000Z';
    const oldest = NOW.getTime() - 90 * DAY;
    const starts = (ms: number) => (body: LookupBody) => body.StartTime === ms / 1000;
    lookup('us-east-1', 'EventName', 'ConsoleLogin', starts(Date.parse(watermark))).reply(200, json('lookup-events-empty.json'), JSON_HEADERS);
    lookup('eu-west-1', 'EventName', 'ConsoleLogin', starts(oldest)).reply(200, json('lookup-events-empty.json'), JSON_HEADERS);
    const { ctx } = collectContext({
      options: { events: { eventNames: ['ConsoleLogin'], rootActivity: false, backfillDays: 7 } },
      watermarks: { 'us-east-1': watermark, 'eu-west-1': old },
    });
    const result = await collectAwsCloudTrail(ctx, virtualClock());
    expect(result.windows).toEqual([
      { partition: 'us-east-1', from: watermark, to: NOW.toISOString(), complete: true },
      { partition: 'eu-west-1', from: old, to: iso(oldest), complete: false, error: HOLE_ERROR },
      { partition: 'eu-west-1', from: iso(oldest), to: NOW.toISOString(), complete: true },
    ]);
  });

  it('backfills backfillDays on a first read', async () => {
    mockAccount(['us-east-1']);
    lookup('us-east-1', 'EventName', 'ConsoleLogin', (body) => body.StartTime === NOW_S - 7 * 86_400).reply(
      200,
      json('lookup-events-empty.json'),
      JSON_HEADERS,
    );
    const { ctx } = collectContext({ options: { regions: ['us-east-1'], events: { eventNames: ['ConsoleLogin'], rootActivity: false, backfillDays: 7 } } });
    const result = await collectAwsCloudTrail(ctx, virtualClock());
    expect(result.windows).toEqual([{ partition: 'us-east-1', from: iso(NOW.getTime() - 7 * DAY), to: NOW.toISOString(), complete: true }]);
  });

  it('reads nothing when events.enabled is false', async () => {
    mockAccount(['us-east-1']);
    const { ctx, apiCalls } = collectContext({ options: { regions: ['us-east-1'], events: { enabled: false } } });
    const result = await collectAwsCloudTrail(ctx, virtualClock());
    expect(result.events).toBeUndefined();
    expect(result.windows).toBeUndefined();
    expect(apiCalls()).toBe(2);
  });

  it('reads 10,000 matching events in exactly 200 LookupEvents calls, never two within 500 ms', async () => {
    mockAccount(['us-east-1']);
    const clock = virtualClock();
    const total = 10_000;
    const calledAt: number[] = [];
    lookup('us-east-1', 'EventName', 'ConsoleLogin')
      .times(200)
      .reply(function (_uri, body) {
        const now = clock.now();
        const previous = calledAt.at(-1);
        calledAt.push(now);
        // The API's quota, as a client sees it: a call too soon after the last is throttled.
        if (previous !== undefined && now - previous < 500) return [400, text('error-throttling.json'), JSON_HEADERS];
        const request = (typeof body === 'string' ? JSON.parse(body) : body) as LookupBody;
        const page = Number(request.NextToken ?? '0');
        const events = Array.from({ length: 50 }, (_, i) => {
          const n = page * 50 + i;
          const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
          const time = NOW_S - 3600 - n;
          const record = {
            eventID: id,
            eventTime: iso(time * 1000).replace('.000', ''),
            eventName: 'ConsoleLogin',
            userIdentity: { type: 'IAMUser', userName: `user${n % 7}` },
          };
          return {
            EventId: id,
            EventName: 'ConsoleLogin',
            EventTime: time,
            EventSource: 'signin.amazonaws.com',
            Username: `user${n % 7}`,
            Resources: [],
            CloudTrailEvent: JSON.stringify(record),
          };
        });
        const next = (page + 1) * 50 < total ? { NextToken: String(page + 1) } : {};
        return [200, JSON.stringify({ Events: events, ...next }), JSON_HEADERS];
      });
    const { ctx, apiCalls } = collectContext({
      options: { regions: ['us-east-1'], events: { eventNames: ['ConsoleLogin'], rootActivity: false } },
      // A throttled call would fail the region instead of being retried, so the test sees it.
      aws: { maxAttempts: 1 },
    });
    const result = await collectAwsCloudTrail(ctx, clock);
    expect(result.windows?.[0]?.error).toBeUndefined();
    expect(result.windows?.[0]).toMatchObject({ complete: true });
    expect(result.events).toHaveLength(total);
    expect(calledAt).toHaveLength(200);
    expect(apiCalls()).toBe(1 + 1 + 200);
    const gaps = calledAt.slice(1).map((t, i) => t - calledAt[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
  }, 60_000);
});

describe('aws-cloudtrail events: the pacer', () => {
  it('spaces the turns of concurrent callers by 1000 / requestsPerSecond ms plus a 25 ms margin, in call order', async () => {
    const clock = virtualClock();
    const pacer = new RegionPacer(2, clock);
    const signal = new AbortController().signal;
    const granted: number[] = [];
    await Promise.all([0, 1, 2, 3].map(() => pacer.take(signal).then(() => granted.push(clock.now()))));
    expect(granted).toEqual([0, 525, 1050, 1575]);
    expect(new RegionPacer(1, clock).intervalMs).toBe(1025);
  });

  it('waits only for what is left of the interval, and not at all after a long pause', async () => {
    const clock = virtualClock();
    const pacer = new RegionPacer(2, clock);
    const signal = new AbortController().signal;
    await pacer.take(signal);
    await clock.sleep(300, signal);
    await pacer.take(signal);
    expect(clock.sleeps).toEqual([300, 225]);
    await clock.sleep(2000, signal);
    await pacer.take(signal);
    expect(clock.sleeps).toEqual([300, 225, 2000]);
  });

  it('gives up on abort without holding up later callers; the real clock sleeps and aborts', async () => {
    const pacer = new RegionPacer(2, realClock);
    const controller = new AbortController();
    await pacer.take(controller.signal);
    const waiting = pacer.take(controller.signal);
    controller.abort(new Error('run aborted'));
    await expect(waiting).rejects.toThrow('run aborted');
    const started = performance.now();
    await realClock.sleep(20, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });
});
