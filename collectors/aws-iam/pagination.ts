// The SDK paginators stop at the first page without a Marker, even one that says more pages follow
// (IsTruncated=true): taken as the last page, it would make a partial listing look complete.
import { PageGuard } from '../../src/page-guard.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';

/** Items asked per page: the most IAM allows, so a large account takes few requests. */
export const IAM_PAGE_SIZE = 1000;
/**
 * Most pages an IAM listing may take: the account quotas (5,000 users, 5,000 roles, 300 groups, 5,000
 * customer managed and some 1,300 AWS managed policies) fit in 17 full pages; IAM may send fewer
 * items than asked, hence the margin.
 */
export const MAX_IAM_PAGES = 100;

export interface ListingPage {
  IsTruncated?: boolean;
  Marker?: string;
}

/** Throws when a page says more follow but gives no Marker to fetch them with. */
export function requireMarkerWhenTruncated(operation: string, page: ListingPage, pageNumber: number): void {
  if (page.IsTruncated === true && !page.Marker) {
    throw new MalformedResponseError(
      `${operation} page ${pageNumber} is truncated (IsTruncated=true) but has no Marker: ` +
        'the remaining pages cannot be read, so the collection would be incomplete',
    );
  }
}

/** A guard for one IAM listing: a Marker handed back twice, or pages past the cap, end it with a reason. */
export function iamPageGuard(operation: string): { page(page: ListingPage): void } {
  const guard = new PageGuard(operation, MAX_IAM_PAGES);
  let pages = 0;
  return {
    page(page) {
      pages += 1;
      requireMarkerWhenTruncated(operation, page, pages);
      guard.page(page.IsTruncated === true ? page.Marker : undefined);
    },
  };
}
