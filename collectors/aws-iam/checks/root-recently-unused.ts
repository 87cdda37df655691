// CIS AWS 1.7: the root user is not used for daily work: no password or key use within rootUnusedDays.
import type { CheckDefinition } from '../../../src/collector.js';
import { EVIDENCE } from '../schema.js';
import type { AwsIamOptions, RootCredentialsEvidence } from '../schema.js';
import { daysSince, evidenceOf, finding } from './judging.js';

export const rootRecentlyUnused: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_root_recently_unused',
  title: 'Root user has not been used recently',
  severity: 'high',
  description:
    'Everyday work as root bypasses every IAM control and audit trail by person. Fails when the root password or a root access key was last used fewer than thresholds.rootUnusedDays whole days ago.',
  remediation:
    'Find out who used the root user and why (CloudTrail userIdentity.type = Root), give them an IAM role for that task, and keep the root credentials locked away.',
  resourceTypes: [EVIDENCE.rootCredentials],
  evaluate(view, options, now) {
    const limit = options.thresholds.rootUnusedDays;
    return evidenceOf<RootCredentialsEvidence>(view, EVIDENCE.rootCredentials).map((root) => {
      const account = root.data.accountId;
      const uses = [
        { how: 'password', at: root.data.passwordLastUsed },
        ...root.data.accessKeys.map((key) => ({ how: `access key ${key.slot}`, at: key.lastUsedDate })),
      ].flatMap(({ how, at }) => (at === null ? [] : [{ how, days: daysSince(at, now) }]));
      const recent = uses.filter((use) => use.days < limit).sort((a, b) => a.days - b.days);
      const latest = recent[0];
      if (latest) {
        return finding(
          root,
          'fail',
          `The root user of account ${account} was used ${latest.days} days ago (${latest.how}), ` +
            `within the ${limit}-day limit.`,
        );
      }
      return finding(root, 'pass', `The root user of account ${account} has not been used in the last ${limit} days.`);
    });
  },
};
