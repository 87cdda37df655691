// CIS AWS 1.7 / 4.3: the root user is not used. Fails for each event of the root user read by the run
// (LookupEvents Username = root, and any other query's event whose identity is Root).
import type { CheckDefinition } from '../../../src/collector.js';
import { EVENT_TYPE, EVIDENCE } from '../schema.js';
import type { AwsCloudTrailOptions } from '../schema.js';
import { eventLabel, judgeEvents, path, regionName, str } from './events.js';
import type { TrailEventView } from './events.js';

/** Root acting itself; calls AWS services make on root's behalf (`invokedBy`) are not use of root. */
export function isRootActivity(event: TrailEventView): boolean {
  if (event.record === null) return event.data.username === 'root';
  return str(path(event.record, 'userIdentity', 'type')) === 'Root' && path(event.record, 'userIdentity', 'invokedBy') === undefined;
}

export const rootNotUsed: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_root_not_used',
  title: 'The root user was not used',
  severity: 'high',
  description:
    'The root user has unrestricted access that no policy can limit, so its use should be rare, approved and reviewed. Fails for each event of the root user in the events read (sign-ins and API calls), naming its time, source IP and event id; a region whose events were read with none passes.',
  remediation:
    'Find out who used the root user and why (match the event to an approved break-glass ticket); lock the root credentials away with MFA, delete any root access keys, and use IAM roles or Identity Center for daily work.',
  resourceTypes: [EVIDENCE.regionEvents, EVENT_TYPE],
  judgesEvents: true,
  evaluate(view) {
    return judgeEvents(
      view,
      (event) => (isRootActivity(event) ? { status: 'fail', message: `The root user was used: ${eventLabel(event)}.` } : undefined),
      (region) => `No root user activity in the events read for ${regionName(region)}.`,
    );
  },
};
