// One collection of one AWS account: verify whose credentials these are, list the trails of each
// configured region, then read the status and event selectors of each distinct trail once, in its home
// region. A region or a trail part that cannot be read becomes a resource error; the rest is kept.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CollectContext, CollectResult, EvidenceItem, ResourceError } from '../../src/collector.js';
import type { AccountRef } from '../_aws/account.js';
import { withAccountSession } from '../_aws/account-session.js';
import type { AwsSession } from '../_aws/clients.js';
import { byTypeAndResource } from '../_aws/evidence-format.js';
import { settle } from '../_aws/outcome.js';
import type { Outcome } from '../_aws/outcome.js';
import { regionEvidence, trailsRecordingRegion } from './region-evidence.js';
import type { AwsCloudTrailOptions, Built } from './schema.js';
import { trailEvidence } from './trail-evidence.js';
import type { TrailReads } from './trail-evidence.js';
import { listRegionTrails, readEventSelectors, readTrailStatus } from './trail-reads.js';
import type { ListedTrail } from './trail-reads.js';

export async function collectAwsCloudTrail(ctx: CollectContext<AwsCloudTrailOptions>): Promise<CollectResult> {
  return withAccountSession(ctx, ({ session, account }) =>
    collectAccount(ctx, regionalClients(session), account),
  );
}

/** CloudTrail is regional: one client per region, made when first needed, sharing the account's session. */
function regionalClients(session: AwsSession): (region: string) => CloudTrailClient {
  const clients = new Map<string, CloudTrailClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = session.track(new CloudTrailClient(session.clientConfig(region)));
      clients.set(region, client);
    }
    return client;
  };
}

async function collectAccount(
  ctx: CollectContext<AwsCloudTrailOptions>,
  cloudTrailIn: (region: string) => CloudTrailClient,
  account: AccountRef,
): Promise<CollectResult> {
  const { accountId } = account;
  const { regions, thresholds } = ctx.options;
  const listings = new Map<string, Outcome<ListedTrail[]>>(
    await Promise.all(
      regions.map(
        async (region) =>
          [region, await settle(`DescribeTrails in ${region}`, listRegionTrails(cloudTrailIn(region), ctx.signal))] as const,
      ),
    ),
  );
  ctx.signal.throwIfAborted();

  const trails = distinctTrails(regions, listings);
  const reads = await Promise.all(trails.map((trail) => readTrail(cloudTrailIn(trail.homeRegion), trail, ctx.signal)));
  ctx.signal.throwIfAborted();

  const now = ctx.now();
  const parts: Built[] = [
    regionEvidence(account, regions, listings),
    ...trails.map((trail, index) => trailEvidence(accountId, trail, reads[index]!, thresholds, now)),
  ];
  const evidence: EvidenceItem[] = parts.flatMap((part) => part.evidence).sort(byTypeAndResource);
  const errors: ResourceError[] = parts.flatMap((part) => part.errors).sort(byTypeAndResource);
  if (errors.length > 0) {
    const summary = { accountId, errors: errors.length, first: errors[0] };
    ctx.logger.warn(summary, 'aws-cloudtrail: some resources could not be read');
  }
  ctx.logger.info({ accountId, regions: regions.length, trails: trails.length }, 'aws-cloudtrail: collected');

  return {
    evidence,
    errors,
    meta: {
      accountId,
      regions,
      regionsUnread: regions.filter((region) => !listings.get(region)?.ok),
      trails: trails.length,
    },
  };
}

/**
 * Each trail that records a configured region, once: a multi-region trail is listed in every region
 * (as a shadow outside its home), and its ARN is the same everywhere. The home region's listing is
 * preferred, else the first configured region's, so the configuration kept does not depend on timing.
 */
function distinctTrails(regions: readonly string[], listings: Map<string, Outcome<ListedTrail[]>>): ListedTrail[] {
  const byArn = new Map<string, ListedTrail>();
  for (const region of regions) {
    const listing = listings.get(region);
    if (!listing?.ok) continue;
    for (const trail of trailsRecordingRegion(listing.value, region)) {
      if (!byArn.has(trail.arn) || trail.homeRegion === region) byArn.set(trail.arn, trail);
    }
  }
  return [...byArn.values()].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

/** Status and selectors are separate parts: one failing (an organization trail's status, say) keeps the other. */
async function readTrail(client: CloudTrailClient, trail: ListedTrail, signal: AbortSignal): Promise<TrailReads> {
  const where = `in ${trail.homeRegion}`;
  const [status, eventSelectors] = await Promise.all([
    settle(`GetTrailStatus ${where}`, readTrailStatus(client, trail.arn, signal)),
    settle(`GetEventSelectors ${where}`, readEventSelectors(client, trail.arn, signal)),
  ]);
  return { status, eventSelectors };
}
