// Every paginated GitHub read goes through a guard: a Link "next" (REST) or an endCursor (GraphQL)
// handed back twice, or more pages than any real listing has, fails that read with the reason instead
// of keeping the run busy until its deadline.
import { PageGuard } from '../../src/page-guard.js';

/** Most pages of one listing: 100,000 items at 100 a page, beyond the largest organizations. */
export const MAX_PAGES = 1000;

/**
 * The map function of `octokit.paginate` for one listing: keeps each page's items and hands the page's
 * next link to a guard. `what` names the listing in the error.
 */
export function guardedPages(what: string) {
  const guard = new PageGuard(what, MAX_PAGES);
  return <T>(response: { headers: { link?: string | undefined }; data: T }): T => {
    guard.page(nextLink(response.headers.link));
    return response.data;
  };
}

/** The URL of rel="next" in a Link header, if any. */
export function nextLink(link: string | undefined): string | undefined {
  return /<([^<>]+)>;\s*rel="next"/.exec(link ?? '')?.[1];
}

/** A guard for one GraphQL connection, fed each page's cursor (when it says more follow). */
export function cursorGuard(what: string): PageGuard {
  return new PageGuard(what, MAX_PAGES);
}
