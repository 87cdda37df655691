// One collection of the organisation, from its management (or delegated administrator) account: verify
// whose credentials these are, then read four independent parts concurrently: the structure (roots, OUs,
// accounts), the service control policies, the organisation trails, and Identity Center. The structure
// is what every check stands on: when it cannot be read the run fails. Any other part that cannot be read
// is one resource error of its type (its checks record `error`), and the rest is kept.
import { setMaxListeners } from 'node:events';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { CollectContext, CollectResult, EventItem, EventWindow, ResourceError } from '../../src/collector.js';
import { withAccountSession } from '../_aws/account-session.js';
import { byTypeAndResource } from '../_aws/evidence-format.js';
import { settle } from '../_aws/outcome.js';
import type { Outcome } from '../_aws/outcome.js';
import { plannedSources, readRegionEvents, LOOKUP_INTERVAL_MS } from './event-reads.js';
import { identityCenterEvidence, organizationEvidence, scpEvidence, trailEvidence } from './evidence.js';
import { describeFailure } from '../_aws/errors.js';
import { readIdentityCenter } from './identity-center-reads.js';
import { readOrganization, readServiceControlPolicies } from './organization-reads.js';
import { EVIDENCE, resourceIds } from './schema.js';
import type { AwsOrganizationOptions, Built } from './schema.js';
import { readOrganizationTrails } from './trail-reads.js';

export async function collectAwsOrganization(ctx: CollectContext<AwsOrganizationOptions>): Promise<CollectResult> {
  return withAccountSession(ctx, async ({ session, account }) => {
    const { partition, accountId } = account;
    const { options, signal } = ctx;
    setMaxListeners(0, signal);
    const organizations = session.track(new OrganizationsClient(session.clientConfig()));
    const cloudTrailIn = session.regional(CloudTrailClient);
    const identityCenterRegion = options.identityCenter.region ?? options.region;

    const [structure, policies, trails, identityCenter, events] = await Promise.all([
      readOrganization(organizations, signal),
      settle('service control policies', readServiceControlPolicies(organizations, signal)),
      options.organizationTrail ? settle('organisation trails', readOrganizationTrails(cloudTrailIn, options.region, signal)) : undefined,
      options.identityCenter.enabled
        ? settle(
            `IAM Identity Center in ${identityCenterRegion}`,
            readIdentityCenter(
              session.track(new SSOAdminClient(session.clientConfig(identityCenterRegion))),
              session.track(new IdentitystoreClient(session.clientConfig(identityCenterRegion))),
              signal,
            ),
          )
        : undefined,
      options.events.enabled ? readEvents(ctx, cloudTrailIn, options.identityCenter.enabled ? identityCenterRegion : undefined, partition) : undefined,
    ]);
    signal.throwIfAborted();

    const part = (type: string, name: string) => ({ type, resourceId: resourceIds.part(partition, accountId, name) });
    const parts: Built[] = [
      organizationEvidence(structure, accountId),
      built(policies, scpEvidence, part(EVIDENCE.scp, 'service-control-policies')),
      ...(trails ? [built(trails, trailEvidence, part(EVIDENCE.trail, 'organization-trails'))] : []),
      ...(identityCenter
        ? [
            built(identityCenter, (instances) => identityCenterEvidence(partition, accountId, identityCenterRegion, instances), {
              type: EVIDENCE.instance,
              resourceId: resourceIds.identityCenter(partition, accountId, identityCenterRegion),
            }),
          ]
        : []),
    ];
    const evidence = parts.flatMap((p) => p.evidence).sort(byTypeAndResource);
    const errors = parts.flatMap((p) => p.errors).sort(byTypeAndResource);
    if (errors.length > 0) ctx.logger.warn({ accountId, errors: errors.length, first: errors[0] }, 'aws-organization: some parts could not be read');
    ctx.logger.info({ accountId, evidence: evidence.length }, 'aws-organization: collected');
    const count = (type: string) => evidence.filter((item) => item.type === type).length;
    return {
      evidence,
      errors,
      ...(events ? { events: events.events, windows: events.windows } : {}),
      meta: {
        accountId,
        organizationId: structure.organization.id,
        accounts: structure.accounts.length,
        organizationalUnits: structure.ous.length,
        serviceControlPolicies: count(EVIDENCE.scp),
        permissionSets: count(EVIDENCE.permissionSet),
        assignments: count(EVIDENCE.assignment),
        users: count(EVIDENCE.user),
        groups: count(EVIDENCE.group),
        ...(events ? { events: events.events.length } : {}),
      },
    };
  });
}

/** The part's evidence, or one resource error for the whole part (what was read is not kept half). */
function built<T>(outcome: Outcome<T>, build: (value: T) => Built, where: Omit<ResourceError, 'error'>): Built {
  if (!outcome.ok) return { evidence: [], errors: [{ ...where, error: outcome.reason }] };
  try {
    return build(outcome.value);
  } catch (error) {
    return { evidence: [], errors: [{ ...where, error: describeFailure(where.type, error) }] };
  }
}

async function readEvents(
  ctx: CollectContext<AwsOrganizationOptions>,
  cloudTrailIn: (region: string) => CloudTrailClient,
  identityCenterRegion: string | undefined,
  partition: string,
): Promise<{ events: EventItem[]; windows: EventWindow[] }> {
  const now = ctx.now();
  const paced = !ctx.clientEnvironment.aws?.unlimitedRate;
  const reads = await Promise.all(
    [...plannedSources(identityCenterRegion, partition)].map(([region, sources]) => {
      let last = 0;
      // LookupEvents' quota is per region: the requests of one region are spaced, regions run side by side.
      const pause = async () => {
        if (!paced) return;
        const wait = last + LOOKUP_INTERVAL_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        last = performance.now();
      };
      return readRegionEvents(cloudTrailIn(region), region, sources, ctx.watermarks[region], now, ctx.options.events.backfillDays, pause, ctx.signal);
    }),
  );
  const byId = new Map<string, EventItem>();
  for (const event of reads.flatMap((read) => read.events)) if (!byId.has(event.eventId)) byId.set(event.eventId, event);
  const events = [...byId.values()].sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.eventId < b.eventId ? -1 : 1));
  return { events, windows: reads.flatMap((read) => read.windows) };
}
