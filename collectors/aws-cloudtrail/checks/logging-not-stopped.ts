// CIS AWS 4.5: changes to CloudTrail configuration are monitored. Fails for each StopLogging,
// DeleteTrail, UpdateTrail or PutEventSelectors call (CloudTrail's own event source) read by the run:
// each may have stopped or narrowed the audit record, and needs an approval or an explanation.
import type { CheckDefinition } from '../../../src/collector.js';
import { EVENT_TYPE, EVIDENCE } from '../schema.js';
import type { AwsCloudTrailOptions } from '../schema.js';
import { eventLabel, judgeEvents, path, regionName, str } from './events.js';

export const LOGGING_CHANGE_EVENTS = new Set(['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors']);

export const loggingNotStopped: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_logging_not_stopped',
  title: 'CloudTrail logging was not stopped, deleted or changed',
  severity: 'high',
  description:
    'Stopping a trail, deleting it, or changing its destination or event selectors can silence the audit record. ' +
    'Fails for each StopLogging, DeleteTrail, UpdateTrail or PutEventSelectors event in the events read (a refused ' +
    'call too, with its error code: someone tried); a region whose events were read with none passes.',
  remediation:
    'Match the change to an approved change request; if none, restore the trail (`aws cloudtrail start-logging`, ' +
    'or recreate it) and investigate the actor. Deny these actions with an SCP outside a break-glass role.',
  resourceTypes: [EVIDENCE.regionEvents, EVENT_TYPE],
  judgesEvents: true,
  evaluate(view) {
    return judgeEvents(
      view,
      (event) => {
        const source = event.data.eventSource ?? str(path(event.record, 'eventSource'));
        if (!event.data.eventName || !LOGGING_CHANGE_EVENTS.has(event.data.eventName)) return undefined;
        if (source !== undefined && source !== null && source !== 'cloudtrail.amazonaws.com') return undefined;
        const errorCode = str(path(event.record, 'errorCode'));
        const refused = errorCode ? ` The call was refused (${errorCode}).` : '';
        return { status: 'fail', message: `CloudTrail logging was changed: ${eventLabel(event)}.${refused}` };
      },
      (region) => `No trail was stopped, deleted or changed in the events read for ${regionName(region)}.`,
    );
  },
};
