// The SDK paginators stop at the first page without a Marker, even one that says more pages follow
// (IsTruncated=true): taken as the last page, it would make a partial listing look complete.
import { MalformedResponseError } from './evidence-format.js';

/**
 * The most items IAM's listing calls return per page (MaxItems' upper limit; the default is 100): asking
 * for it cuts the calls of a 2,000-user account tenfold. IAM may still return fewer, with a Marker.
 */
export const IAM_MAX_ITEMS = 1000;

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
