// The CIS 4.1-4.5 alarm checks of aws-cloudtrail against nock, through the real SDKs: CloudWatch Logs
// DescribeMetricFilters (JSON 1.1, nextToken pages), CloudWatch DescribeAlarmsForMetric (JSON 1.0,
// query-compatible), SNS ListSubscriptionsByTopic (query/XML). Replies are shaped after the API
// references (test/fixtures/aws-cloudtrail/). Pass, fail, not applicable and error per check, what is
// stored (no subscription endpoints), and the calls made.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsCloudTrailChecks } from '../../../collectors/aws-cloudtrail/checks/index.js';
import { ALARM_ITEMS } from '../../../collectors/aws-cloudtrail/checks/cis-alarm-items.js';
import { awsCloudTrail } from '../../../collectors/aws-cloudtrail/index.js';
import { ALARM_TOPIC, awsCloudTrailOptionsSchema, EVIDENCE } from '../../../collectors/aws-cloudtrail/schema.js';
import type { AwsCloudTrailOptions, LogGroupEvidence } from '../../../collectors/aws-cloudtrail/schema.js';
import type { CollectResult } from '../../../src/collector.js';
import { evaluateChecks } from '../../../src/evaluate-checks.js';
import { contextFor, isolateFromHostAws } from '../../helpers/collect-context.js';

const ACCOUNT = '111122223333';
const ORG_ACCOUNT = '999988887777';
const NOW = new Date('2026-01-10T12:00:00Z');
const FAKE_CREDENTIALS = { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake-secret-access-key' };
const MAIN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
const ORG = `arn:aws:cloudtrail:us-east-1:${ORG_ACCOUNT}:trail/org-trail`;
const LOCAL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/us-data-events`;
const GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:cloudtrail/main`;
const ORG_GROUP = `arn:aws:logs:us-east-1:${ORG_ACCOUNT}:log-group:aws-cloudtrail-logs-org`;
const ALERTS = `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts`;
const QUIET = `arn:aws:sns:us-east-1:${ACCOUNT}:cloudtrail-changes`;
const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };
const JSON_10 = { 'content-type': 'application/x-amz-json-1.0' };
const XML = { 'content-type': 'text/xml' };

type Json = Record<string, unknown>;
const text = (name: string) => readFileSync(new URL(`../../fixtures/aws-cloudtrail/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(text(name)) as Json;
const MAIN_TRAIL = (json('describe-trails-us-east-1.json')['trailList'] as Json[])[0]!;

const trails = {
  trailList: [
    MAIN_TRAIL,
    {
      Name: 'org-trail',
      S3BucketName: 'org-cloudtrail-logs',
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: true,
      HomeRegion: 'us-east-1',
      TrailARN: ORG,
      LogFileValidationEnabled: true,
      CloudWatchLogsLogGroupArn: `${ORG_GROUP}:*`,
      CloudWatchLogsRoleArn: `arn:aws:iam::${ORG_ACCOUNT}:role/CloudTrailRoleForCloudWatchLogs_org-trail`,
      HasCustomEventSelectors: true,
      HasInsightSelectors: false,
      IsOrganizationTrail: true,
    },
    {
      Name: 'us-data-events',
      S3BucketName: 'us-data-events-111122223333',
      IncludeGlobalServiceEvents: false,
      IsMultiRegionTrail: false,
      HomeRegion: 'us-east-1',
      TrailARN: LOCAL,
      LogFileValidationEnabled: true,
      CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:us-data-events:*`,
      HasCustomEventSelectors: true,
      HasInsightSelectors: false,
      IsOrganizationTrail: false,
    },
  ],
};

function jsonCall(host: string, target: string, contentType: Record<string, string>, matches: (body: Json) => boolean = () => true) {
  return nock(`https://${host}`)
    .matchHeader('x-amz-target', target)
    .matchHeader('content-type', contentType['content-type']!)
    .post('/', (body: Json) => matches(body));
}
const logs = (matches?: (body: Json) => boolean) => jsonCall('logs.us-east-1.amazonaws.com', 'Logs_20140328.DescribeMetricFilters', JSON_11, matches);
const alarmsFor = (metric: string) =>
  jsonCall(
    'monitoring.us-east-1.amazonaws.com',
    'GraniteServiceVersion20100801.DescribeAlarmsForMetric',
    JSON_10,
    (body) => body['Namespace'] === 'CISBenchmark' && body['MetricName'] === metric && Object.keys(body).length === 2,
  );
