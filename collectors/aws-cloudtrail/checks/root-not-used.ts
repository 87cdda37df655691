// CIS AWS 1.7 / 4.3: the root user is not used. Fails for each event of the root user read by the run
// (LookupEvents Username = root, and any other query's event whose identity is Root).
import type { CheckDefinition } from '../../../src/collector.js';
import { EVENT_TYPE, EVIDENCE } from '../schema.js';
import type { AwsCloudTrailOptions } from '../schema.js';
import { eventLabel, judgeEvents, path, regionName, str } from './events.js';
import type { TrailEventView } from './events.js';

/**
 * Invokers that stand for a person, not a service: the root user's console session is recorded as
 * invoked by the sign-in service (and the console itself is a person's tool, should it be the invoker). Any other AWS service principal acting on root's behalf
 * (cloudformation.amazonaws.com, support.amazonaws.com, `AWS Internal`) is not use of root.
 */
const PERSON_INVOKERS: ReadonlySet<string> = new Set(['signin.amazonaws.com', 'console.amazonaws.com']);
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;

/** Whether `invokedBy` names an AWS service acting on the account's behalf (and so not a person). */
export function invokedByService(invokedBy: unknown): boolean {
  if (typeof invokedBy !== 'string') return false;
  if (invokedBy === 'AWS Internal') return true;
  return SERVICE_PRINCIPAL.test(invokedBy) && !PERSON_INVOKERS.has(invokedBy);
}

/**
 * Root acting itself: identity type Root, unless an AWS service made the call on its behalf. A record
 * without a readable identity (malformed, or no userIdentity at all) is judged by LookupEvents' Username.
 */
export function isRootActivity(event: TrailEventView): boolean {
  const identity = path(event.record, 'userIdentity');
  if (event.record === null || typeof identity !== 'object' || identity === null) return event.data.username === 'root';
  return str(path(event.record, 'userIdentity', 'type')) === 'Root' && !invokedByService(path(event.record, 'userIdentity', 'invokedBy'));
}

export const rootNotUsed: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_root_not_used',
  title: 'The root user was not used',
  severity: 'high',
  description:
    'The root user has unrestricted access that no policy can limit, so its use should be rare, approved and ' +
    'reviewed. Fails for each event of the root user in the events read (sign-ins and API calls, console sessions ' +
    'invoked by signin.amazonaws.com included), naming its time, source IP and event id; calls an AWS service made ' +
    "on the account's behalf (invokedBy a service principal such as cloudformation.amazonaws.com, or AWS " +
    'Internal) are not use of root. A record without userIdentity counts when LookupEvents names root as its user. ' +
    'A region whose events were read with none passes.',
  remediation:
    'Find out who used the root user and why (match the event to an approved break-glass ticket); lock the root ' +
    'credentials away with MFA, delete any root access keys, and use IAM roles or Identity Center for daily work.',
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
