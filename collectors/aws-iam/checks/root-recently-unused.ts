// CIS AWS 1.7: the root user is not used for daily work: no password or key use within rootUnusedDays.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, RootCredentialsEvidence } from '../schema.js';
import { calendarDaysSince, dayOf } from './credential-ages.js';

export const rootRecentlyUnused: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_root_recently_unused',
  title: 'Root user has not been used recently',
  severity: 'high',
  description:
    'Everyday work as root bypasses every IAM control and audit trail by person. Fails when the root password or a ' +
    'root access key was last used on a day fewer than thresholds.rootUnusedDays days before today (UTC calendar ' +
    'days).',
  remediation:
    'Find out who used the root user and why (CloudTrail userIdentity.type = Root), give them an IAM role for that task, and keep the root credentials locked away.',
  resourceTypes: [EVIDENCE.rootCredentials],
  evaluate(view, options, now) {
    const limit = options.thresholds.rootUnusedDays;
    return evidenceOf<RootCredentialsEvidence>(view, EVIDENCE.rootCredentials).map((root) => {
      const account = root.data.accountId;
      const latest = latestUse(root.data);
      if (!latest) {
        return finding(root, 'pass', `The root user of account ${account} has no recorded password or access key use.`);
      }
      // The date, not the age, so the message stays the same from one day to the next.
      const used = `The root user of account ${account} was last used on ${dayOf(latest.at)} (${latest.how})`;
      return calendarDaysSince(latest.at, now) < limit
        ? finding(root, 'fail', `${used}, less than ${limit} days ago.`)
        : finding(root, 'pass', `${used}, ${limit} or more days ago.`);
    });
  },
};

/** The most recent use of any root credential; on a tie, the first of password, key 1, key 2. */
function latestUse(root: RootCredentialsEvidence): { how: string; at: string } | undefined {
  const uses = [
    { how: 'password', at: root.passwordLastUsed },
    ...root.accessKeys.map((key) => ({ how: `access key ${key.slot}`, at: key.lastUsedDate })),
  ].flatMap(({ how, at }) => (at === null ? [] : [{ how, at, time: Date.parse(dayOf(at)) }]));
  return uses.sort((a, b) => b.time - a.time)[0];
}
