// Every listing of this collector follows NextToken to the last page, guarded against a token handed
// back twice or pages that never end (src/page-guard.ts), and a reply without its list is not taken as
// an empty one. Calls that fan out (one per permission set, per account, per group) run a few at a time.
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { PageGuard } from '../../src/page-guard.js';

/**
 * Most pages one listing may take. The largest real ones: 2,000+ accounts at 20 a page (Organizations'
 * most), 50,000 users at 100 a page (an identity store's quota); listings past this are not trusted.
 */
export const MAX_PAGES = 1000;

export interface Page<T> {
  items: T[] | undefined;
  next: string | undefined | null;
}

/** All items of a listing; `what` names it in errors (`ListAccounts`, `ListAccountAssignments of ps-1 in 1111…`). */
export async function readAll<T>(what: string, fetch: (token: string | undefined) => Promise<Page<T>>, maxPages = MAX_PAGES): Promise<T[]> {
  const guard = new PageGuard(what, maxPages);
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    if (!Array.isArray(page.items)) throw new MalformedResponseError(`${what}: the reply has no list`);
    items.push(...page.items);
    token = page.next || undefined;
    guard.page(token);
  } while (token !== undefined);
  return items;
}

/**
 * `map` over `items`, at most `limit` at once, results in the order of `items`. The first failure stops
 * new work and is thrown once the calls in flight have settled.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await map(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
