// One collection of one AWS account: verify whose credentials these are, list the trails of each
// configured region, then read the status and event selectors of each distinct trail once, in its home
// region. A region or a trail part that cannot be read becomes a resource error; the rest is kept.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CollectContext, CollectResult, EventItem, EventWindow, EvidenceItem, ResourceError } from '../../src/collector.js';
import type { AccountRef } from '../_aws/account.js';
import { withAccountSession } from '../_aws/account-session.js';
import type { AwsSession } from '../_aws/clients.js';
import { enabledRegions } from '../_aws/enabled-regions.js';
import { byTypeAndResource } from '../_aws/evidence-format.js';
import { settle } from '../_aws/outcome.js';
import type { Outcome } from '../_aws/outcome.js';
import { alarmClients, alarmTopics, logGroupTargets, readLogGroup, readTopicSubscriptions } from './alarm-reads.js';
import type { AlarmClients, LogGroupRead } from './alarm-reads.js';
import { logGroupEvidence } from './alarm-evidence.js';
import { readRegionEvents } from './event-reads.js';
import type { RegionEventsRead } from './event-reads.js';
import { pacingPlugin, realClock, RegionPacer } from './pacer.js';
import type { PacerClock } from './pacer.js';
import { regionEvidence, trailsRecordingRegion } from './region-evidence.js';
import type { AwsCloudTrailOptions, Built } from './schema.js';
import { trailEvidence } from './trail-evidence.js';
import type { TrailReads } from './trail-evidence.js';
import { listRegionTrails, readEventSelectors, readTrailStatus } from './trail-reads.js';
import type { ListedTrail } from './trail-reads.js';

/** `clock` paces LookupEvents; tests pass a virtual one so the pacing is checked without waiting. */
export async function collectAwsCloudTrail(ctx: CollectContext<AwsCloudTrailOptions>, clock: PacerClock = realClock): Promise<CollectResult> {
  return withAccountSession(ctx, async ({ session, account }) => {
    // Configured regions, else those enabled for the account now: failing to know them fails the run.
    const regions = ctx.options.regions ?? (await enabledRegions(session, ctx.signal));
    const regionsFrom = ctx.options.regions ? 'config' : 'account:ListRegions';
    const configuration = collectAccount(ctx, session.regional(CloudTrailClient), alarmClients(session), account, regions, regionsFrom);
    const events = ctx.options.events.enabled ? collectEvents(ctx, pacedEventClients(session, ctx, clock), account, regions) : Promise.resolve(undefined);
    const [result, read] = await Promise.all([configuration, events]);
    if (!read) return result;
    return {
      ...result,
      evidence: [...result.evidence, ...read.evidence].sort(byTypeAndResource),
      errors: [...result.errors, ...read.errors].sort(byTypeAndResource),
      events: read.events,
      windows: read.windows,
      meta: { ...result.meta, events: read.events.length, eventRegionsIncomplete: read.errors.map((e) => e.resourceId) },
    };
  });
}

/** LookupEvents clients: one per region with its own pacer, apart from the configuration reads' clients. */
function pacedEventClients(session: AwsSession, ctx: CollectContext<AwsCloudTrailOptions>, clock: PacerClock): (region: string) => CloudTrailClient {
  return (region) => {
    const client = session.track(new CloudTrailClient(session.clientConfig(region)));
    if (!ctx.clientEnvironment.aws?.unlimitedRate) {
      client.middlewareStack.use(pacingPlugin(new RegionPacer(ctx.options.events.requestsPerSecond, clock), ctx.signal));
    }
    return client;
  };
}

