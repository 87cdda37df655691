// The regions enabled for an account (enabled by default, or opted in), from the Account API: what a
// collector covers when the config lists no regions, asked at each collection so a region enabled
// later is covered from its first day.
import { AccountClient, paginateListRegions } from '@aws-sdk/client-account';
import type { AwsSession } from './clients.js';
import { describeFailure } from './errors.js';
import { REGION } from './account.js';
import { PageGuard } from '../../src/page-guard.js';
import { MalformedResponseError } from './evidence-format.js';

const ENABLED_STATUSES = ['ENABLED', 'ENABLED_BY_DEFAULT'] as const;
/** Pages of 50: AWS has some 40 regions, so a few pages at most; a listing past this is not trusted. */
const MAX_REGION_PAGES = 20;

/** Raised when the regions cannot be known: the collection cannot say what it covers, so the run fails. */
export class RegionDiscoveryError extends Error {
  override name = 'RegionDiscoveryError';
}

/**
 * account:ListRegions for the caller's own account, every page, sorted. The Account API is global:
 * the SDK sends it to us-east-1 whatever the client region. `regionsOption` names, in the error, the
 * option that lists the regions instead.
 */
export async function enabledRegions(session: AwsSession, signal: AbortSignal, regionsOption = 'regions'): Promise<string[]> {
  const client = session.track(new AccountClient(session.clientConfig()));
  const regions = new Set<string>();
  try {
    const pages = paginateListRegions({ client, pageSize: 50 }, { RegionOptStatusContains: [...ENABLED_STATUSES] });
    const guard = new PageGuard('account:ListRegions', MAX_REGION_PAGES);
    for await (const page of pages) {
      signal.throwIfAborted();
      guard.page(page.NextToken);
      if (!Array.isArray(page.Regions)) throw new MalformedResponseError('the reply has no Regions');
      for (const region of page.Regions) {
        // The filter asked for enabled regions only; a reply that says otherwise is not trusted for them.
        const enabled = ENABLED_STATUSES.some((status) => status === region.RegionOptStatus);
        if (!region.RegionName || !REGION.test(region.RegionName)) {
          throw new MalformedResponseError(`a region has no valid RegionName (${JSON.stringify(region.RegionName)})`);
        }
        if (enabled) regions.add(region.RegionName);
      }
    }
  } catch (error) {
    signal.throwIfAborted();
    throw new RegionDiscoveryError(
      `${describeFailure('account:ListRegions', error)} (grant account:ListRegions, or list the regions to cover in \`${regionsOption}\`)`,
    );
  }
  if (regions.size === 0) throw new RegionDiscoveryError('account:ListRegions returned no enabled region');
  return [...regions].sort();
}
