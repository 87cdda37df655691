// CIS AWS 4.1-4.5 (SOC 2 CC7.2): for the CloudWatch Logs log group of each multi-region trail, a metric
// filter covering the event (see cis-alarm-items.ts), an alarm on the filter's metric with its actions
// enabled, and an action that reaches someone: an SNS topic with a confirmed subscription, or another
// action (Lambda, Systems Manager), named as it is. One check per item, one finding per trail.
import type { CheckDefinition, EvidenceView, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { parseArn } from '../../_aws/arn.js';
import { configuredAccountId } from '../../_aws/account.js';
import { ALARM_TOPIC, EVIDENCE, logGroupId } from '../schema.js';
import type { AlarmEvidence, AwsCloudTrailOptions, LogGroupEvidence, TrailEvidence } from '../schema.js';
import { ALARM_ITEMS, coverage } from './cis-alarm-items.js';
import type { AlarmItem } from './cis-alarm-items.js';
import { listing, trailLabel } from './trails.js';

type Verdict = { status: FindingDraft['status']; message: string };

function alarmCheck(item: AlarmItem): CheckDefinition<AwsCloudTrailOptions> {
  return {
    id: item.id,
    title: `An alarm with a subscribed action watches ${item.subject}`,
    severity: 'medium',
    description:
      `${item.cis}: ${item.subject} should reach someone within minutes, not at the next log review. For each ` +
      `multi-region trail recording a configured region, fails when its CloudWatch Logs log group has no metric ` +
      `filter covering ${item.subject} ` +
      '(the filter must match every sample event of the item and none of its look-alikes; JSON patterns only, ' +
      "compared by meaning, not text), no alarm with its actions enabled on that filter's metric, or no alarm " +
      'action that reaches someone (an SNS topic with a confirmed subscription, or a non-SNS action). A trail ' +
      'without a log group fails. Single-region trails are not applicable. A log group in another account is not ' +
      'applicable when that account is collected too (it is judged there), and an error otherwise; a log group, or a ' +
      'topic, that could not be read is an error.',
    remediation:
      `Create a metric filter on the trail's log group with the pattern ${item.cisPattern} and an alarm on its ` +
      `metric (Sum >= 1 over 5 minutes) that notifies an SNS topic someone is subscribed to: \`aws logs ` +
      `put-metric-filter\`, \`aws cloudwatch put-metric-alarm --alarm-actions <topic ARN>\`, \`aws sns subscribe\`.`,
    // Regions too: a region whose trails could not be listed gets an `error` here, not silence.
    resourceTypes: [EVIDENCE.trail, EVIDENCE.region],
    evaluate(view, options) {
      const collected = new Set(options.accounts.flatMap((account) => configuredAccountId(account) ?? []));
      return evidenceOf<TrailEvidence>(view, EVIDENCE.trail).map((trail) => {
        const verdict = judgeTrail(view, trail.data, item, collected);
        return finding(trail, verdict.status, verdict.message);
      });
    },
  };
}

function judgeTrail(view: EvidenceView, trail: TrailEvidence, item: AlarmItem, collected: ReadonlySet<string>): Verdict {
  const name = `The ${trailLabel(trail)}`;
  if (!trail.multiRegion) {
    return { status: 'not_applicable', message: `${name} is single-region: the ${item.cis} alarms belong on the log group of a multi-region trail.` };
  }
  const groupArn = trail.cloudWatchLogsLogGroupArn;
  if (!groupArn) return { status: 'fail', message: `${name} sends no events to CloudWatch Logs, so no alarm can watch ${item.subject}.` };
  const id = logGroupId(groupArn);
  const owner = parseArn(id)?.accountId ?? '';
  if (owner !== trail.accountId) {
    return collected.has(owner)
      ? {
          status: 'not_applicable',
          message: `${name} sends its events to log group ${id} of account ${owner}: its alarms are judged in that account's collection.`,
        }
      : {
          status: 'error',
          message:
            `${name} sends its events to log group ${id} of account ${owner}, which this agent does not collect: its ` +
            `metric filters and alarms cannot be read from account ${trail.accountId} (add account ${owner} to accounts).`,
        };
  }
  const group = view.get(EVIDENCE.logGroup, id)?.data as LogGroupEvidence | undefined;
  if (!group) {
    const reason = view.errors(EVIDENCE.logGroup).find((error) => error.resourceId === id)?.error ?? 'not read (cloudWatchAlarms.enabled is false)';
    return { status: 'error', message: `The metric filters and alarms of log group ${id} of the ${trailLabel(trail)} could not be read (${reason}).` };
  }
  return judgeGroup(view, group, item, `${name}'s log group ${group.logGroupName}`);
}

function judgeGroup(view: EvidenceView, group: LogGroupEvidence, item: AlarmItem, where: string): Verdict {
  const covering = group.metricFilters.filter((filter) => coverage(filter.pattern, item).covers);
  if (covering.length === 0) {
    // Filters about the item that fall short, and filters that could not be read, are named; unrelated ones are not.
    const near: string[] = [];
    const notUnderstood: string[] = [];
    for (const filter of group.metricFilters) {
      const judged = coverage(filter.pattern, item);
      if (judged.covers) continue;
      if (!judged.understood) notUnderstood.push(`${filter.name} (${judged.why})`);
      else if (judged.related) near.push(`${filter.name} ${judged.why}`);
    }
    const notes = [...(near.length > 0 ? [near.join('; ')] : []), ...(notUnderstood.length > 0 ? [`filters not understood: ${notUnderstood.join(', ')}`] : [])];
    return { status: 'fail', message: `${where} has no metric filter covering ${item.subject} (${item.cis})${notes.map((note) => `; ${note}`).join('')}.` };
  }
  const problems: string[] = [];
  const unknown: string[] = [];
  for (const filter of covering) {
    const alarms = group.alarms.filter((alarm) => filter.metrics.some((m) => m.namespace === alarm.namespace && m.name === alarm.metricName));
    const metrics = filter.metrics.map((m) => `${m.namespace}/${m.name}`).join(', ');
    if (alarms.length === 0) problems.push(`filter ${filter.name} has no alarm on its metric ${metrics || '(none)'}`);
    for (const alarm of alarms) {
      const reach = reaches(view, group, alarm);
      if (reach.ok) {
        return {
          status: 'pass',
          message: `${where} has metric filter ${filter.name} covering ${item.subject} (${item.cis}) and alarm ${alarm.name}, which ${reach.how}.`,
        };
      }
      (reach.unknown ? unknown : problems).push(`alarm ${alarm.name} on filter ${filter.name} ${reach.why}`);
    }
  }
  if (unknown.length > 0)
    return { status: 'error', message: `${where}: whether an alarm on ${item.subject} reaches anyone cannot be told: ${unknown.join('; ')}.` };
  return { status: 'fail', message: `${where} has no alarm that reaches anyone on ${item.subject} (${item.cis}): ${problems.join('; ')}.` };
}

type Reach = { ok: true; how: string } | { ok: false; unknown: boolean; why: string };

function reaches(view: EvidenceView, group: LogGroupEvidence, alarm: AlarmEvidence): Reach {
  if (!alarm.actionsEnabled) return { ok: false, unknown: false, why: 'has its actions disabled' };
  if (alarm.alarmActions.length === 0) return { ok: false, unknown: false, why: 'has no alarm action' };
  const dead: string[] = [];
  const unread: string[] = [];
  for (const action of alarm.alarmActions) {
    if (parseArn(action)?.service !== 'sns') return { ok: true, how: `runs ${action}` };
    const topic = group.topics.find((candidate) => candidate.arn === action);
    if (!topic || topic.confirmedSubscriptions === null) {
      const reason = view.errors(ALARM_TOPIC).find((error) => error.resourceId === action)?.error ?? 'not read';
      unread.push(`the subscriptions of ${action} could not be listed (${reason})`);
    } else if (topic.confirmedSubscriptions > 0) {
      return { ok: true, how: `notifies ${action}, which has a confirmed subscription (${listing(topic.protocols)})` };
    } else {
      dead.push(action);
    }
  }
  if (unread.length > 0) return { ok: false, unknown: true, why: unread.join(', ') };
  return { ok: false, unknown: false, why: `notifies ${listing(dead)}, which no one has a confirmed subscription to` };
}

export const securityAlarmChecks: CheckDefinition<AwsCloudTrailOptions>[] = ALARM_ITEMS.map(alarmCheck);