/** The regions run concurrently; each event is kept once per run (the first region to read it). */
async function collectEvents(
  ctx: CollectContext<AwsCloudTrailOptions>,
  clientFor: (region: string) => CloudTrailClient,
  account: AccountRef,
  regions: readonly string[],
): Promise<RegionEventsRead> {
  const now = ctx.now();
  const reads = await Promise.all(
    regions.map((region) => readRegionEvents(clientFor(region), account, region, ctx.options.events, ctx.watermarks[region], now, ctx.signal)),
  );
  ctx.signal.throwIfAborted();
  const byId = new Map<string, EventItem>();
  for (const event of reads.flatMap((read) => read.events)) if (!byId.has(event.eventId)) byId.set(event.eventId, event);
  const events = [...byId.values()].sort((a, b) =>
    a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0,
  );
  const windows: EventWindow[] = reads.flatMap((read) => read.windows);
  const errors = reads.flatMap((read) => read.errors);
  if (errors.length > 0) ctx.logger.warn({ accountId: account.accountId, errors }, 'aws-cloudtrail: the events of some regions could not be read');
  return { events, windows, evidence: reads.flatMap((read) => read.evidence), errors };
}

async function collectAccount(
  ctx: CollectContext<AwsCloudTrailOptions>,
  cloudTrailIn: (region: string) => CloudTrailClient,
  alarms: AlarmClients,
  account: AccountRef,
  regions: readonly string[],
  regionsFrom: string,
): Promise<CollectResult> {
  const { accountId } = account;
  const { thresholds } = ctx.options;
  const listings = new Map<string, Outcome<ListedTrail[]>>(
    await Promise.all(
      regions.map(async (region) => [region, await settle(`DescribeTrails in ${region}`, listRegionTrails(cloudTrailIn(region), ctx.signal))] as const),
    ),
  );
  ctx.signal.throwIfAborted();

  const trails = distinctTrails(regions, listings);
  const [reads, logGroups] = await Promise.all([
    Promise.all(trails.map((trail) => readTrail(cloudTrailIn(trail.homeRegion), trail, ctx.signal))),
    ctx.options.cloudWatchAlarms.enabled ? readLogGroups(alarms, trails, accountId, ctx.signal) : Promise.resolve([]),
  ]);
  ctx.signal.throwIfAborted();

  const now = ctx.now();
  const parts: Built[] = [
    regionEvidence(account, regions, listings),
    ...trails.map((trail, index) => trailEvidence(accountId, trail, reads[index]!, thresholds, now)),
    ...logGroups,
  ];
  const evidence: EvidenceItem[] = parts.flatMap((part) => part.evidence).sort(byTypeAndResource);
  // A topic notified by the alarms of two log groups is one resource: its error is kept once.
  const errors: ResourceError[] = parts
    .flatMap((part) => part.errors)
    .sort(byTypeAndResource)
    .filter((error, index, all) => index === 0 || byTypeAndResource(all[index - 1]!, error) !== 0);
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
      regionsFrom,
      regionsUnread: regions.filter((region) => !listings.get(region)?.ok),
      trails: trails.length,
      logGroups: logGroups.length,
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

/**
 * The log groups of the account's multi-region trails, concurrently, then the subscriptions of every
 * SNS topic their alarms notify (each topic once, however many alarms name it).
 */
async function readLogGroups(alarms: AlarmClients, trails: readonly ListedTrail[], accountId: string, signal: AbortSignal): Promise<Built[]> {
  const targets = logGroupTargets(trails, accountId);
  const reads: Outcome<LogGroupRead>[] = await Promise.all(
    targets.map((target) => settle(`log group ${target.name} in ${target.region}`, readLogGroup(alarms, target, signal))),
  );
  const topics = [...new Set(reads.flatMap((read) => (read.ok ? alarmTopics(read.value.alarms) : [])))];
  const subscriptions = new Map(
    await Promise.all(topics.map(async (arn) => [arn, await settle(`ListSubscriptionsByTopic ${arn}`, readTopicSubscriptions(alarms, arn, signal))] as const)),
  );
  return targets.map((target, index) => logGroupEvidence(accountId, target, reads[index]!, subscriptions));
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
