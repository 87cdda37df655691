// What watches the sandbox's own trail: the metric filters of security-trail's CloudWatch Logs log group
// (CloudWatch Logs DescribeMetricFilters, JSON 1.1), the alarms on their metrics (CloudWatch
// DescribeAlarmsForMetric, JSON 1.0) and the subscriptions of the SNS topic they notify (SNS
// ListSubscriptionsByTopic, query/XML). Set up with the trail (drift `securityTrail`), half done: root use
// and trail changes alarm a subscribed topic; the unauthorized-calls filter is the CIS v1.5 text whose
// `||` joins match every call; the IAM policy filter has no alarm; console sign-ins without MFA have no
// filter at all.
import { CLOUDTRAIL_HOME_REGION, SECURITY_LOG_GROUP } from './cloudtrail-estate.js';
import { DRIFT } from './drift.js';
import { DEFAULT_ESTATE_SEED, SANDBOX_ACCOUNT_ID } from './estate-model.js';
import type { EstateOptions } from './estate-model.js';
import { awsUuid, timeline } from './estate-timeline.js';
import { leaf, memberList } from './iam-xml.js';
import { fail } from './query-failure.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328.';
export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';
export const SNS_VERSION = '2010-03-31';
export const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

const ACCOUNT = SANDBOX_ACCOUNT_ID;
const NAMESPACE = 'CISBenchmark';
export const SECURITY_TOPIC_ARN = `arn:aws:sns:${CLOUDTRAIL_HOME_REGION}:${ACCOUNT}:security-alerts`;

interface Filter {
  name: string;
  pattern: string;
  metric: string;
}
interface Alarm {
  name: string;
  metric: string;
  actionsEnabled: boolean;
  actions: string[];
}
interface Monitoring {
  created: Date;
  filters: Filter[];
  alarms: Alarm[];
}

const FILTERS: Filter[] = [
  {
    name: 'cis-4.1-unauthorized-api-calls',
    // CIS v1.5's published text: its || joins make it match every call not made by the log delivery service.
    pattern:
      '{ ($.errorCode = "UnauthorizedOperation") || ($.errorCode = "AccessDenied") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
    metric: 'UnauthorizedAPICalls',
  },
  {
    name: 'cis-4.3-root-usage',
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    metric: 'RootAccountUsage',
  },
  {
    name: 'cis-4.4-iam-policy-changes',
    pattern:
      '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
    metric: 'IAMPolicyChanges',
  },
  {
    name: 'cis-4.5-cloudtrail-changes',
    pattern:
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    metric: 'CloudTrailChanges',
  },
];
/** Metric filters on security-trail's log group, each publishing one metric (the bench bounds the alarm reads by it). */
export const SECURITY_METRIC_FILTERS = FILTERS.length;
const ALARMS: Alarm[] = [
  { name: 'cis-unauthorized-api-calls', metric: 'UnauthorizedAPICalls', actionsEnabled: true, actions: [SECURITY_TOPIC_ARN] },
  { name: 'cis-root-usage', metric: 'RootAccountUsage', actionsEnabled: true, actions: [SECURITY_TOPIC_ARN] },
  { name: 'cis-cloudtrail-changes', metric: 'CloudTrailChanges', actionsEnabled: true, actions: [SECURITY_TOPIC_ARN] },
];

/** The monitoring of the day: none before security-trail exists. */
function monitoring(now: Date, options: EstateOptions): Monitoring | null {
  const t = timeline(now, options.historyEnd ?? new Date(), options.seed ?? DEFAULT_ESTATE_SEED);
  const created = t.when(DRIFT.securityTrail);
  return t.exists(created) ? { created, filters: FILTERS, alarms: ALARMS } : null;
}

const epochSeconds = (date: Date) => date.getTime() / 1000;