const subscriptions = (topic: string) =>
  nock('https://sns.us-east-1.amazonaws.com').post(
    '/',
    (body: Record<string, string>) => body['Action'] === 'ListSubscriptionsByTopic' && body['TopicArn'] === topic && body['Version'] === '2010-03-31',
  );

/** STS, DescribeTrails, and each trail's status and selectors. */
function mockTrails() {
  nock('https://sts.us-east-1.amazonaws.com')
    .post('/', (body: Record<string, string>) => body['Action'] === 'GetCallerIdentity')
    .reply(200, text('sts-get-caller-identity.xml'), XML);
  const cloudTrail = (op: string) => jsonCall('cloudtrail.us-east-1.amazonaws.com', `CloudTrail_20131101.${op}`, JSON_11);
  cloudTrail('DescribeTrails').reply(200, trails, JSON_11);
  cloudTrail('GetTrailStatus').times(3).reply(200, json('get-trail-status-main.json'), JSON_11);
  cloudTrail('GetEventSelectors').times(3).reply(200, json('get-event-selectors-main.json'), JSON_11);
}

/** The metric filters of cloudtrail/main in two pages, and the alarms on each of their five metrics. */
function mockFiltersAndAlarms() {
  const page1 = json('describe-metric-filters-main-1.json');
  logs((body) => body['logGroupName'] === 'cloudtrail/main' && body['limit'] === 50 && body['nextToken'] === undefined).reply(200, page1, JSON_11);
  logs((body) => body['nextToken'] === page1['nextToken']).reply(200, json('describe-metric-filters-main-2.json'), JSON_11);
  alarmsFor('UnauthorizedAPICalls').reply(200, json('describe-alarms-for-metric-unauthorized.json'), JSON_10);
  alarmsFor('RootAccountUsage').reply(200, json('describe-alarms-for-metric-root.json'), JSON_10);
  alarmsFor('IAMPolicyChanges').reply(200, json('describe-alarms-for-metric-none.json'), JSON_10);
  alarmsFor('CloudTrailChanges').reply(200, json('describe-alarms-for-metric-cloudtrail.json'), JSON_10);
  alarmsFor('ApplicationErrors').reply(200, json('describe-alarms-for-metric-none.json'), JSON_10);
}

function collectContext(options: Json = {}) {
  const parsed = awsCloudTrailOptionsSchema.parse({ accounts: [{ id: ACCOUNT }], regions: ['us-east-1'], events: { enabled: false }, ...options });
  return contextFor(awsCloudTrail, parsed, { now: NOW, clientEnvironment: { aws: { credentials: FAKE_CREDENTIALS, maxAttempts: 2, retryDelayMs: 1 } } });
}

const ALARM_CHECKS = ALARM_ITEMS.map((item) => item.id);
function alarmFindings(result: CollectResult, options: AwsCloudTrailOptions) {
  return evaluateChecks(awsCloudTrailChecks, result.evidence, result.errors, options, NOW, ACCOUNT)
    .findings.filter((finding) => ALARM_CHECKS.includes(finding.checkId))
    .map((finding) => ({ check: finding.checkId, trail: finding.resourceId.split('/').pop(), status: finding.status, message: finding.message }));
}

