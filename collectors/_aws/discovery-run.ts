// The discovery run of an AWS collector configured with `organization`: in the management (or delegated
// administrator) account, list the organisation's accounts, record the list as evidence (one document per
// account, one for the organisation and how it was listed), record accounts joining and leaving as events,
// and hand the runner one scope per account to collect. Its evidence is the account list, under the hash chain.
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { CollectContext, CollectResult, EventItem, EvidenceItem, PopulationDefinition } from '../../src/collector.js';
import { withAccountSession } from './account-session.js';
import { discoverAccounts } from './discovery.js';
import type { Discovery, ListedAccount } from './discovery.js';
import { compareStrings } from '../../src/compare-strings.js';
import { memberScope } from './organization.js';
import type { OrganizationOptions } from './organization.js';

export const DISCOVERY_EVIDENCE = {
  organization: 'aws.organizations.organization',
  account: 'aws.organizations.account',
} as const;
/** An account that joined the organisation (its JoinedTimestamp) or left the accounts listed. */
export const MEMBERSHIP_EVENT = 'aws.organizations.account-membership';
/** Joins and departures are one stream of events, read in full at every discovery run. */
export const MEMBERSHIP_PARTITION = 'organization';

interface OrganizationDocument {
  id: string;
  managementAccountId: string;
  featureSet: string | null;
  listing: Discovery['listing'];
  include: OrganizationOptions['include'];
  exclude: OrganizationOptions['exclude'];
  memberRoleName: string;
  accounts: number;
  collected: number;
}

/** What a discovery learned that the member accounts' runs need: the organisation and its accounts. */
export interface DiscoveredOrganization {
  id: string;
  /** Every account listed, collected or not (suspended, excluded): all of them the company's own. */
  accountIds: string[];
  /** The accounts collected, each a run of its own. */
  collected: { id: string; name?: string }[];
}

interface DiscoveringOptions {
  region: string;
  accounts: unknown[];
  organization?: OrganizationOptions;
}

/**
 * The member runs' options by default: the configured ones, with `accounts` the collected accounts (what
 * a check asking which accounts this agent collects reads; the config itself lists none).
 */
export function withCollectedAccounts<Options extends DiscoveringOptions>(options: Options, organization: DiscoveredOrganization): Options {
  return { ...options, accounts: organization.collected };
}

export async function collectOrganization<Options extends DiscoveringOptions>(
  ctx: CollectContext<Options>,
  collectorId: string,
  memberOptions: (options: Options, organization: DiscoveredOrganization) => Options = withCollectedAccounts,
): Promise<CollectResult> {
  const organization = ctx.options.organization;
  if (!organization) throw new Error('the organization scope needs the organization section of the config');
  let organizationId: string | undefined;
  const result = await withAccountSession(ctx, async ({ session }) => {
    const client = session.track(new OrganizationsClient(session.clientConfig()));
    const discovery = await discoverAccounts(client, organization, ctx.signal);
    organizationId = discovery.organization.id;
    const now = ctx.now();
    const previous = await previousListing(ctx, collectorId, discovery);
    const events = membershipEvents(discovery, previous, now);
    const collected = discovery.accounts.filter((a) => a.collect);
    const document: OrganizationDocument = {
      id: discovery.organization.id,
      managementAccountId: discovery.organization.managementAccountId,
      featureSet: discovery.organization.featureSet,
      listing: discovery.listing,
      include: organization.include,
      exclude: organization.exclude,
      memberRoleName: organization.memberRoleName,
      accounts: discovery.accounts.length,
      collected: collected.length,
    };
    const evidence: EvidenceItem[] = [
      { type: DISCOVERY_EVIDENCE.organization, resourceId: discovery.organization.arn, schemaVersion: 1, data: document },
      ...discovery.accounts.map((account) => ({
        type: DISCOVERY_EVIDENCE.account,
        resourceId: account.arn ?? account.id,
        schemaVersion: 1,
        data: account,
      })),
    ];
    const from = ctx.watermarks[MEMBERSHIP_PARTITION] ?? now.toISOString();
    return {
      evidence,
      errors: [],
      events,
      // Departures are seen from the first discovery on; joins carry the organisation's own timestamp.
      windows: [{ partition: MEMBERSHIP_PARTITION, from: from < now.toISOString() ? from : now.toISOString(), to: now.toISOString(), complete: true }],
      resolvedScope: discovery.organization.id,
      meta: {
        organization: discovery.organization.id,
        accounts: discovery.accounts.length,
        collected: collected.length,
        skipped: discovery.accounts.filter((a) => !a.collect).map((a) => `${a.id}: ${a.skipped}`),
        ...(previous === null ? { departures: 'not compared: no earlier listing made the same way' } : {}),
      },
      discovered: {
        scopes: collected.map((a) => memberScope(organization, discovery.organization.partition, { id: a.id, name: a.name ?? undefined })),
        concurrency: organization.concurrency,
        options: memberOptions(ctx.options, {
          id: discovery.organization.id,
          accountIds: discovery.accounts.map((a) => a.id),
          collected: collected.map((a) => ({ id: a.id, ...(a.name ? { name: a.name } : {}) })),
        }),
      },
    };
  });
  // The stream is the organisation's, whichever account (or default credentials) listed it.
  return { ...result, resolvedScope: organizationId };
}

