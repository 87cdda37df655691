// Evidence of a trail's log group: its metric filters, the alarms on their metrics and the SNS topics
// those alarms notify, in a stable order (an unchanged configuration gives the same document). A log
// group that could not be read is a resource error; a topic whose subscriptions could not be listed
// stays in the document with `confirmedSubscriptions: null` and a resource error of its own.
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { MetricFilter } from '@aws-sdk/client-cloudwatch-logs';
import type { Subscription } from '@aws-sdk/client-sns';
import type { ResourceError } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import type { Outcome } from '../_aws/outcome.js';
import { alarmTopics } from './alarm-reads.js';
import type { LogGroupRead, LogGroupTarget } from './alarm-reads.js';
import { ALARM_TOPIC, EVIDENCE, EVIDENCE_SCHEMA_VERSION } from './schema.js';
import type { AlarmEvidence, AlarmTopicEvidence, Built, LogGroupEvidence, MetricFilterEvidence } from './schema.js';

export function logGroupEvidence(
  accountId: string,
  target: LogGroupTarget,
  read: Outcome<LogGroupRead>,
  subscriptions: ReadonlyMap<string, Outcome<Subscription[]>>,
): Built {
  if (!read.ok) return { evidence: [], errors: [{ type: EVIDENCE.logGroup, resourceId: target.id, error: read.reason }] };
  let metricFilters: MetricFilterEvidence[];
  let alarms: AlarmEvidence[];
  try {
    metricFilters = read.value.filters.map(filterEvidence).sort((a, b) => compareStrings(a.name, b.name));
    alarms = alarmsEvidence(read.value.alarms);
  } catch (error) {
    if (!(error instanceof MalformedResponseError)) throw error;
    return {
      evidence: [],
      errors: [{ type: EVIDENCE.logGroup, resourceId: target.id, error: `log group ${target.name} in ${target.region}: ${error.message}` }],
    };
  }
  const errors: ResourceError[] = [];
  const topics = alarmTopics(read.value.alarms).map((arn): AlarmTopicEvidence => {
    const listed = subscriptions.get(arn);
    if (!listed?.ok) {
      errors.push({ type: ALARM_TOPIC, resourceId: arn, error: listed?.reason ?? `ListSubscriptionsByTopic ${arn}: not read` });
      return { arn, confirmedSubscriptions: null, protocols: [] };
    }
    // A subscription awaiting confirmation has the SubscriptionArn "PendingConfirmation": it receives nothing.
    const confirmed = listed.value.filter((subscription) => subscription.SubscriptionArn?.startsWith('arn:'));
    const protocols = [...new Set(confirmed.map((subscription) => subscription.Protocol ?? 'unknown'))].sort(compareStrings);
    return { arn, confirmedSubscriptions: confirmed.length, protocols };
  });
  const data: LogGroupEvidence = {
    accountId,
    logGroupArn: target.id,
    logGroupName: target.name,
    region: target.region,
    trailArns: target.trailArns,
    metricFilters,
    alarms,
    topics,
  };
  return { evidence: [{ type: EVIDENCE.logGroup, resourceId: target.id, schemaVersion: EVIDENCE_SCHEMA_VERSION, data }], errors };
}

function filterEvidence(filter: MetricFilter): MetricFilterEvidence {
  if (!filter.filterName) throw new MalformedResponseError('a metric filter has no filterName');
  const metrics = (filter.metricTransformations ?? [])
    .map((metric) => ({ namespace: metric.metricNamespace ?? '', name: metric.metricName ?? '' }))
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  return { name: filter.filterName, pattern: filter.filterPattern ?? '', metrics };
}

/** Each alarm once (an alarm on two of the metrics is listed twice), by name. */
function alarmsEvidence(alarms: readonly MetricAlarm[]): AlarmEvidence[] {
  const byArn = new Map<string, AlarmEvidence>();
  for (const alarm of alarms) {
    if (!alarm.AlarmName || !alarm.AlarmArn) throw new MalformedResponseError('an alarm has no AlarmName or AlarmArn');
    byArn.set(alarm.AlarmArn, {
      name: alarm.AlarmName,
      arn: alarm.AlarmArn,
      namespace: alarm.Namespace ?? '',
      metricName: alarm.MetricName ?? '',
      // CloudWatch's default when the field is absent: actions run.
      actionsEnabled: alarm.ActionsEnabled !== false,
      alarmActions: [...(alarm.AlarmActions ?? [])].sort(compareStrings),
    });
  }
  return [...byArn.values()].sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.arn, b.arn));
}
