// A permission set's session lasts no longer than identityCenter.maxSessionHours (default 8).
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsOrganizationOptions, PermissionSetEvidence } from '../schema.js';
import { identityCenterState } from './identity-center-state.js';

const DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;

/** Seconds of an ISO 8601 duration as Identity Center writes it (PT8H, PT1H30M), or undefined when it is not one. */
export function durationSeconds(duration: string): number | undefined {
  const match = DURATION.exec(duration);
  if (!match || duration === 'PT') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

const hoursText = (seconds: number) => `${Number((seconds / 3600).toFixed(2))} hours`;

export const ssoPermissionSetSessionLimited: CheckDefinition<AwsOrganizationOptions> = {
  id: 'aws_organization_permission_set_session_limited',
  title: 'Permission set session duration is within the limit',
  severity: 'low',
  description:
    "A long session keeps access alive after the person left the desk, and after a credential was stolen. Each permission set passes when its session duration is at most identityCenter.maxSessionHours (default 8: one working day, within Identity Center's 12-hour maximum and the 12-hour re-authentication bound of NIST SP 800-63B AAL2). A permission set without a session duration uses Identity Center's default of 1 hour and passes, saying so. A duration that cannot be read is an error; without an instance, not applicable.",
  remediation: 'Edit the permission set (IAM Identity Center > Permission sets > Edit) and lower its session duration, then re-provision it.',
  resourceTypes: [EVIDENCE.instance, EVIDENCE.permissionSet],
  evaluate(view, options) {
    if (!options.identityCenter.enabled) return [];
    const state = identityCenterState(view);
    if (state.kind === 'unknown') return [];
    if (state.kind === 'absent')
      return state.findings('not_applicable', (region) => `IAM Identity Center has no instance in ${region}: no permission set exists.`);
    const limit = options.identityCenter.maxSessionHours * 3600;
    const sets = evidenceOf<PermissionSetEvidence>(view, EVIDENCE.permissionSet);
    if (sets.length === 0)
      return state.regions.map((region) => finding(region, 'not_applicable', `IAM Identity Center in ${region.data.region} has no permission set.`));
    return sets.map((set) => {
      const { name, sessionDuration } = set.data;
      if (sessionDuration === null)
        return finding(set, 'pass', `Permission set ${name} sets no session duration: Identity Center's default of 1 hour applies.`);
      const seconds = durationSeconds(sessionDuration);
      if (seconds === undefined)
        return finding(set, 'error', `Permission set ${name} has a session duration that cannot be read (${JSON.stringify(sessionDuration)}).`);
      const limitText = `the limit of ${hoursText(limit)}`;
      return seconds <= limit
        ? finding(set, 'pass', `Permission set ${name} grants sessions of ${hoursText(seconds)}, within ${limitText}.`)
        : finding(set, 'fail', `Permission set ${name} grants sessions of ${hoursText(seconds)}, longer than ${limitText}.`);
    });
  },
};
