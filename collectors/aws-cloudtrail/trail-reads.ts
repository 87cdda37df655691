// The three CloudTrail reads: the trails a region lists (shadow trails included), and the status and
// event selectors of one trail, asked in its home region by ARN (the name alone does not find a shadow
// or an organization trail from a member account).
import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient, GetEventSelectorsCommandOutput, GetTrailStatusCommandOutput, Trail } from '@aws-sdk/client-cloudtrail';
import { parseArn } from '../_aws/arn.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';

/** A trail as DescribeTrails lists it, with the fields every later step relies on checked. */
export interface ListedTrail {
  arn: string;
  name: string;
  homeRegion: string;
  ownerAccountId: string;
  multiRegion: boolean;
  trail: Trail;
}

export async function listRegionTrails(client: CloudTrailClient, signal: AbortSignal): Promise<ListedTrail[]> {
  const output = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }), { abortSignal: signal });
  // An empty region answers `trailList: []`; a reply without it is not taken as "no trails".
  if (!Array.isArray(output.trailList)) throw new MalformedResponseError('the reply has no trailList');
  return output.trailList.map(listedTrail);
}

/** One entry the region's coverage cannot be judged without: any unusable one fails the whole listing. */
function listedTrail(trail: Trail, index: number): ListedTrail {
  const arn = trail.TrailARN;
  const parsed = arn === undefined ? undefined : parseArn(arn);
  if (!arn || !parsed || parsed.service !== 'cloudtrail' || !parsed.accountId) {
    const got = JSON.stringify(arn ?? null);
    throw new MalformedResponseError(`entry ${index + 1} has no valid TrailARN (got ${got})`);
  }
  // HomeRegion is always sent; the ARN's region is the same thing, should a reply lack it.
  const homeRegion = trail.HomeRegion ?? parsed.region;
  if (!homeRegion) throw new MalformedResponseError(`entry ${arn} has no HomeRegion`);
  return {
    arn,
    name: trail.Name ?? parsed.resource.replace(/^trail\//, ''),
    homeRegion,
    ownerAccountId: parsed.accountId,
    multiRegion: trail.IsMultiRegionTrail === true,
    trail,
  };
}

export async function readTrailStatus(client: CloudTrailClient, trailArn: string, signal: AbortSignal): Promise<GetTrailStatusCommandOutput> {
  const output = await client.send(new GetTrailStatusCommand({ Name: trailArn }), { abortSignal: signal });
  if (typeof output.IsLogging !== 'boolean') throw new MalformedResponseError('the reply has no IsLogging');
  return output;
}

export async function readEventSelectors(client: CloudTrailClient, trailArn: string, signal: AbortSignal): Promise<GetEventSelectorsCommandOutput> {
  return client.send(new GetEventSelectorsCommand({ TrailName: trailArn }), { abortSignal: signal });
}
