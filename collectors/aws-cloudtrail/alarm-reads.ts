// What watches a trail's CloudWatch Logs log group: its metric filters (DescribeMetricFilters, every
// page), the alarms on each metric they publish to (DescribeAlarmsForMetric, one call per metric), and
// the confirmed subscriptions of each SNS topic those alarms notify (ListSubscriptionsByTopic, every
// page). Only the log groups of the account's own multi-region trails are read: the CIS alarms belong
// on the log group of a trail that records every region, and another account's log group cannot be read.
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { MetricFilter } from '@aws-sdk/client-cloudwatch-logs';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Subscription } from '@aws-sdk/client-sns';
import { PageGuard } from '../../src/page-guard.js';
import { compareStrings } from '../../src/compare-strings.js';
import { parseArn } from '../_aws/arn.js';
import type { AwsSession } from '../_aws/clients.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { logGroupId } from './schema.js';
import type { ListedTrail } from './trail-reads.js';

/** DescribeMetricFilters allows 50 per page; a log group holds at most 100 filters (quota), so 2 pages. */
const FILTER_PAGE_SIZE = 50;
const MAX_FILTER_PAGES = 20;
/** DescribeAlarmsForMetric calls in flight at once per log group. */
const ALARM_READS_AT_ONCE = 4;
/** ListSubscriptionsByTopic returns 100 per page; a topic may have thousands of subscriptions. */
const MAX_SUBSCRIPTION_PAGES = 200;

/** A log group to read, and the trails that send their events to it. */
export interface LogGroupTarget {
  /** logGroupId(ARN): the ARN without `:*`. */
  id: string;
  name: string;
  region: string;
  accountId: string;
  trailArns: string[];
}

/** The clients of one account for the alarm reads, one per service and region, made when first needed. */
export interface AlarmClients {
  logs(region: string): CloudWatchLogsClient;
  cloudWatch(region: string): CloudWatchClient;
  sns(region: string): SNSClient;
}

export function alarmClients(session: AwsSession): AlarmClients {
  return { logs: session.regional(CloudWatchLogsClient), cloudWatch: session.regional(CloudWatchClient), sns: session.regional(SNSClient) };
}

const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(:\*)?$/;

/**
 * The log groups of the account's own multi-region trails, once each. A trail whose log group is in
 * another account, or a single-region trail, is judged without a read (see the alarm checks).
 */
export function logGroupTargets(trails: readonly ListedTrail[], accountId: string): LogGroupTarget[] {
  const targets = new Map<string, LogGroupTarget>();
  for (const listed of trails) {
    const arn = listed.trail.CloudWatchLogsLogGroupArn;
    const match = arn ? LOG_GROUP_ARN.exec(arn) : null;
    if (!listed.multiRegion || !arn || !match || match[2] !== accountId) continue;
    const id = logGroupId(arn);
    const target = targets.get(id) ?? { id, name: match[3]!, region: match[1]!, accountId, trailArns: [] };
    target.trailArns.push(listed.arn);
    targets.set(id, target);
  }
  return [...targets.values()]
    .map((target) => ({ ...target, trailArns: [...new Set(target.trailArns)].sort(compareStrings) }))
    .sort((a, b) => compareStrings(a.id, b.id));
}

export interface LogGroupRead {
  filters: MetricFilter[];
  alarms: MetricAlarm[];
}

/** Every metric filter of the group, then the alarms on each distinct metric they publish to. */
export async function readLogGroup(clients: AlarmClients, target: LogGroupTarget, signal: AbortSignal): Promise<LogGroupRead> {
  const logs = clients.logs(target.region);
  const filters: MetricFilter[] = [];
  const guard = new PageGuard(`DescribeMetricFilters ${target.name}`, MAX_FILTER_PAGES);
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new DescribeMetricFiltersCommand({ logGroupName: target.name, limit: FILTER_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }),
      { abortSignal: signal },
    );
    if (!Array.isArray(page.metricFilters)) throw new MalformedResponseError('DescribeMetricFilters returned no metricFilters');
    filters.push(...page.metricFilters);
    nextToken = page.nextToken || undefined;
    guard.page(nextToken);
  } while (nextToken !== undefined);

  const metrics = new Map<string, { namespace: string; name: string }>();
  for (const filter of filters) {
    for (const metric of filter.metricTransformations ?? []) {
      if (!metric.metricNamespace || !metric.metricName) {
        throw new MalformedResponseError(`metric filter ${JSON.stringify(filter.filterName ?? null)} has a transformation without a metric`);
      }
      metrics.set(`${metric.metricNamespace}\u0000${metric.metricName}`, { namespace: metric.metricNamespace, name: metric.metricName });
    }
  }
  const cloudWatch = clients.cloudWatch(target.region);
  const alarms: MetricAlarm[] = [];
  const pending = [...metrics.values()];
  // A few at a time: a log group may hold 100 filters, and CloudWatch's describe calls are rate-limited.
  while (pending.length > 0) {
    const batch = pending.splice(0, ALARM_READS_AT_ONCE);
    const lists = await Promise.all(
      batch.map(async (metric) => {
        const output = await cloudWatch.send(new DescribeAlarmsForMetricCommand({ Namespace: metric.namespace, MetricName: metric.name }), {
          abortSignal: signal,
        });
        if (!Array.isArray(output.MetricAlarms))
          throw new MalformedResponseError(`DescribeAlarmsForMetric ${metric.namespace}/${metric.name} returned no MetricAlarms`);
        return output.MetricAlarms;
      }),
    );
    alarms.push(...lists.flat());
  }
  return { filters, alarms };
}

/** The SNS topics (ARNs) the alarms notify when they fire, once each, sorted. */
export function alarmTopics(alarms: readonly MetricAlarm[]): string[] {
  const topics = alarms.flatMap((alarm) => (alarm.AlarmActions ?? []).filter((action) => parseArn(action)?.service === 'sns'));
  return [...new Set(topics)].sort(compareStrings);
}

/** Every subscription of a topic, in the topic's region. */
export async function readTopicSubscriptions(clients: AlarmClients, topicArn: string, signal: AbortSignal): Promise<Subscription[]> {
  const region = parseArn(topicArn)?.region;
  if (!region) throw new MalformedResponseError(`alarm action ${topicArn} is not an SNS topic ARN with a region`);
  const sns = clients.sns(region);
  const subscriptions: Subscription[] = [];
  const guard = new PageGuard(`ListSubscriptionsByTopic ${topicArn}`, MAX_SUBSCRIPTION_PAGES);
  let nextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...(nextToken ? { NextToken: nextToken } : {}) }), {
      abortSignal: signal,
    });
    subscriptions.push(...(page.Subscriptions ?? []));
    nextToken = page.NextToken || undefined;
    guard.page(nextToken);
  } while (nextToken !== undefined);
  return subscriptions;
}
