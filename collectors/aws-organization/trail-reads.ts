// The organisation trails, as the management account lists them (DescribeTrails with shadow trails, so a
// multi-region trail homed elsewhere is listed too), each with its status read in its home region. Read
// here rather than taken from the aws-cloudtrail collector's evidence: each collector stands alone, and
// the trail an organisation relies on is the management account's to show.
import { DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { describeFailure } from '../_aws/errors.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import type { OrganizationTrailEvidence } from './schema.js';

export async function readOrganizationTrails(
  clientIn: (region: string) => CloudTrailClient,
  region: string,
  signal: AbortSignal,
): Promise<OrganizationTrailEvidence[]> {
  const listed = await clientIn(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }), { abortSignal: signal });
  if (!Array.isArray(listed.trailList)) throw new MalformedResponseError('DescribeTrails: the reply has no trailList');
  const organizationTrails = listed.trailList.filter((trail) => trail.IsOrganizationTrail === true);
  return Promise.all(
    organizationTrails.map(async (trail, index): Promise<OrganizationTrailEvidence> => {
      if (!trail.TrailARN || !trail.Name) throw new MalformedResponseError(`DescribeTrails: organisation trail ${index + 1} has no TrailARN or Name`);
      const homeRegion = trail.HomeRegion ?? region;
      const base = { arn: trail.TrailARN, name: trail.Name, homeRegion, multiRegion: trail.IsMultiRegionTrail === true };
      try {
        const status = await clientIn(homeRegion).send(new GetTrailStatusCommand({ Name: trail.TrailARN }), { abortSignal: signal });
        if (typeof status.IsLogging !== 'boolean') throw new MalformedResponseError('the reply has no IsLogging');
        return { ...base, isLogging: status.IsLogging, statusError: null };
      } catch (error) {
        signal.throwIfAborted();
        return { ...base, isLogging: null, statusError: describeFailure(`GetTrailStatus in ${homeRegion}`, error) };
      }
    }),
  );
}