interface PreviousListing {
  collectedAt: string;
  accounts: ListedAccount[];
}

/**
 * The accounts the last discovery of this organisation listed, when it listed them the same way (the same
 * listing call and included OUs): otherwise an account missing now may only have left the filter, not the organisation.
 */
async function previousListing(ctx: CollectContext<unknown>, collectorId: string, discovery: Discovery): Promise<PreviousListing | null> {
  const orgs = (await ctx.storedEvidence.latest(collectorId, DISCOVERY_EVIDENCE.organization)).filter((d) => d.scope === discovery.organization.id);
  const last = orgs.at(-1);
  if (!last) return null;
  const before = last.data as Partial<OrganizationDocument>;
  const now = ctx.options as { organization?: OrganizationOptions };
  const sameListing =
    before.listing === discovery.listing &&
    JSON.stringify([...(before.include?.ous ?? [])].sort()) === JSON.stringify([...(now.organization?.include.ous ?? [])].sort());
  if (!sameListing) return null;
  const accounts = (await ctx.storedEvidence.latest(collectorId, DISCOVERY_EVIDENCE.account))
    .filter((d) => d.scope === discovery.organization.id)
    .map((d) => d.data as ListedAccount);
  return { collectedAt: last.collectedAt, accounts };
}

/** Joins from the organisation's JoinedTimestamp (stored once each, however often listed); departures by comparison. */
function membershipEvents(discovery: Discovery, previous: PreviousListing | null, now: Date): EventItem[] {
  const events: EventItem[] = [];
  for (const account of discovery.accounts) {
    if (!account.joinedTimestamp) continue;
    events.push({
      type: MEMBERSHIP_EVENT,
      eventId: `joined:${account.id}:${account.joinedTimestamp}`,
      occurredAt: account.joinedTimestamp,
      partition: MEMBERSHIP_PARTITION,
      schemaVersion: 1,
      data: {
        change: 'joined',
        accountId: account.id,
        accountName: account.name,
        joinedMethod: account.joinedMethod,
        state: account.state,
        observedAt: now.toISOString(),
      },
    });
  }
  if (previous) {
    const current = new Set(discovery.accounts.map((a) => a.id));
    for (const gone of previous.accounts.filter((a) => !current.has(a.id))) {
      events.push({
        type: MEMBERSHIP_EVENT,
        eventId: `left:${gone.id}:${previous.collectedAt}`,
        // When it left is known only to lie between the two listings: dated when it was found gone.
        occurredAt: now.toISOString(),
        partition: MEMBERSHIP_PARTITION,
        schemaVersion: 1,
        data: { change: 'left', accountId: gone.id, accountName: gone.name, lastListedAt: previous.collectedAt, observedAt: now.toISOString() },
      });
    }
  }
  return events.sort((a, b) => compareStrings(a.eventId, b.eventId));
}

/**
 * The population of accounts joining and leaving, from one collector's discovery runs' events. Each AWS
 * collector discovers at its own cadence; `inDigest` shows it in the weekly digest once (aws-iam's).
 */
export function organizationAccountsPopulation(id: string, inDigest: boolean): PopulationDefinition {
  return {
    id,
    title: 'AWS accounts joined or left the organisation',
    description:
      'Every account that joined the AWS organisation (its JoinedTimestamp, as Organizations records it) or was no longer listed by a later discovery (dated when found gone).',
    eventTypes: [MEMBERSHIP_EVENT],
    columns: [
      { name: 'change', description: 'joined or left' },
      { name: 'account_id', description: 'the 12-digit AWS account id' },
      { name: 'account_name', description: 'the account name Organizations lists' },
      { name: 'occurred_at', description: 'joined: when Organizations says it joined; left: when a discovery first found it gone (UTC)' },
      { name: 'joined_method', description: 'INVITED or CREATED (joins)' },
      { name: 'last_listed_at', description: 'left: the discovery that last listed it; it left between that and occurred_at' },
    ],
    method:
      "Organizations ListAccounts (or ListAccountsForParent under the included OUs and their child OUs), every page to the last NextToken, at each discovery run in the management or delegated-administrator account. Joins come from each account's JoinedTimestamp; a departure is an account the previous discovery (made the same way) listed and this one does not. Departures are evidenced only from the first discovery on.",
    ...(inDigest
      ? {
          digest: {
            title: 'AWS accounts joined or left the organisation',
            line: (row: Record<string, string>) => `${row.change} ${row.account_id} (${row.account_name || 'unnamed'}) at ${row.occurred_at}`,
          },
        }
      : {}),
    rowOf: (event) => {
      if (event.type !== MEMBERSHIP_EVENT) return undefined;
      const data = event.data as Record<string, unknown>;
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      return {
        change: text(data.change),
        account_id: text(data.accountId),
        account_name: text(data.accountName),
        occurred_at: event.occurredAt,
        joined_method: text(data.joinedMethod),
        last_listed_at: text(data.lastListedAt),
      };
    },
  };
}
