// Lists the accounts of an AWS organisation and decides which to collect: ListAccounts, or, when only OUs
// are included, ListAccountsForParent under each included OU and its child OUs (ListOrganizationalUnitsForParent),
// every list read to its last NextToken. Excluded OUs are walked the same way to learn their accounts.
// Accounts that are not ACTIVE (suspended, closing, closed) are listed but never collected.
import {
  DescribeOrganizationCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import type { Account, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PageGuard, PaginationError } from '../../src/page-guard.js';
import { ACCOUNT_ID } from './account.js';
import { parseArn } from './arn.js';
import { describeFailure } from './errors.js';
import { MalformedResponseError } from './evidence-format.js';
import type { OrganizationOptions } from './organization.js';

/** Organizations' largest page: the page count is ceil(items / 20) per list. */
export const ORGANIZATIONS_PAGE_SIZE = 20;
/** An organisation holds at most a few thousand accounts (10,000 with a raised quota): 500 pages of 20. */
const MAX_PAGES = 1000;

/**
 * Every item of a listing, each page checked: a token seen before or pages without end fail the listing
 * (src/page-guard.ts), and a page without its list is malformed, never read as empty. A failure names the call.
 */
async function listAll<Page extends { NextToken?: string }, Item>(
  what: string,
  pages: AsyncIterable<Page>,
  items: (page: Page) => Item[] | undefined,
  signal: AbortSignal,
): Promise<Item[]> {
  const all: Item[] = [];
  const guard = new PageGuard(what, MAX_PAGES);
  try {
    for await (const page of pages) {
      signal.throwIfAborted();
      guard.page(page.NextToken);
      const list = items(page);
      if (!Array.isArray(list)) throw new MalformedResponseError('a page of the reply has no list');
      all.push(...list);
    }
  } catch (error) {
    signal.throwIfAborted();
    // The guard's error already names the listing.
    if (error instanceof PaginationError) throw error;
    throw new Error(describeFailure(what, error), { cause: error });
  }
  return all;
}

/** An account entry must carry a 12-digit id: a reply without one cannot be collected or compared. */
function checkedAccounts(what: string, accounts: Account[]): Account[] {
  for (const account of accounts) {
    if (!account.Id || !ACCOUNT_ID.test(account.Id)) {
      throw new MalformedResponseError(`${what}: an account has no valid Id (${JSON.stringify(account.Id ?? null)})`);
    }
  }
  return accounts;
}

export interface OrganizationInfo {
  id: string;
  arn: string;
  managementAccountId: string;
  featureSet: string | null;
  /** `aws`, `aws-us-gov`, `aws-cn`: where member role ARNs are built. */
  partition: string;
}

export interface ListedAccount {
  id: string;
  arn: string | null;
  name: string | null;
  /** `State` (Organizations' `Status` was retired in September 2026; read when State is absent). */
  state: string;
  joinedMethod: string | null;
  joinedTimestamp: string | null;
  /** The included or excluded OU it was found under (null: listed by ListAccounts). */
  ou: string | null;
  /** Collected in this collection, or why not. */
  collect: boolean;
  skipped: string | null;
}

export interface Discovery {
  organization: OrganizationInfo;
  /** How the accounts were listed: every account of the organisation, or the included OUs only. */
  listing: 'ListAccounts' | 'ListAccountsForParent';
  accounts: ListedAccount[];
}

type Found = Map<string, { account: Account; ou: string }>;

/** Every account under `ous`, child OUs included, each with the given OU it was found under. */
async function accountsUnder(client: OrganizationsClient, ous: readonly string[], signal: AbortSignal): Promise<Found> {
  const found: Found = new Map();
  const walk = async (top: string, parent: string, seen: Set<string>) => {
    if (seen.has(parent)) return;
    seen.add(parent);
    const what = `organizations:ListAccountsForParent ${parent}`;
    const accounts = await listAll(
      what,
      paginateListAccountsForParent({ client, pageSize: ORGANIZATIONS_PAGE_SIZE }, { ParentId: parent }, { abortSignal: signal }),
      (p) => p.Accounts,
      signal,
    );
    for (const account of checkedAccounts(what, accounts)) if (!found.has(account.Id!)) found.set(account.Id!, { account, ou: top });
    const units = await listAll(
      `organizations:ListOrganizationalUnitsForParent ${parent}`,
      paginateListOrganizationalUnitsForParent({ client, pageSize: ORGANIZATIONS_PAGE_SIZE }, { ParentId: parent }, { abortSignal: signal }),
      (p) => p.OrganizationalUnits,
      signal,
    );
    for (const unit of units) {
      if (!unit.Id) throw new MalformedResponseError(`organizations:ListOrganizationalUnitsForParent ${parent}: an OU has no Id`);
      await walk(top, unit.Id, seen);
    }
  };
  for (const ou of ous) await walk(ou, ou, new Set());
  return found;
}

export async function describeOrganization(client: OrganizationsClient, signal: AbortSignal): Promise<OrganizationInfo> {
  const { Organization: org } = await client.send(new DescribeOrganizationCommand({}), { abortSignal: signal }).catch((error: unknown) => {
    signal.throwIfAborted();
    throw new Error(describeFailure('organizations:DescribeOrganization', error), { cause: error });
  });
  const arn = org?.Arn ? parseArn(org.Arn) : undefined;
  if (!org?.Id || !org.Arn || !org.MasterAccountId || !arn) {
    throw new Error(
      `Organizations DescribeOrganization returned no organisation id, ARN or management account (got ${JSON.stringify(org ?? null).slice(0, 200)})`,
    );
  }
  return { id: org.Id, arn: org.Arn, managementAccountId: org.MasterAccountId, featureSet: org.FeatureSet ?? null, partition: arn.partition };
}

export async function discoverAccounts(client: OrganizationsClient, options: OrganizationOptions, signal: AbortSignal): Promise<Discovery> {
  const organization = await describeOrganization(client, signal);
  const { include, exclude } = options;
  const byOus = include.ous.length > 0 && include.accounts.length === 0;
  let listed: { account: Account; ou: string | null }[];
  let includedByOu: Found = new Map();
  if (byOus) {
    listed = [...(await accountsUnder(client, include.ous, signal)).values()];
  } else {
    const what = 'organizations:ListAccounts';
    const accounts = await listAll(
      what,
      paginateListAccounts({ client, pageSize: ORGANIZATIONS_PAGE_SIZE }, {}, { abortSignal: signal }),
      (p) => p.Accounts,
      signal,
    );
    listed = checkedAccounts(what, accounts).map((account) => ({ account, ou: null }));
    if (include.ous.length > 0) includedByOu = await accountsUnder(client, include.ous, signal);
  }
  const excludedByOu = exclude.ous.length > 0 ? await accountsUnder(client, exclude.ous, signal) : (new Map() as Found);
  const seen = new Set<string>();
  const accounts: ListedAccount[] = [];
  for (const { account, ou } of listed) {
    if (!account.Id || seen.has(account.Id)) continue;
    seen.add(account.Id);
    const state = account.State ?? account.Status ?? 'UNKNOWN';
    const skipped = skipReason(account.Id, state, options, includedByOu, excludedByOu, byOus);
    accounts.push({
      id: account.Id,
      arn: account.Arn ?? null,
      name: account.Name ?? null,
      state,
      joinedMethod: account.JoinedMethod ?? null,
      joinedTimestamp: account.JoinedTimestamp?.toISOString() ?? null,
      ou: ou ?? includedByOu.get(account.Id)?.ou ?? excludedByOu.get(account.Id)?.ou ?? null,
      collect: skipped === null,
      skipped,
    });
  }
  accounts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { organization, listing: byOus ? 'ListAccountsForParent' : 'ListAccounts', accounts };
}

function skipReason(id: string, state: string, options: OrganizationOptions, includedByOu: Found, excludedByOu: Found, byOus: boolean): string | null {
  const { include, exclude } = options;
  if (state !== 'ACTIVE') return `${state.toLowerCase()}: only ACTIVE accounts are collected`;
  if (exclude.accounts.includes(id)) return 'in organization.exclude.accounts';
  const excludedOu = excludedByOu.get(id)?.ou;
  if (excludedOu) return `under ${excludedOu}, in organization.exclude.ous`;
  if (!byOus && (include.accounts.length > 0 || include.ous.length > 0)) {
    if (!include.accounts.includes(id) && !includedByOu.has(id)) return 'not in organization.include';
  }
  return null;
}
