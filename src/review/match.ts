// Which open event failures the requested reviews name. Nothing is recorded unless every review found
// its failure: a typo in one entry loses nothing.
import { CliError } from '../cli-error.js';
import { ConfigError } from '../config/errors.js';
import type { EventFailure } from '../reports/event-findings.js';
import { reviewLine } from '../reports/reviews.js';
import type { ReviewInput } from '../reports/reviews.js';
import type { ReviewRequest } from './requests.js';

const CHECK_ID = /^[a-z0-9]+(_[a-z0-9]+)+$/;

/** The failures an id names: `<check>:<event id>` one finding, a bare event id every failing check on it. */
function matching(failures: readonly EventFailure[], id: string): EventFailure[] {
  const colon = id.indexOf(':');
  const check = colon > 0 ? id.slice(0, colon) : '';
  const asFinding = CHECK_ID.test(check) ? failures.filter((f) => f.checkId === check && f.resourceId === id.slice(colon + 1)) : [];
  return asFinding.length > 0 ? asFinding : failures.filter((f) => f.resourceId === id);
}

/**
 * The reviews to record for `requests`, and the file's entries skipped as already reviewed. One review
 * from the flags (`single`) that is already recorded, or any request that names no failing event, is
 * refused: a CliError for the flags, a ConfigError listing every bad entry of a file.
 */
export function matchReviews(
  failures: readonly EventFailure[],
  requests: readonly ReviewRequest[],
  single: boolean,
): { toRecord: ReviewInput[]; skipped: string[] } {
  const toRecord: ReviewInput[] = [];
  const skipped: string[] = [];
  const problems: string[] = [];
  for (const request of requests) {
    const found = matching(failures, request.id);
    const open = found.filter(
      (f) =>
        f.review === null &&
        !toRecord.some((r) => r.collector === f.collector && r.scope === f.scope && r.checkId === f.checkId && r.resourceId === f.resourceId),
    );
    if (open.length === 0) {
      if (found.length > 0) {
        const done = found.find((f) => f.review)!;
        (single ? problems : skipped).push(`${request.where}: ${request.id} is already ${reviewLine(done.review!)}`);
      } else {
        problems.push(
          `${request.where}: no failing event "${request.id}" (give the event id, the resource of a failing event in \`evidence-agent findings --status fail\`, or <check>:<event id>)`,
        );
      }
      continue;
    }
    for (const failure of open) {
      toRecord.push({
        collector: failure.collector,
        scope: failure.scope,
        checkId: failure.checkId,
        resourceId: failure.resourceId,
        occurredAt: failure.occurredAt,
        note: request.note,
        reviewedBy: request.by,
      });
    }
  }
  if (problems.length > 0) {
    if (single) throw new CliError(problems[0]!);
    throw new ConfigError(problems);
  }
  return { toRecord, skipped };
}