isolateFromHostAws([
  'AWS_ENDPOINT_URL_CLOUDTRAIL',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_CLOUDWATCH',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ENDPOINT_URL_SNS',
]);
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe('aws-cloudtrail: the CIS alarm checks over the reads', () => {
  it('stores the log group of the own multi-region trail and judges each item per trail', async () => {
    mockTrails();
    mockFiltersAndAlarms();
    subscriptions(ALERTS).reply(200, text('sns-list-subscriptions-security-alerts.xml'), XML);
    subscriptions(QUIET).reply(200, text('sns-list-subscriptions-pending.xml'), XML);
    const { ctx, apiCalls } = collectContext();
    const result = await awsCloudTrail.collect(ctx);

    expect(result.errors).toEqual([]);
    const group = result.evidence.find((item) => item.type === EVIDENCE.logGroup);
    expect(group?.resourceId).toBe(GROUP);
    const data = group!.data as LogGroupEvidence;
    expect(data).toMatchObject({ accountId: ACCOUNT, logGroupArn: GROUP, logGroupName: 'cloudtrail/main', region: 'us-east-1', trailArns: [MAIN] });
    expect(data.metricFilters.map((filter) => filter.name)).toEqual([
      'cis-4.1-unauthorized-api-calls',
      'cis-4.3-root-usage',
      'cis-4.4-iam-policy-changes',
      'cis-4.5-cloudtrail-changes',
      'errors',
    ]);
    expect(data.alarms.map((alarm) => [alarm.name, alarm.actionsEnabled, alarm.alarmActions])).toEqual([
      ['cis-cloudtrail-changes', true, [QUIET]],
      ['cis-root-usage', false, [ALERTS]],
      ['cis-unauthorized-api-calls', true, [ALERTS]],
    ]);
    // Counts and protocols only: subscription endpoints (addresses, URLs with tokens) are never stored.
    expect(data.topics).toEqual([
      { arn: QUIET, confirmedSubscriptions: 0, protocols: [] },
      { arn: ALERTS, confirmedSubscriptions: 1, protocols: ['email'] },
    ]);
    expect(JSON.stringify(result.evidence)).not.toMatch(/example\.com|token=|StateValue|Threshold Crossed/);
    // STS 1 + DescribeTrails 1 + 3 trails x 2 + filters 2 pages + 5 metrics + 2 topics.
    expect(apiCalls()).toBe(1 + 1 + 6 + 2 + 5 + 2);
    expect(result.meta?.['logGroups']).toBe(1);

    const findings = alarmFindings(result, ctx.options);
    const of = (trail: string) => findings.filter((finding) => finding.trail === trail);
    const where = "The trail main (us-east-1)'s log group cloudtrail/main";
    expect(of('main').map(({ check, status, message }) => [check, status, message])).toEqual([
      [
        'aws_cloudtrail_unauthorized_calls_alarm_configured',
        'pass',
        `${where} has metric filter cis-4.1-unauthorized-api-calls covering unauthorized API calls (CIS 4.1) and alarm ` +
          `cis-unauthorized-api-calls, which notifies ${ALERTS}, which has a confirmed subscription (email).`,
      ],
      [
        'aws_cloudtrail_console_no_mfa_alarm_configured',
        'fail',
        `${where} has no metric filter covering console sign-ins without MFA (CIS 4.2); filters not understood: errors ` + `(not a JSON pattern ({ ... })).`,
      ],
      [
        'aws_cloudtrail_root_use_alarm_configured',
        'fail',
        `${where} has no alarm that reaches anyone on root user activity (CIS 4.3): alarm cis-root-usage on filter ` +
          `cis-4.3-root-usage has its actions disabled.`,
      ],
      [
        'aws_cloudtrail_iam_policy_change_alarm_configured',
        'fail',
        `${where} has no alarm that reaches anyone on IAM policy changes (CIS 4.4): filter cis-4.4-iam-policy-changes has no alarm on its metric CISBenchmark/IAMPolicyChanges.`,
      ],
      [
        'aws_cloudtrail_trail_change_alarm_configured',
        'fail',
        `${where} has no alarm that reaches anyone on CloudTrail configuration changes (CIS 4.5): alarm ` +
          `cis-cloudtrail-changes on filter cis-4.5-cloudtrail-changes notifies ${QUIET}, which no one has a confirmed ` +
          `subscription to.`,
      ],
    ]);
    // The organization's log group is in the management account, which this agent does not collect.
    expect(of('org-trail').map((finding) => finding.status)).toEqual(['error', 'error', 'error', 'error', 'error']);
    expect(of('org-trail')[0]!.message).toBe(
      `The organization trail org-trail (us-east-1) of account ${ORG_ACCOUNT} sends its events to log group ` +
        `${ORG_GROUP} of account ${ORG_ACCOUNT}, which this agent does not collect: its metric filters and alarms ` +
        `cannot be read from account ${ACCOUNT} (add account ${ORG_ACCOUNT} to accounts).`,
    );
    expect(of('us-data-events').map((finding) => finding.status)).toEqual(Array(5).fill('not_applicable'));
  });

  it('leaves the organization trail to the management account when that account is collected too', async () => {
    mockTrails();
    mockFiltersAndAlarms();
    subscriptions(ALERTS).reply(200, text('sns-list-subscriptions-security-alerts.xml'), XML);
    subscriptions(QUIET).reply(200, text('sns-list-subscriptions-pending.xml'), XML);
    const { ctx } = collectContext();
    const result = await awsCloudTrail.collect(ctx);
    const options = awsCloudTrailOptionsSchema.parse({ ...ctx.options, accounts: [{ id: ACCOUNT }, { id: ORG_ACCOUNT }] });
    const org = alarmFindings(result, options).filter((finding) => finding.trail === 'org-trail');
    expect(org.map((finding) => finding.status)).toEqual(Array(5).fill('not_applicable'));
    expect(org[0]!.message).toMatch(/its alarms are judged in that account's collection\.$/);
  });

  it('gives every alarm check an error, naming the HTTP status and host, when the log group cannot be read', async () => {
    mockTrails();
    const page = '<html><head><title>500 Internal Server Error</title></head><body>Internal Server Error</body></html>';
    logs().times(2).reply(500, page, { 'content-type': 'text/html' });
    const { ctx } = collectContext();
    const result = await awsCloudTrail.collect(ctx);

    const reason = 'log group cloudtrail/main in us-east-1: HTTP 500 from logs.us-east-1 (an HTML page)';
    expect(result.errors).toContainEqual({ type: EVIDENCE.logGroup, resourceId: GROUP, error: reason });
    const main = alarmFindings(result, ctx.options).filter((finding) => finding.trail === 'main');
    expect(main.map((finding) => finding.status)).toEqual(Array(5).fill('error'));
    expect(main[0]!.message).toBe(`The metric filters and alarms of log group ${GROUP} of the trail main (us-east-1) could not be read (${reason}).`);
  });

  it('says it cannot tell when the only topic of an alarm cannot be listed', async () => {
    mockTrails();
    mockFiltersAndAlarms();
    const denied = `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User is not authorized to perform: SNS:ListSubscriptionsByTopic on resource: ${ALERTS}</Message></Error><RequestId>7a1c</RequestId></ErrorResponse>`;
    subscriptions(ALERTS).reply(403, denied, XML);
    subscriptions(QUIET).reply(200, text('sns-list-subscriptions-pending.xml'), XML);
    const { ctx } = collectContext();
    const result = await awsCloudTrail.collect(ctx);

    expect(result.errors).toContainEqual({
      type: ALARM_TOPIC,
      resourceId: ALERTS,
      error: expect.stringMatching(/^ListSubscriptionsByTopic .*: AuthorizationError(Exception)?: User is not authorized/),
    });
    const unauthorized = alarmFindings(result, ctx.options).find(
      (finding) => finding.trail === 'main' && finding.check === 'aws_cloudtrail_unauthorized_calls_alarm_configured',
    );
    expect(unauthorized?.status).toBe('error');
    expect(unauthorized?.message).toMatch(
      /whether an alarm on unauthorized API calls reaches anyone cannot be told: alarm cis-unauthorized-api-calls on filter cis-4\.1-unauthorized-api-calls the subscriptions of .*security-alerts could not be listed/,
    );
  });

  it('passes every item when each has a covering filter and an alarm with a subscribed topic', async () => {
    mockTrails();
    const filters = ALARM_ITEMS.map((item, index) => ({
      filterName: `cis-${index + 1}`,
      // Written differently from CIS's text: re-spaced, unquoted where CIS quotes.
      filterPattern: item.cisPattern.replace(/\s+/g, ' ').replace(/"([A-Za-z]+)"/g, '$1'),
      metricTransformations: [{ metricName: `Metric${index + 1}`, metricNamespace: 'CISBenchmark', metricValue: '1' }],
      creationTime: 1735725600000,
      logGroupName: 'cloudtrail/main',
    }));
    logs().reply(200, { metricFilters: filters }, JSON_11);
    const alarm = json('describe-alarms-for-metric-unauthorized.json')['MetricAlarms'] as Json[];
    ALARM_ITEMS.forEach((_item, index) =>
      alarmsFor(`Metric${index + 1}`).reply(
        200,
        {
          MetricAlarms: [
            {
              ...alarm[0],
              AlarmName: `alarm-${index + 1}`,
              AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:alarm-${index + 1}`,
              MetricName: `Metric${index + 1}`,
            },
          ],
        },
        JSON_10,
      ),
    );
    subscriptions(ALERTS).reply(200, text('sns-list-subscriptions-security-alerts.xml'), XML);
    const { ctx } = collectContext();
    const result = await awsCloudTrail.collect(ctx);
    const main = alarmFindings(result, ctx.options).filter((finding) => finding.trail === 'main');
    expect(main.map((finding) => finding.status)).toEqual(Array(5).fill('pass'));
  });

  it('reads no log group with cloudWatchAlarms.enabled false, and the alarm checks say why', async () => {
    mockTrails();
    const { ctx, apiCalls } = collectContext({ cloudWatchAlarms: { enabled: false } });
    const result = await awsCloudTrail.collect(ctx);
    expect(apiCalls()).toBe(1 + 1 + 6);
    const main = alarmFindings(result, ctx.options).filter((finding) => finding.trail === 'main');
    expect(main.map((finding) => finding.status)).toEqual(Array(5).fill('error'));
    expect(main[0]!.message).toMatch(/could not be read \(not read \(cloudWatchAlarms\.enabled is false\)\)\.$/);
  });

  it('fails a multi-region trail that sends nothing to CloudWatch Logs', async () => {
    nock('https://sts.us-east-1.amazonaws.com').post('/').reply(200, text('sts-get-caller-identity.xml'), XML);
    const bare = { ...MAIN_TRAIL, CloudWatchLogsLogGroupArn: undefined, CloudWatchLogsRoleArn: undefined };
    const cloudTrail = (op: string) => jsonCall('cloudtrail.us-east-1.amazonaws.com', `CloudTrail_20131101.${op}`, JSON_11);
    cloudTrail('DescribeTrails').reply(200, { trailList: [bare] }, JSON_11);
    cloudTrail('GetTrailStatus').reply(200, json('get-trail-status-main.json'), JSON_11);
    cloudTrail('GetEventSelectors').reply(200, json('get-event-selectors-main.json'), JSON_11);
    const { ctx } = collectContext();
    const result = await awsCloudTrail.collect(ctx);
    const findings = alarmFindings(result, ctx.options);
    expect(findings.map((finding) => finding.status)).toEqual(Array(5).fill('fail'));
    const [first] = findings;
    expect(first).toEqual({
      check: 'aws_cloudtrail_unauthorized_calls_alarm_configured',
      trail: 'main',
      status: 'fail',
      message: 'The trail main (us-east-1) sends no events to CloudWatch Logs, so no alarm can watch unauthorized API calls.',
    });
  });

  it('stores an HTML 500 from DescribeTrails as the HTTP status and host', async () => {
    nock('https://sts.us-east-1.amazonaws.com').post('/').reply(200, text('sts-get-caller-identity.xml'), XML);
    jsonCall('cloudtrail.us-east-1.amazonaws.com', 'CloudTrail_20131101.DescribeTrails', JSON_11)
      .times(2)
      .reply(500, '<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>', { 'content-type': 'text/html' });
    const { ctx } = collectContext();
    const result = await awsCloudTrail.collect(ctx);
    expect(result.errors).toEqual([
      {
        type: EVIDENCE.region,
        resourceId: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:region`,
        error: 'DescribeTrails in us-east-1: HTTP 500 from cloudtrail.us-east-1 (an HTML page)',
      },
    ]);
  });
});
