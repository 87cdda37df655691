// The sandbox's IAM Access Analyzer (REST JSON) and the reads behind the CIS alarm checks (CloudWatch
// Logs JSON 1.1, CloudWatch JSON 1.0, SNS query/XML), through the real SDK clients: the shapes they parse,
// the errors they raise, and the drift (nothing before the day it happened).
import { AccessAnalyzerClient, ListAnalyzersCommand, ListFindingsCommand } from '@aws-sdk/client-accessanalyzer';
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_METRIC_FILTERS, startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';

const END = new Date('2026-03-31T00:00:00Z');
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(END.getTime() + offset * DAY_MS + 12 * 3_600_000);
const credentials = { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-secret' };
const GROUP = 'aws-cloudtrail-logs-111122223333-security';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security-alerts';

describe('sandbox monitoring APIs through the AWS SDK', () => {
  let sandbox: Sandbox;
  const config = (region: string) => ({ endpoint: sandbox.endpoint, region, credentials, maxAttempts: 1 });

  beforeAll(async () => {
    sandbox = await startSandbox({ historyEnd: END, date: day(0) });
  });
  afterAll(async () => sandbox?.close());

  it('serves the security trail log group: its filters by page, the alarms of each metric, the topic subscription', async () => {
    const logs = new CloudWatchLogsClient(config('us-east-1'));
    const cloudWatch = new CloudWatchClient(config('us-east-1'));
    const sns = new SNSClient(config('us-east-1'));
    try {
      const first = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: GROUP, limit: 3 }));
      const second = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: GROUP, limit: 3, nextToken: first.nextToken }));
      const filters = [...(first.metricFilters ?? []), ...(second.metricFilters ?? [])];
      expect(filters).toHaveLength(SECURITY_METRIC_FILTERS);
      expect(second.nextToken).toBeUndefined();
      expect(filters[0]).toMatchObject({
        filterName: 'cis-4.1-unauthorized-api-calls',
        logGroupName: GROUP,
        metricTransformations: [{ metricNamespace: 'CISBenchmark', metricName: 'UnauthorizedAPICalls' }],
      });
      expect(typeof filters[0]?.creationTime).toBe('number');

      const root = await cloudWatch.send(new DescribeAlarmsForMetricCommand({ Namespace: 'CISBenchmark', MetricName: 'RootAccountUsage' }));
      expect(root.MetricAlarms).toEqual([
        expect.objectContaining({ AlarmName: 'cis-root-usage', ActionsEnabled: true, AlarmActions: [TOPIC], StateUpdatedTimestamp: expect.any(Date) }),
      ]);
      const iam = await cloudWatch.send(new DescribeAlarmsForMetricCommand({ Namespace: 'CISBenchmark', MetricName: 'IAMPolicyChanges' }));
      expect(iam.MetricAlarms).toEqual([]);

      const subscriptions = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
      expect(subscriptions.Subscriptions).toEqual([
        expect.objectContaining({ Protocol: 'email', SubscriptionArn: expect.stringMatching(/^arn:aws:sns:us-east-1:111122223333:security-alerts:/) }),
      ]);
      expect(sandbox.requests.byAction).toMatchObject({ DescribeMetricFilters: 2, DescribeAlarmsForMetric: 2, ListSubscriptionsByTopic: 1 });
    } finally {
      for (const client of [logs, cloudWatch, sns]) client.destroy();
    }
  });

  it('answers unknown log groups, bad limits and unknown topics with the errors the SDK raises', async () => {
    const logs = new CloudWatchLogsClient(config('us-east-1'));
    const sns = new SNSClient(config('us-east-1'));
    try {
      await expect(logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'no-such-group' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(logs.send(new DescribeMetricFiltersCommand({ logGroupName: GROUP, limit: 51 }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
      await expect(sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: `${TOPIC}-old` }))).rejects.toMatchObject({
        name: 'NotFoundException',
        $metadata: { httpStatusCode: 404 },
      });
      // Before the drift created security-trail, its log group does not exist.
      sandbox.setDate(day(-6));
      await expect(logs.send(new DescribeMetricFiltersCommand({ logGroupName: GROUP }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      sandbox.setDate(day(0));
      logs.destroy();
      sns.destroy();
    }
  });

  it('lists the analyzers of a region and the active findings of the external-access one', async () => {
    const us = new AccessAnalyzerClient(config('us-east-1'));
    const eu = new AccessAnalyzerClient(config('eu-west-1'));
    try {
      const { analyzers } = await us.send(new ListAnalyzersCommand({}));
      expect(analyzers).toEqual([
        expect.objectContaining({
          type: 'ACCOUNT',
          status: 'ACTIVE',
          name: expect.stringMatching(/^ConsoleAnalyzer-[0-9a-f-]{36}$/),
          createdAt: expect.any(Date),
        }),
      ]);
      const { findings } = await us.send(new ListFindingsCommand({ analyzerArn: analyzers![0]!.arn, filter: { status: { eq: ['ACTIVE'] } } }));
      expect(findings?.map((finding) => [finding.resourceType, finding.resource, finding.principal])).toEqual([
        ['AWS::S3::Bucket', 'arn:aws:s3:::example-co-lake', { AWS: '777788889999' }],
        ['AWS::IAM::Role', 'arn:aws:iam::111122223333:role/vendor-monitoring', { AWS: 'arn:aws:iam::210987654321:root' }],
      ]);
      expect(findings?.[0]?.createdAt).toBeInstanceOf(Date);

      const euAnalyzers = (await eu.send(new ListAnalyzersCommand({}))).analyzers ?? [];
      expect(euAnalyzers.map((analyzer) => [analyzer.name, analyzer.type])).toEqual([['eu-unused-access', 'ACCOUNT_UNUSED_ACCESS']]);
      await expect(eu.send(new ListFindingsCommand({ analyzerArn: euAnalyzers[0]!.arn }))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(us.send(new ListFindingsCommand({ analyzerArn: 'arn:aws:access-analyzer:us-east-1:111122223333:analyzer/gone' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });

      // The vendor role's finding appears with the role (day -16).
      sandbox.setDate(day(-17));
      const before = await us.send(new ListFindingsCommand({ analyzerArn: analyzers![0]!.arn }));
      expect(before.findings?.map((finding) => finding.resourceType)).toEqual(['AWS::S3::Bucket']);
    } finally {
      sandbox.setDate(day(0));
      us.destroy();
      eu.destroy();
    }
  });
});
