// `evidence-agent review <finding or event id> --note "…" [--by …]`, or `review --file reviews.yaml`:
// records that someone reviewed a failing event (a root sign-in, a StopLogging, a self-approved merge),
// as a run of the review stream in the chain. Until then the failure stays open in `findings`,
// `controls`, the digest and /metrics; the period report shows who reviewed it and when.
import { openAgent, storeExists } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { eventFailures, lifecycleOf } from '../reports/event-findings.js';
import { loadReviews, recordReviews } from '../reports/reviews.js';
import { matchReviews } from '../review/match.js';
import { requestFromFlags, requestsFromFile } from '../review/requests.js';
import { agentVersion } from '../version.js';
import { print } from './print.js';

export interface ReviewOptions extends GlobalOptions {
  note?: string;
  by?: string;
  file?: string;
}

export async function reviewCommand(id: string | undefined, options: ReviewOptions, now: () => Date = () => new Date()): Promise<number> {
  if (id && options.file) throw new CliError('review: give a finding or event id, or --file, not both');
  if (!id && !options.file)
    throw new CliError(
      'review: expected a finding or event id (the resource of a failing event in `evidence-agent findings --status fail`), or --file reviews.yaml',
    );
  const requests = id ? [requestFromFlags(id, options)] : requestsFromFile(options.file!);
  const agent = await openAgent(options, 'read');
  if (!storeExists(agent.storePath)) throw new CliError(`no evidence store at ${agent.storePath}: run \`evidence-agent collect\` first, or pass --db`);
  const store = await agent.openStore('append');
  try {
    const failures = await eventFailures(store, lifecycleOf(agent), await loadReviews(store));
    const { toRecord, skipped } = matchReviews(failures, requests, Boolean(id));
    for (const line of skipped) print(`skipped: ${line}`);
    if (toRecord.length === 0) {
      print('nothing to record: every review in the file is already recorded');
      return 0;
    }
    const run = await recordReviews(store, toRecord, {
      at: now(),
      agentVersion: agentVersion(),
      mappingVersion: agent.mappingVersion,
      configDigest: agent.loaded?.digest ?? 'no-config',
    });
    for (const review of toRecord) {
      print(`recorded: ${review.checkId} ${review.resourceId}${review.occurredAt ? ` (occurred ${review.occurredAt})` : ''} reviewed by ${review.reviewedBy}`);
    }
    print(`run ${run.seq}: ${toRecord.length} review(s) in the chain`);
    return 0;
  } finally {
    await store.close();
  }
}