/** DescribeMetricFilters: the filters of a log group of this account in `region`, `limit` (max 50) a page. */
export function describeMetricFilters(body: Record<string, unknown>, region: string, now: Date, options: EstateOptions): string {
  const name = body['logGroupName'];
  if (typeof name !== 'string' || name === '') fail(400, 'InvalidParameterException', 'logGroupName is required in this sandbox.');
  const limit = body['limit'] ?? 50;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 50) {
    fail(
      400,
      'InvalidParameterException',
      "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
    );
  }
  const state = monitoring(now, options);
  if (!state || region !== CLOUDTRAIL_HOME_REGION || name !== SECURITY_LOG_GROUP) {
    fail(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
  }
  const offset =
    typeof body['nextToken'] === 'string'
      ? Number(
          Buffer.from(body['nextToken'], 'base64url')
            .toString('utf8')
            .replace(/^filters:/, ''),
        )
      : 0;
  if (!Number.isInteger(offset) || offset < 0) fail(400, 'InvalidParameterException', 'The specified nextToken is invalid.');
  const page = state.filters.slice(offset, offset + limit);
  const next = offset + limit < state.filters.length ? Buffer.from(`filters:${offset + limit}`).toString('base64url') : undefined;
  return JSON.stringify({
    metricFilters: page.map((filter) => ({
      filterName: filter.name,
      filterPattern: filter.pattern,
      metricTransformations: [{ metricName: filter.metric, metricNamespace: NAMESPACE, metricValue: '1', defaultValue: 0 }],
      creationTime: state.created.getTime() + 60_000,
      logGroupName: SECURITY_LOG_GROUP,
      applyOnTransformedLogs: false,
    })),
    ...(next ? { nextToken: next } : {}),
  });
}

/** DescribeAlarmsForMetric: the alarms of this account on one metric (Namespace and MetricName are required). */
export function describeAlarmsForMetric(body: Record<string, unknown>, region: string, now: Date, options: EstateOptions): string {
  const namespace = body['Namespace'];
  const metric = body['MetricName'];
  if (typeof namespace !== 'string' || typeof metric !== 'string') {
    fail(400, 'InvalidParameterValue', 'The parameters MetricName and Namespace are required.');
  }
  const state = monitoring(now, options);
  const alarms = state && region === CLOUDTRAIL_HOME_REGION && namespace === NAMESPACE ? state.alarms.filter((alarm) => alarm.metric === metric) : [];
  const configured = state?.created ?? now;
  return JSON.stringify({
    MetricAlarms: alarms.map((alarm) => ({
      AlarmName: alarm.name,
      AlarmArn: `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${alarm.name}`,
      AlarmDescription: `CIS AWS Foundations: ${alarm.name}`,
      AlarmConfigurationUpdatedTimestamp: epochSeconds(configured) + 120,
      ActionsEnabled: alarm.actionsEnabled,
      OKActions: [],
      AlarmActions: alarm.actions,
      InsufficientDataActions: [],
      StateValue: 'OK',
      StateReason: 'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
      StateUpdatedTimestamp: epochSeconds(now),
      MetricName: alarm.metric,
      Namespace: NAMESPACE,
      Statistic: 'Sum',
      Dimensions: [],
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    })),
  });
}

/** ListSubscriptionsByTopic (result element): the security team's confirmed e-mail subscription, once the topic exists. */
export function listSubscriptionsByTopic(params: URLSearchParams, now: Date, options: EstateOptions): string {
  const topic = params.get('TopicArn');
  const state = monitoring(now, options);
  if (!topic) fail(400, 'InvalidParameter', 'Invalid parameter: TopicArn');
  if (!state || topic !== SECURITY_TOPIC_ARN) fail(404, 'NotFound', 'Topic does not exist');
  const subscriptionArn = `${SECURITY_TOPIC_ARN}:${awsUuid(options.seed ?? DEFAULT_ESTATE_SEED, 'subscription:security-alerts')}`;
  return memberList(
    'Subscriptions',
    [subscriptionArn],
    (arn) =>
      leaf('TopicArn', SECURITY_TOPIC_ARN) +
      leaf('Protocol', 'email') +
      leaf('SubscriptionArn', arn) +
      leaf('Owner', ACCOUNT) +
      leaf('Endpoint', 'security@example.com'),
  );
}
