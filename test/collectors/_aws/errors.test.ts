// What a failed AWS read is stored as: a reply the SDK cannot parse (an HTML error page from a proxy or
// a load balancer, an empty 5xx) names the HTTP status and the host that sent it, whatever the
// protocol (JSON 1.1, JSON 1.0, query/XML, REST JSON), never the SDK's deserialization message.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { AccessAnalyzerClient, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { createAwsSession } from '../../../collectors/_aws/clients.js';
import { describeFailure } from '../../../collectors/_aws/errors.js';
import { settle } from '../../../collectors/_aws/outcome.js';
import { isolateFromHostAws } from '../../helpers/collect-context.js';
import { SecretRegistry } from '../../../src/redaction.js';

const CREDENTIALS = { accessKeyId: 'FAKEACCESSKEYFORTESTS', secretAccessKey: 'fake-secret-access-key' };
const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>' +
  '<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>';
const HTML = { 'content-type': 'text/html; charset=utf-8' };

function session(endpoint?: string) {
  return createAwsSession({
    account: {},
    region: 'us-east-1',
    clientEnvironment: { aws: { credentials: CREDENTIALS, maxAttempts: 2, retryDelayMs: 1, ...(endpoint ? { endpoint } : {}) } },
    countApiCall: () => undefined,
    secrets: new SecretRegistry(),
  });
}

describe('a reply the SDK cannot parse is described by its HTTP status and host', () => {
  isolateFromHostAws([
    'AWS_ENDPOINT_URL_CLOUDTRAIL',
    'AWS_ENDPOINT_URL_IAM',
    'AWS_ENDPOINT_URL_CLOUDWATCH',
    'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
    'AWS_ENDPOINT_URL_ACCESSANALYZER',
  ]);

  it('CloudTrail (JSON 1.1): an HTML 500 page', async () => {
    const scope = nock('https://cloudtrail.us-east-1.amazonaws.com').post('/').times(2).reply(500, HTML_PAGE, HTML);
    const aws = session();
    const client = aws.track(new CloudTrailClient(aws.clientConfig('us-east-1')));
    const read = await settle('DescribeTrails in us-east-1', client.send(new DescribeTrailsCommand({})));
    aws.destroy();
    expect(read).toEqual({ ok: false, reason: 'DescribeTrails in us-east-1: HTTP 500 from cloudtrail.us-east-1 (an HTML page)' });
    expect(scope.isDone()).toBe(true);
  });

  it('IAM (query/XML, global endpoint): an HTML 502 page', async () => {
    nock('https://iam.amazonaws.com').post('/').times(2).reply(502, HTML_PAGE, HTML);
    const aws = session();
    const client = aws.track(new IAMClient(aws.clientConfig()));
    const read = await settle('account summary', client.send(new GetAccountSummaryCommand({})));
    aws.destroy();
    expect(read).toEqual({ ok: false, reason: 'account summary: HTTP 502 from iam (an HTML page)' });
  });

  it('CloudWatch (JSON 1.0), CloudWatch Logs and Access Analyzer (REST JSON) alike', async () => {
    nock('https://monitoring.eu-west-1.amazonaws.com').post('/').times(2).reply(503, HTML_PAGE, HTML);
    nock('https://logs.eu-west-1.amazonaws.com').post('/').times(2).reply(500, HTML_PAGE, HTML);
    nock('https://access-analyzer.eu-west-1.amazonaws.com').get('/analyzer').times(2).reply(500, HTML_PAGE, HTML);
    const aws = session();
    const cloudWatch = aws.track(new CloudWatchClient(aws.clientConfig('eu-west-1')));
    const logs = aws.track(new CloudWatchLogsClient(aws.clientConfig('eu-west-1')));
    const analyzer = aws.track(new AccessAnalyzerClient(aws.clientConfig('eu-west-1')));
    const reads = await Promise.all([
      settle('alarms', cloudWatch.send(new DescribeAlarmsForMetricCommand({ MetricName: 'RootUse', Namespace: 'CIS' }))),
      settle('filters', logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'trail' }))),
      settle('analyzers', analyzer.send(new ListAnalyzersCommand({}))),
    ]);
    aws.destroy();
    expect(reads).toEqual([
      { ok: false, reason: 'alarms: HTTP 503 from monitoring.eu-west-1 (an HTML page)' },
      { ok: false, reason: 'filters: HTTP 500 from logs.eu-west-1 (an HTML page)' },
      { ok: false, reason: 'analyzers: HTTP 500 from access-analyzer.eu-west-1 (an HTML page)' },
    ]);
  });

  it('names a local endpoint by host and port, and an empty 5xx as without an error code', async () => {
    nock('http://127.0.0.1:4566').post('/').times(2).reply(503, '', { 'content-type': 'text/xml' });
    const aws = session('http://127.0.0.1:4566');
    const client = aws.track(new IAMClient(aws.clientConfig()));
    const read = await settle('credential report', client.send(new GetAccountSummaryCommand({})));
    aws.destroy();
    expect(read).toEqual({ ok: false, reason: 'credential report: HTTP 503 from 127.0.0.1:4566 without an error code' });
  });

  it('keeps AWS error codes and messages as they were', async () => {
    nock('https://cloudtrail.us-east-1.amazonaws.com')
      .post('/')
      .reply(400, JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized' }), {
        'content-type': 'application/x-amz-json-1.1',
      });
    const aws = session();
    const client = aws.track(new CloudTrailClient(aws.clientConfig('us-east-1')));
    const read = await settle('DescribeTrails in us-east-1', client.send(new DescribeTrailsCommand({})));
    aws.destroy();
    expect(read).toEqual({ ok: false, reason: 'DescribeTrails in us-east-1: AccessDeniedException: not authorized' });
  });

  it('describes an error that never reached a client by its message', () => {
    expect(describeFailure('x', new Error('boom'))).toBe('x: boom');
    expect(describeFailure('x', 'text')).toBe('x: text');
  });
});
