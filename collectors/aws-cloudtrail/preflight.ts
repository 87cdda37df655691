// The aws-cloudtrail preflight: one cheap read per action of config/aws-cloudtrail-policy.json, after
// the credentials. The trail reads go to the first region the collection covers; the status and the
// event selectors of the first trail listed (in its home region), or of a trail that does not exist
// when none is listed: CloudTrail answers TrailNotFound only to a caller allowed the action. The alarm
// reads go to that trail's CloudWatch Logs log group when it has one; otherwise to a log group, a metric
// and an SNS topic that do not exist, which AWS answers as not found (or empty) only to an allowed caller.
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { Trail } from '@aws-sdk/client-cloudtrail';
import type { PermissionCheck, PreflightContext } from '../../src/collector.js';
import type { AccountRef } from '../_aws/account.js';
import type { AwsSession } from '../_aws/clients.js';
import { enabledRegions } from '../_aws/enabled-regions.js';
import { awsPreflight } from '../_aws/preflight.js';
import type { AwsProbe } from '../_aws/preflight.js';
import type { AwsCloudTrailOptions } from './schema.js';

export const AWS_CLOUDTRAIL_POLICY_FILE = 'config/aws-cloudtrail-policy.json';
const NO_TRAIL = 'allowed (no trail to read: asked of a trail that does not exist)';
const PROBE_NAME = 'evidence-agent-doctor-probe';
const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):\d{12}:log-group:(.+?)(?::\*)?$/;

export function cloudTrailProbes(options: Pick<AwsCloudTrailOptions, 'regions'>): AwsProbe[] {
  // Shared by the probes of one scope: the region read and the trail found there.
  let region: string | undefined = options.regions?.[0];
  let trail: Trail | undefined;
  const clientIn = (session: AwsSession, name: string) => session.track(new CloudTrailClient(session.clientConfig(name)));
  const trailTarget = (account: AccountRef, where: string) => ({
    arn: trail?.TrailARN ?? `arn:${account.partition}:cloudtrail:${where}:${account.accountId}:trail/evidence-agent-doctor-probe`,
    home: trail?.HomeRegion ?? where,
  });
  // The trail's own log group (its region and name), else a log group that does not exist where the trails were read.
  const logGroup = (session: AwsSession) => {
    const match = LOG_GROUP_ARN.exec(trail?.CloudWatchLogsLogGroupArn ?? '');
    return match ? { region: match[1]!, name: match[2]! } : { region: region ?? session.region, name: PROBE_NAME };
  };
  return [
    {
      action: 'account:ListRegions',
      ...(options.regions ? { skip: 'not used: the config lists the regions' } : {}),
      read: async (session, _account, signal) => {
        const regions = await enabledRegions(session, signal);
        region = regions[0];
        return `${regions.length} enabled regions`;
      },
    },
    {
      action: 'cloudtrail:DescribeTrails',
      read: async (session, _account, signal) => {
        region ??= session.region;
        const output = await clientIn(session, region).send(new DescribeTrailsCommand({ includeShadowTrails: true }), { abortSignal: signal });
        trail = output.trailList?.[0];
        return `${output.trailList?.length ?? 0} trail(s) in ${region}`;
      },
    },
    {
      action: 'cloudtrail:GetTrailStatus',
      read: async (session, account, signal) => {
        const target = trailTarget(account, region ?? session.region);
        const status = await clientIn(session, target.home).send(new GetTrailStatusCommand({ Name: target.arn }), { abortSignal: signal });
        return `${trail?.Name ?? target.arn}: ${status.IsLogging ? 'logging' : 'not logging'}`;
      },
      allowedErrors: { TrailNotFoundException: NO_TRAIL },
    },
    {
      action: 'cloudtrail:GetEventSelectors',
      read: async (session, account, signal) => {
        const target = trailTarget(account, region ?? session.region);
        await clientIn(session, target.home).send(new GetEventSelectorsCommand({ TrailName: target.arn }), { abortSignal: signal });
        return `${trail?.Name ?? target.arn}: read`;
      },
      allowedErrors: { TrailNotFoundException: NO_TRAIL },
    },
    {
      action: 'cloudtrail:LookupEvents',
      read: async (session, _account, signal) => {
        const where = region ?? session.region;
        const end = new Date();
        await clientIn(session, where).send(new LookupEventsCommand({ MaxResults: 1, StartTime: new Date(end.getTime() - 3_600_000), EndTime: end }), {
          abortSignal: signal,
        });
        return `read (one event of the last hour in ${where})`;
      },
    },
    {
      action: 'logs:DescribeMetricFilters',
      read: async (session, _account, signal) => {
        const group = logGroup(session);
        const client = session.track(new CloudWatchLogsClient(session.clientConfig(group.region)));
        const page = await client.send(new DescribeMetricFiltersCommand({ logGroupName: group.name, limit: 1 }), { abortSignal: signal });
        return `read (a page of ${page.metricFilters?.length ?? 0} filter of ${group.name})`;
      },
      allowedErrors: { ResourceNotFoundException: 'allowed (no log group to read: asked of one that does not exist)' },
    },
    {
      action: 'cloudwatch:DescribeAlarmsForMetric',
      read: async (session, _account, signal) => {
        const client = session.track(new CloudWatchClient(session.clientConfig(logGroup(session).region)));
        await client.send(new DescribeAlarmsForMetricCommand({ MetricName: PROBE_NAME, Namespace: 'EvidenceAgent/Doctor' }), { abortSignal: signal });
        return 'read (the alarms of a metric nobody publishes)';
      },
    },
    {
      action: 'sns:ListSubscriptionsByTopic',
      read: async (session, account, signal) => {
        const where = logGroup(session).region;
        const client = session.track(new SNSClient(session.clientConfig(where)));
        const topic = `arn:${account.partition}:sns:${where}:${account.accountId}:${PROBE_NAME}`;
        await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }), { abortSignal: signal });
        return `read (${topic})`;
      },
      allowedErrors: { NotFoundException: 'allowed (asked of a topic that does not exist)', NotFound: 'allowed (asked of a topic that does not exist)' },
    },
  ];
}

export function preflightAwsCloudTrail(ctx: PreflightContext<AwsCloudTrailOptions>): Promise<PermissionCheck[]> {
  return awsPreflight(ctx, AWS_CLOUDTRAIL_POLICY_FILE, cloudTrailProbes(ctx.options));
}
