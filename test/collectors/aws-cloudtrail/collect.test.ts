// The aws-cloudtrail collector against nock: the real SDK serialises the requests (JSON 1.1, POST / to
// cloudtrail.<region>.amazonaws.com, x-amz-target CloudTrail_20131101.<Op>) and parses the fixture
// replies (test/fixtures/aws-cloudtrail/, shaped after the CloudTrail and STS API references).
// Variants of a reply are edits of the same fixture, so each test shows the one thing that differs.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsCloudTrailChecks } from '../../../collectors/aws-cloudtrail/checks/index.js';
import { awsCloudTrail } from '../../../collectors/aws-cloudtrail/index.js';
import { DEFAULT_EVENT_NAMES, awsCloudTrailOptionsSchema } from '../../../collectors/aws-cloudtrail/schema.js';
import type { AwsCloudTrailOptions, TrailEvidence } from '../../../collectors/aws-cloudtrail/schema.js';
import type { ClientEnvironment, CollectResult, EvidenceItem } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { contextFor, isolateFromHostAws } from '../../helpers/collect-context.js';

const ACCOUNT = '111122223333';
const ORG_ACCOUNT = '999988887777';
/** The fixtures' delivery times are minutes before this instant (epoch seconds in the replies). */
const NOW = new Date('2026-01-10T12:00:00Z');
const FAKE_CREDENTIALS = { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake-secret-access-key' };
const XML_HEADERS = { 'content-type': 'text/xml' };
const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' };
const STS_HOST = 'https://sts.us-east-1.amazonaws.com';

const MAIN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
const ORG = `arn:aws:cloudtrail:us-west-2:${ORG_ACCOUNT}:trail/org-audit`;
const EU_DATA = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/eu-data-events`;
const regionId = (region: string, partition = 'aws') => `arn:${partition}:cloudtrail:${region}:${ACCOUNT}:region`;

type JsonBody = Record<string, unknown>;
type Json = Record<string, unknown>;

const text = (name: string) => readFileSync(new URL(`../../fixtures/aws-cloudtrail/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(text(name)) as Json;

/** The access key CloudTrail requests must be signed with (the static one, or an assumed role's). */
let signingKey = FAKE_CREDENTIALS.accessKeyId;
/** Where every CloudTrail region is served; null = the regional AWS endpoint. */
let endpoint: string | null = null;

function cloudTrail(region: string, operation: string, matches: (body: JsonBody) => boolean = () => true) {
  return (
    nock(endpoint ?? `https://cloudtrail.${region}.amazonaws.com`)
      .matchHeader('x-amz-target', `CloudTrail_20131101.${operation}`)
      .matchHeader('content-type', 'application/x-amz-json-1.1')
      // The SigV4 scope names the region, so a trail's status is really asked in its home region.
      .matchHeader('authorization', (value: string) => value.includes(`Credential=${signingKey}/`) && value.includes(`/${region}/cloudtrail/`))
      .post('/', (body: JsonBody) => matches(body))
  );
}

const mocks = {
  callerIdentity: () =>
    nock(endpoint ?? STS_HOST)
      .post('/', (body: Record<string, string>) => body.Action === 'GetCallerIdentity')
      .reply(200, text('sts-get-caller-identity.xml'), XML_HEADERS),
  describeTrails: (region: string, reply: Json | string = `describe-trails-${region}.json`, status = 200) =>
    cloudTrail(region, 'DescribeTrails', (body) => body.includeShadowTrails === true && Object.keys(body).length === 1).reply(
      status,
      typeof reply === 'string' ? json(reply) : reply,
      JSON_HEADERS,
    ),
  trailStatus: (region: string, arn: string, reply: Json | string, status = 200) =>
    cloudTrail(region, 'GetTrailStatus', (body) => body.Name === arn).reply(status, typeof reply === 'string' ? json(reply) : reply, JSON_HEADERS),
  eventSelectors: (region: string, arn: string, reply: Json | string) =>
    cloudTrail(region, 'GetEventSelectors', (body) => body.TrailName === arn).reply(200, typeof reply === 'string' ? json(reply) : reply, JSON_HEADERS),
};

/** The estate of the fixtures: regions us-east-1 and eu-west-1; the organization trail's status is denied. */
function mockEstate(skip: { mainStatus?: boolean } = {}) {
  mocks.callerIdentity();
  mocks.describeTrails('us-east-1');
  mocks.describeTrails('eu-west-1');
  if (!skip.mainStatus) mocks.trailStatus('us-east-1', MAIN, 'get-trail-status-main.json');
  mocks.eventSelectors('us-east-1', MAIN, 'get-event-selectors-main.json');
  mocks.trailStatus('us-west-2', ORG, 'error-access-denied.json', 400);
  mocks.eventSelectors('us-west-2', ORG, 'get-event-selectors-org-audit.json');
  mocks.trailStatus('eu-west-1', EU_DATA, 'get-trail-status-eu-data-events.json');
  mocks.eventSelectors('eu-west-1', EU_DATA, 'get-event-selectors-eu-data-events.json');
}

function collectContext(input: { options?: Record<string, unknown>; aws?: ClientEnvironment['aws']; now?: Date; signal?: AbortSignal } = {}) {
  const options = awsCloudTrailOptionsSchema.parse({
    regions: ['us-east-1', 'eu-west-1'],
    // The event slice (LookupEvents) has its own tests: events.test.ts; so do the
    // CIS alarm reads (logs, cloudwatch, sns): alarm-checks.test.ts.
    events: { enabled: false },
    cloudWatchAlarms: { enabled: false },
    ...input.options,
  });
  return contextFor(awsCloudTrail, options, {
    now: input.now ?? NOW,
    ...(input.signal ? { signal: input.signal } : {}),
    clientEnvironment: { aws: input.aws ?? { credentials: FAKE_CREDENTIALS } },
  });
}

const MAIN_CONFIG = {
  accountId: ACCOUNT,
  trailArn: MAIN,
  name: 'main',
  homeRegion: 'us-east-1',
  ownerAccountId: ACCOUNT,
  multiRegion: true,
  organizationTrail: false,
  includeGlobalServiceEvents: true,
  logFileValidationEnabled: true,
  kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  s3BucketName: `audit-logs-${ACCOUNT}`,
  s3KeyPrefix: 'cloudtrail',
  snsTopicArn: null,
  cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:cloudtrail/main:*`,
  cloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudTrailToCloudWatchLogs`,
  hasInsightSelectors: false,
};
const within = (windowHours: number) => ({ latestError: null, windowHours, lastDelivery: 'within', lastDeliveryDay: null });

const EXPECTED_EVIDENCE: EvidenceItem[] = [
  {
    type: 'aws.cloudtrail.region',
    resourceId: regionId('eu-west-1'),
    schemaVersion: 1,
    // main and org-audit are shadows here (multi-region, homed elsewhere); eu-data-events is homed here.
    data: { accountId: ACCOUNT, region: 'eu-west-1', trailArns: [EU_DATA, MAIN, ORG] },
  },
  {
    type: 'aws.cloudtrail.region',
    resourceId: regionId('us-east-1'),
    schemaVersion: 1,
    data: { accountId: ACCOUNT, region: 'us-east-1', trailArns: [MAIN, ORG] },
  },
  {
    type: 'aws.cloudtrail.trail',
    resourceId: EU_DATA,
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      trailArn: EU_DATA,
      name: 'eu-data-events',
      homeRegion: 'eu-west-1',
      ownerAccountId: ACCOUNT,
      multiRegion: false,
      organizationTrail: false,
      includeGlobalServiceEvents: false,
      logFileValidationEnabled: false,
      kmsKeyId: null,
      s3BucketName: `eu-data-events-${ACCOUNT}`,
      s3KeyPrefix: null,
      snsTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:eu-data-events-delivery`,
      cloudWatchLogsLogGroupArn: null,
      cloudWatchLogsRoleArn: null,
      hasInsightSelectors: false,
      status: {
        isLogging: true,
        startLoggingTime: '2024-11-04T08:30:00.000Z',
        stopLoggingTime: '2024-11-04T08:20:00.000Z',
        // Failing since 2026-01-02: the day is kept because it is outside the 24-hour window.
        s3: { latestError: 'AccessDenied', windowHours: 24, lastDelivery: 'before', lastDeliveryDay: '2026-01-02' },
        digest: null,
        cloudWatchLogs: null,
      },
      eventSelectors: {
        kind: 'advanced',
        selectors: [
          {
            name: 'Customer data bucket objects',
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Data'] },
              { field: 'resources.type', equals: ['AWS::S3::Object'] },
              { field: 'resources.ARN', startsWith: ['arn:aws:s3:::eu-customer-archive/', 'arn:aws:s3:::eu-customer-data/'] },
            ],
          },
        ],
      },
    },
  },
  {
    type: 'aws.cloudtrail.trail',
    resourceId: MAIN,
    schemaVersion: 1,
    data: {
      ...MAIN_CONFIG,
      status: {
        isLogging: true,
        startLoggingTime: '2025-03-01T09:00:00.000Z',
        stopLoggingTime: null,
        s3: within(24),
        digest: within(24),
        cloudWatchLogs: within(24),
      },
      eventSelectors: {
        kind: 'basic',
        selectors: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: [], dataResources: [] }],
      },
    },
  },
  {
    type: 'aws.cloudtrail.trail',
    resourceId: ORG,
    schemaVersion: 1,
    data: {
      accountId: ACCOUNT,
      trailArn: ORG,
      name: 'org-audit',
      homeRegion: 'us-west-2',
      ownerAccountId: ORG_ACCOUNT,
      multiRegion: true,
      organizationTrail: true,
      includeGlobalServiceEvents: true,
      logFileValidationEnabled: true,
      kmsKeyId: null,
      s3BucketName: `org-audit-logs-${ORG_ACCOUNT}`,
      s3KeyPrefix: null,
      snsTopicArn: null,
      cloudWatchLogsLogGroupArn: null,
      cloudWatchLogsRoleArn: null,
      hasInsightSelectors: false,
      // Denied to the member account: what DescribeTrails and GetEventSelectors said is kept.
      status: null,
      eventSelectors: {
        kind: 'advanced',
        selectors: [
          {
            name: 'Management events except KMS',
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'eventSource', notEquals: ['kms.amazonaws.com'] },
            ],
          },
          {
            name: 'S3 object writes',
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Data'] },
              { field: 'resources.type', equals: ['AWS::S3::Object'] },
              { field: 'readOnly', equals: ['false'] },
            ],
          },
        ],
      },
    },
  },
];

const ORG_STATUS_DENIED =
  'GetTrailStatus in us-west-2: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/EvidenceAgentAudit/evidence-agent ' +
  'is not authorized to perform: cloudtrail:GetTrailStatus on resource: arn:aws:cloudtrail:us-west-2:999988887777:trail/org-audit';

/** A status reply whose delivery times are `minutesAgo` before `at` (the same healthy trail, later). */
function mainStatusAt(at: Date): Json {
  const reply = json('get-trail-status-main.json');
  const secondsBefore = (minutes: number) => Math.floor(at.getTime() / 1000) - minutes * 60;
  return {
    ...reply,
    LatestDeliveryTime: secondsBefore(5),
    LatestDigestDeliveryTime: secondsBefore(40),
    LatestCloudWatchLogsDeliveryTime: secondsBefore(3),
  };
}

function findingsOf(result: CollectResult, options: AwsCloudTrailOptions, now = NOW) {
  return evaluateChecks(awsCloudTrailChecks, result.evidence, result.errors, options, now, `aws-account:${ACCOUNT}`).findings;
}

describe('aws-cloudtrail collector', () => {
  beforeEach(() => {
    signingKey = FAKE_CREDENTIALS.accessKeyId;
    endpoint = null;
  });
  isolateFromHostAws(['AWS_ENDPOINT_URL_CLOUDTRAIL', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_ACCOUNT']);

  it('reads two regions, each trail once in its home region, in 1 + regions + 2 × trails calls', async () => {
    mockEstate();
    const { ctx, apiCalls } = collectContext();

    const result = await awsCloudTrail.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(result.errors).toEqual([{ type: 'aws.cloudtrail.trail-status', resourceId: ORG, error: ORG_STATUS_DENIED }]);
    expect(result.resolvedScope).toBe(ACCOUNT);
    expect(result.meta).toEqual({ accountId: ACCOUNT, regions: ['us-east-1', 'eu-west-1'], regionsFrom: 'config', regionsUnread: [], trails: 3, logGroups: 0 });
    // GetCallerIdentity + DescribeTrails × 2 regions + (GetTrailStatus + GetEventSelectors) × 3 distinct trails:
    // main and org-audit are listed in both regions but read once.
    expect(apiCalls()).toBe(1 + 2 + 2 * 3);
  });

  it('judges the collected evidence with every check: the organization trail is known except for its status', async () => {
    mockEstate();
    const { ctx } = collectContext();

    const result = await awsCloudTrail.collect(ctx);

    const summary = findingsOf(result, ctx.options).map((f) => `${f.checkId} ${f.status} ${f.resourceId}`);
    expect(summary).toEqual([
      `aws_cloudtrail_multiregion_trail_logging pass ${regionId('eu-west-1')}`,
      `aws_cloudtrail_multiregion_trail_logging pass ${regionId('us-east-1')}`,
      `aws_cloudtrail_management_events_captured pass ${regionId('eu-west-1')}`,
      `aws_cloudtrail_management_events_captured pass ${regionId('us-east-1')}`,
      `aws_cloudtrail_trail_log_file_validation_enabled fail ${EU_DATA}`,
      `aws_cloudtrail_trail_log_file_validation_enabled pass ${MAIN}`,
      `aws_cloudtrail_trail_log_file_validation_enabled pass ${ORG}`,
      `aws_cloudtrail_trail_kms_encryption_enabled fail ${EU_DATA}`,
      `aws_cloudtrail_trail_kms_encryption_enabled pass ${MAIN}`,
      `aws_cloudtrail_trail_kms_encryption_enabled fail ${ORG}`,
      `aws_cloudtrail_trail_cloudwatch_logs_delivering fail ${EU_DATA}`,
      `aws_cloudtrail_trail_cloudwatch_logs_delivering pass ${MAIN}`,
      // No log group: a fail on the configuration alone, although the status is unknown.
      `aws_cloudtrail_trail_cloudwatch_logs_delivering fail ${ORG}`,
      `aws_cloudtrail_trail_delivery_errors_absent fail ${EU_DATA}`,
      `aws_cloudtrail_trail_delivery_errors_absent pass ${MAIN}`,
      `aws_cloudtrail_trail_delivery_errors_absent error ${ORG}`,
      // The CIS alarm checks, with their reads off here (alarm-checks.test.ts reads them): main's
      // log group is unread, org-audit sends nothing to CloudWatch Logs, eu-data-events is single-region.
      ...[
        'aws_cloudtrail_unauthorized_calls_alarm_configured',
        'aws_cloudtrail_console_no_mfa_alarm_configured',
        'aws_cloudtrail_root_use_alarm_configured',
        'aws_cloudtrail_iam_policy_change_alarm_configured',
        'aws_cloudtrail_trail_change_alarm_configured',
      ].flatMap((check) => [`${check} not_applicable ${EU_DATA}`, `${check} error ${MAIN}`, `${check} fail ${ORG}`]),
    ]);
    const message = (checkId: string, resourceId: string) =>
      findingsOf(result, ctx.options).find((f) => f.checkId === checkId && f.resourceId === resourceId)?.message;
    expect(message('aws_cloudtrail_trail_delivery_errors_absent', EU_DATA)).toBe(
      'The trail eu-data-events (eu-west-1) reports delivery errors: S3 log files (AccessDenied), last delivered on 2026-01-02, not within the 24 hours before the collection.',
    );
    expect(message('aws_cloudtrail_trail_delivery_errors_absent', ORG)).toBe(
      `The delivery status of the organization trail org-audit (us-west-2) of account ${ORG_ACCOUNT} could not be read (${ORG_STATUS_DENIED}).`,
    );
    expect(message('aws_cloudtrail_multiregion_trail_logging', regionId('eu-west-1'))).toBe(
      `Region eu-west-1 of account ${ACCOUNT} is recorded by a logging multi-region trail: trail main (us-east-1).`,
    );
  });

  it('gives a region recorded only by the organization trail an error, not a pass or a fail, while its status is denied', async () => {
    mockEstate({ mainStatus: true });
    // main has stopped logging in this variant, so only org-audit could record the regions.
    mocks.trailStatus('us-east-1', MAIN, { ...json('get-trail-status-main.json'), IsLogging: false, StopLoggingTime: 1767960000 });
    const { ctx } = collectContext();

    const result = await awsCloudTrail.collect(ctx);

    const logging = findingsOf(result, ctx.options).filter((f) => f.checkId === 'aws_cloudtrail_multiregion_trail_logging');
    expect(logging.map((f) => [f.resourceId, f.status])).toEqual([
      [regionId('eu-west-1'), 'error'],
      [regionId('us-east-1'), 'error'],
    ]);
    expect(logging[1]?.message).toBe(
      `Region us-east-1 of account ${ACCOUNT} cannot be judged: the logging status of organization trail org-audit (us-west-2) of account ${ORG_ACCOUNT} could not be read (${ORG_STATUS_DENIED}).`,
    );
  });

  it('records a region whose DescribeTrails fails as a resource error and keeps the other regions', async () => {
    mockEstate();
    mocks.describeTrails('ap-southeast-2', 'error-unrecognized-client.json', 400);
    const { ctx, apiCalls } = collectContext({ options: { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] } });

    const result = await awsCloudTrail.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(result.errors).toEqual([
      {
        type: 'aws.cloudtrail.region',
        resourceId: regionId('ap-southeast-2'),
        error: 'DescribeTrails in ap-southeast-2: UnrecognizedClientException: The security token included in the request is invalid.',
      },
      { type: 'aws.cloudtrail.trail-status', resourceId: ORG, error: ORG_STATUS_DENIED },
    ]);
    expect(result.meta).toMatchObject({ regionsUnread: ['ap-southeast-2'], trails: 3 });
    expect(apiCalls()).toBe(1 + 3 + 2 * 3);
    const regionFindings = findingsOf(result, ctx.options).filter((f) => f.resourceId === regionId('ap-southeast-2'));
    // Every check errors on the unlisted region, the trail checks included: its trails are unknown.
    expect(regionFindings.map((f) => [f.checkId, f.status])).toEqual([
      ['aws_cloudtrail_multiregion_trail_logging', 'error'],
      ['aws_cloudtrail_management_events_captured', 'error'],
      ['aws_cloudtrail_trail_log_file_validation_enabled', 'error'],
      ['aws_cloudtrail_trail_kms_encryption_enabled', 'error'],
      ['aws_cloudtrail_trail_cloudwatch_logs_delivering', 'error'],
      ['aws_cloudtrail_trail_delivery_errors_absent', 'error'],
      ['aws_cloudtrail_unauthorized_calls_alarm_configured', 'error'],
      ['aws_cloudtrail_console_no_mfa_alarm_configured', 'error'],
      ['aws_cloudtrail_root_use_alarm_configured', 'error'],
      ['aws_cloudtrail_iam_policy_change_alarm_configured', 'error'],
      ['aws_cloudtrail_trail_change_alarm_configured', 'error'],
    ]);
  });

  it('keeps the configuration and selectors of a trail whose GetTrailStatus fails, with an error for the status only', async () => {
    mockEstate({ mainStatus: true });
    mocks.trailStatus('us-east-1', MAIN, { __type: 'InternalFailure', message: 'An internal error occurred.' }, 500);
    const { ctx, apiCalls } = collectContext({ aws: { credentials: FAKE_CREDENTIALS, maxAttempts: 1 } });

    const result = await awsCloudTrail.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    const main = result.evidence.find((item) => item.resourceId === MAIN)?.data as TrailEvidence;
    expect(main).toMatchObject({ ...MAIN_CONFIG, status: null, eventSelectors: { kind: 'basic' } });
    expect(result.errors).toEqual([
      { type: 'aws.cloudtrail.trail-status', resourceId: MAIN, error: 'GetTrailStatus in us-east-1: InternalFailure: An internal error occurred.' },
      { type: 'aws.cloudtrail.trail-status', resourceId: ORG, error: ORG_STATUS_DENIED },
    ]);
    expect(apiCalls()).toBe(9);
    const byCheck = (checkId: string) => findingsOf(result, ctx.options).find((f) => f.checkId === checkId && f.resourceId === MAIN)?.status;
    expect(byCheck('aws_cloudtrail_trail_log_file_validation_enabled')).toBe('pass');
    expect(byCheck('aws_cloudtrail_trail_cloudwatch_logs_delivering')).toBe('error');
    expect(byCheck('aws_cloudtrail_trail_delivery_errors_absent')).toBe('error');
  });

  it('turns an unusable status or selectors reply into a resource error for that part only', async () => {
    mocks.callerIdentity();
    mocks.describeTrails('us-east-1', { trailList: [(json('describe-trails-us-east-1.json') as { trailList: Json[] }).trailList[0]!] });
    const { IsLogging: _dropped, ...withoutIsLogging } = json('get-trail-status-main.json');
    mocks.trailStatus('us-east-1', MAIN, withoutIsLogging);
    mocks.eventSelectors('us-east-1', MAIN, { TrailARN: MAIN, AdvancedEventSelectors: [{ FieldSelectors: [{ Equals: ['Management'] }] }] });
    const { ctx } = collectContext({ options: { regions: ['us-east-1'] } });

    const result = await awsCloudTrail.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.evidence.find((item) => item.resourceId === MAIN)?.data).toEqual({ ...MAIN_CONFIG, status: null, eventSelectors: null });
    expect(result.errors).toEqual([
      { type: 'aws.cloudtrail.trail-event-selectors', resourceId: MAIN, error: 'GetEventSelectors in us-east-1: a field selector has no Field' },
      { type: 'aws.cloudtrail.trail-status', resourceId: MAIN, error: 'GetTrailStatus in us-east-1: the reply has no IsLogging' },
    ]);
  });

  it('yields identical evidence and findings for an unchanged estate collected at other times', async () => {
    const collectAt = async (at: Date) => {
      mockEstate({ mainStatus: true });
      mocks.trailStatus('us-east-1', MAIN, mainStatusAt(at));
      const { ctx } = collectContext({ now: at });
      const result = await awsCloudTrail.collect(ctx);
      expect(nock.pendingMocks()).toEqual([]);
      return { result, findings: findingsOf(result, ctx.options, at) };
    };
    const first = await collectAt(NOW);
    const laterThatDay = await collectAt(new Date('2026-01-10T18:30:00Z'));
    const nextWeek = await collectAt(new Date('2026-01-17T07:15:00Z'));

    expect(first.result.evidence).toEqual(EXPECTED_EVIDENCE);
    for (const later of [laterThatDay, nextWeek]) {
      // eu-data-events has been failing since 2026-01-02: its document states that day, which does not move.
      expect(JSON.stringify(later.result.evidence)).toBe(JSON.stringify(first.result.evidence));
      expect(later.findings).toEqual(first.findings);
    }
  });

  it('does not count a single-region trail of another region that a listing happens to include', async () => {
    mockEstate();
    nock.cleanAll();
    mocks.callerIdentity();
    const listing = json('describe-trails-us-east-1.json') as { trailList: Json[] };
    const euData = (json('describe-trails-eu-west-1.json') as { trailList: Json[] }).trailList[0]!;
    mocks.describeTrails('us-east-1', { trailList: [...listing.trailList, euData] });
    mocks.trailStatus('us-east-1', MAIN, 'get-trail-status-main.json');
    mocks.eventSelectors('us-east-1', MAIN, 'get-event-selectors-main.json');
    mocks.trailStatus('us-west-2', ORG, 'error-access-denied.json', 400);
    mocks.eventSelectors('us-west-2', ORG, 'get-event-selectors-org-audit.json');
    const { ctx, apiCalls } = collectContext({ options: { regions: ['us-east-1'] } });

    const result = await awsCloudTrail.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.evidence.map((item) => item.resourceId)).toEqual([regionId('us-east-1'), MAIN, ORG]);
    expect(apiCalls()).toBe(1 + 1 + 2 * 2);
  });

  it('fails the region, not the run, when a listed trail has no TrailARN', async () => {
    mocks.callerIdentity();
    mocks.describeTrails('us-east-1', { trailList: [{ Name: 'nameless', HomeRegion: 'us-east-1' }] });
    const { ctx } = collectContext({ options: { regions: ['us-east-1'] } });

    const result = await awsCloudTrail.collect(ctx);

    expect(result.evidence).toEqual([]);
    expect(result.errors).toEqual([
      {
        type: 'aws.cloudtrail.region',
        resourceId: regionId('us-east-1'),
        error: 'DescribeTrails in us-east-1: entry 1 has no valid TrailARN (got null)',
      },
    ]);
  });

  it('refuses a reply without trailList rather than reading it as a region without trails', async () => {
    mocks.callerIdentity();
    mocks.describeTrails('us-east-1', {});
    const { ctx } = collectContext({ options: { regions: ['us-east-1'] } });

    const result = await awsCloudTrail.collect(ctx);

    expect(result.errors.map((e) => e.error)).toEqual(['DescribeTrails in us-east-1: the reply has no trailList']);
  });

  it('records a region without trails as recorded by none, which fails both region checks', async () => {
    mocks.callerIdentity();
    mocks.describeTrails('us-east-1', { trailList: [] });
    const { ctx, apiCalls } = collectContext({ options: { regions: ['us-east-1'] } });

    const result = await awsCloudTrail.collect(ctx);

    expect(result.evidence).toEqual([
      {
        type: 'aws.cloudtrail.region',
        resourceId: regionId('us-east-1'),
        schemaVersion: 1,
        data: { accountId: ACCOUNT, region: 'us-east-1', trailArns: [] },
      },
    ]);
    expect(apiCalls()).toBe(2);
    expect(findingsOf(result, ctx.options).map((f) => [f.checkId, f.status, f.message])).toEqual([
      [
        'aws_cloudtrail_multiregion_trail_logging',
        'fail',
        `Region us-east-1 of account ${ACCOUNT} is recorded by no logging multi-region trail (no trail records it).`,
      ],
      [
        'aws_cloudtrail_management_events_captured',
        'fail',
        `Region us-east-1 of account ${ACCOUNT} does not have every management event captured by a logging ` +
          `multi-region trail: read management events are not captured; write management events are not captured.`,
      ],
    ]);
  });

  it('retries a throttled GetTrailStatus and counts every attempt', async () => {
    mockEstate({ mainStatus: true });
    mocks.trailStatus('us-east-1', MAIN, 'error-throttling.json', 400);
    mocks.trailStatus('us-east-1', MAIN, 'get-trail-status-main.json');
    const { ctx, apiCalls } = collectContext();

    const result = await awsCloudTrail.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(apiCalls()).toBe(9 + 1);
  });

  it('assumes the configured role once for every regional client, with its external id', async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/EvidenceAgentAudit`;
    nock(STS_HOST)
      .post(
        '/',
        (body: Record<string, string>) =>
          body.Action === 'AssumeRole' && body.RoleArn === roleArn && body.RoleSessionName === 'evidence-agent' && body.ExternalId === 'ext-1234567890',
      )
      .reply(200, text('sts-assume-role.xml'), XML_HEADERS);
    signingKey = 'FAKETEMPORARYKEYID02';
    mockEstate();
    const { ctx, apiCalls } = collectContext({
      options: { accounts: [{ roleArn, externalId: 'ext-1234567890' }] },
    });

    const result = await awsCloudTrail.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
    expect(result.resolvedScope).toBeUndefined();
    // One AssumeRole for STS and the CloudTrail clients of us-east-1, eu-west-1 and us-west-2.
    expect(apiCalls()).toBe(1 + 9);
  });

  it('sends every call to clientEnvironment.aws.endpoint when one is given', async () => {
    endpoint = 'http://127.0.0.1:4566';
    mockEstate();
    const { ctx } = collectContext({ aws: { credentials: FAKE_CREDENTIALS, endpoint } });

    const result = await awsCloudTrail.collect(ctx);

    expect(nock.pendingMocks()).toEqual([]);
    expect(result.evidence).toEqual(EXPECTED_EVIDENCE);
  });

  it('builds region resource ids in the partition of the caller identity (GovCloud)', async () => {
    nock(STS_HOST)
      .post('/', (body: Record<string, string>) => body.Action === 'GetCallerIdentity')
      .reply(200, text('sts-get-caller-identity.xml').replace('arn:aws:sts::', 'arn:aws-us-gov:sts::'), XML_HEADERS);
    mocks.describeTrails('us-gov-west-1', { trailList: [] });
    const { ctx } = collectContext({ options: { regions: ['us-gov-west-1'] } });

    const result = await awsCloudTrail.collect(ctx);

    expect(result.evidence.map((item) => item.resourceId)).toEqual([regionId('us-gov-west-1', 'aws-us-gov')]);
  });

  it('covers the regions enabled for the account when none are configured (ListRegions, every page)', async () => {
    const listRegions = (matches: (body: JsonBody) => boolean) =>
      nock('https://account.us-east-1.amazonaws.com')
        .matchHeader('content-type', 'application/json')
        .matchHeader('authorization', (value: string) => value.includes('/us-east-1/account/'))
        .post('/listRegions', (body: JsonBody) => {
          const statuses = body['RegionOptStatusContains'];
          return Array.isArray(statuses) && [...statuses].sort().join() === 'ENABLED,ENABLED_BY_DEFAULT' && matches(body);
        });
    const page1 = json('account-list-regions-1.json');
    listRegions((body) => body['NextToken'] === undefined).reply(200, page1, { 'content-type': 'application/json' });
    listRegions((body) => body['NextToken'] === page1['NextToken']).reply(200, json('account-list-regions-2.json'), {
      'content-type': 'application/json',
    });
    mocks.callerIdentity();
    for (const region of ['eu-south-1', 'eu-west-1', 'us-east-1']) mocks.describeTrails(region, { trailList: [] });
    const { ctx, apiCalls } = collectContext({ options: { regions: undefined } });

    const result = await awsCloudTrail.collect(ctx);

    expect(result.evidence.map((item) => item.resourceId)).toEqual(['eu-south-1', 'eu-west-1', 'us-east-1'].map((r) => regionId(r)));
    expect(result.meta).toMatchObject({ regions: ['eu-south-1', 'eu-west-1', 'us-east-1'], regionsFrom: 'account:ListRegions' });
    // GetCallerIdentity + ListRegions × 2 pages + DescribeTrails × 3 regions.
    expect(apiCalls()).toBe(1 + 2 + 3);
  });

  it('fails the run, naming the permission and the fix, when the enabled regions cannot be listed', async () => {
    mocks.callerIdentity();
    nock('https://account.us-east-1.amazonaws.com')
      .post('/listRegions')
      .reply(403, json('account-access-denied.json'), { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
    const { ctx } = collectContext({ options: { regions: undefined } });

    await expect(awsCloudTrail.collect(ctx)).rejects.toThrow(
      /^account:ListRegions: AccessDeniedException: User: .* \(grant account:ListRegions, or list the regions to cover in `regions`\)$/,
    );
  });

  it('rejects credentials of another account than the configured one', async () => {
    mocks.callerIdentity();
    const { ctx } = collectContext({ options: { accounts: [{ id: '444455556666' }] } });

    await expect(awsCloudTrail.collect(ctx)).rejects.toThrow('credentials belong to account 111122223333, config says 444455556666');
  });

  it('rejects at once when the run is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = collectContext({ signal: controller.signal });

    await expect(awsCloudTrail.collect(ctx)).rejects.toThrow();
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('aws-cloudtrail options', () => {
  it('defaults to the enabled regions (no regions), the default credential chain and 24-hour windows', () => {
    expect(awsCloudTrailOptionsSchema.parse({})).toEqual({
      enabled: true,
      timeoutSeconds: 900,
      accounts: [{}],
      region: 'us-east-1',
      thresholds: {
        cloudWatchDeliveryMaxAgeHours: 24,
        deliveryErrorLookbackHours: 24,
        allowedExcludedEventSources: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'],
      },
      events: {
        enabled: true,
        eventNames: [...DEFAULT_EVENT_NAMES],
        rootActivity: true,
        iamChanges: true,
        backfillDays: 90,
        requestsPerSecond: 2,
      },
      cloudWatchAlarms: { enabled: true },
    });
    expect(DEFAULT_EVENT_NAMES).toHaveLength(28);
  });

  it.each([
    [{ regions: ['eu-west-1', 'mars-north-1x'] }, ['regions', 1], 'expected an AWS region such as us-east-1'],
    [{ regions: ['eu-west-1', 'eu-west-1'] }, ['regions', 1], 'expected each region once (regions[0] is already eu-west-1)'],
    [{ regions: [] }, ['regions'], 'expected at least one region'],
    [{ thresholds: { cloudWatchDeliveryMaxAgeHours: 0 } }, ['thresholds', 'cloudWatchDeliveryMaxAgeHours'], 'Too small'],
    [{ thresholds: { allowedExcludedEventSources: ['KMS'] } }, ['thresholds', 'allowedExcludedEventSources', 0], 'expected an event source'],
    [{ accounts: [{ id: '111122223333' }, { id: '111122223333' }] }, ['accounts', 1], 'expected each account once'],
  ])('refuses %j', (input, path, message) => {
    const parsed = awsCloudTrailOptionsSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(path);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });
});
