// `evidence-agent review <finding or event id> --note "…" [--by …]`, or `review --file reviews.yaml`:
// records that someone reviewed a failing event (a root sign-in, a StopLogging, a self-approved merge),
// as a run of the review stream in the chain. Until then the failure stays open in `findings`,
// `controls`, the digest and /metrics; the period report shows who reviewed it and when.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { readStorePath, readerSetup } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { ConfigError } from '../config/errors.js';
import { refuseOversized, yamlToJs } from '../config/load.js';
import { eventFailures, lifecycleOf } from '../reports/event-findings.js';
import type { EventFailure } from '../reports/event-findings.js';
import { loadReviews, recordReviews, reviewLine } from '../reports/reviews.js';
import type { ReviewInput } from '../reports/reviews.js';
import { openStore } from '../store/index.js';
import { agentVersion } from '../version.js';
import { print } from './print.js';

export interface ReviewOptions extends GlobalOptions {
  note?: string;
  by?: string;
  file?: string;
}

const MAX_NOTE = 2000;
const MAX_BY = 200;
const CHECK_ID = /^[a-z0-9]+(_[a-z0-9]+)+$/;

const oneLine = (max: number, what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, `expected ${what}`)
    .max(max, `expected at most ${max} characters`)
    .refine((v) => !/[\r\n]/.test(v), 'expected one line');

const reviewsFileSchema = z.strictObject({
  reviews: z
    .array(
      z.strictObject({
        /** A finding (`<check>:<event id>`) or an event id (every failing check on it). */
        id: z.string({ error: 'expected a finding or event id' }).min(1, 'expected a finding or event id'),
        note: oneLine(MAX_NOTE, 'what the review found, in one line'),
        by: oneLine(MAX_BY, 'who reviewed it'),
      }),
    )
    .min(1, 'expected at least one review'),
});

interface Request {
  /** Where it came from, for messages: `review <id>` or `reviews.2`. */
  where: string;
  id: string;
  note: string;
  by: string;
}

/** The failures an id names: `<check>:<event id>` one finding, a bare event id every failing check on it. */
function matching(failures: readonly EventFailure[], id: string): EventFailure[] {
  const colon = id.indexOf(':');
  const check = colon > 0 ? id.slice(0, colon) : '';
  const asFinding = CHECK_ID.test(check) ? failures.filter((f) => f.checkId === check && f.resourceId === id.slice(colon + 1)) : [];
  return asFinding.length > 0 ? asFinding : failures.filter((f) => f.resourceId === id);
}

function requestsFromFile(path: string): Request[] {
  if (!existsSync(path)) throw new CliError(`--file: ${path} does not exist`);
  refuseOversized(path, 'reviews file');
  const document = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new ConfigError([`${path}:${error.linePos?.[0].line ?? 1}: invalid YAML: ${error.message.split('\n')[0]}`]);
  }
  const parsed = reviewsFileSchema.safeParse(yamlToJs(document, path));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`));
  return parsed.data.reviews.map((r, i) => ({ where: `${path}: reviews.${i}`, id: r.id, note: r.note, by: r.by }));
}

function requestFromFlags(id: string, options: ReviewOptions): Request {
  const note = options.note?.trim();
  if (!note) throw new CliError('--note: required (what the review found, e.g. "break-glass for INC-142, approved by the CISO")');
  if (note.length > MAX_NOTE || /[\r\n]/.test(note)) throw new CliError(`--note: expected one line of at most ${MAX_NOTE} characters`);
  const by = options.by?.trim() || userInfo().username;
  if (by.length > MAX_BY || /[\r\n]/.test(by)) throw new CliError(`--by: expected one line of at most ${MAX_BY} characters`);
  return { where: `review ${id}`, id, note, by };
}

export async function reviewCommand(id: string | undefined, options: ReviewOptions, now: () => Date = () => new Date()): Promise<number> {
  if (id && options.file) throw new CliError('review: give a finding or event id, or --file, not both');
  if (!id && !options.file) throw new CliError('review: expected a finding or event id (the resource of a failing event in `evidence-agent findings --status fail`), or --file reviews.yaml');
  const requests = id ? [requestFromFlags(id, options)] : requestsFromFile(options.file!);
  const setup = await readerSetup(options);
  const path = readStorePath(options);
  if (!existsSync(path)) throw new CliError(`no evidence store at ${path}: run \`evidence-agent collect\` first, or pass --db`);
  const store = openStore(path);
  try {
    const lifecycle = lifecycleOf(setup);
    const reviews = await loadReviews(store);
    const failures = await eventFailures(store, lifecycle, reviews);
    const toRecord: ReviewInput[] = [];
    const skipped: string[] = [];
    const problems: string[] = [];
    for (const request of requests) {
      const found = matching(failures, request.id);
      const open = found.filter((f) => f.review === null && !toRecord.some((r) => r.collector === f.collector && r.scope === f.scope && r.checkId === f.checkId && r.resourceId === f.resourceId));
      if (open.length === 0) {
        if (found.length > 0) {
          const done = found.find((f) => f.review)!;
          (id ? problems : skipped).push(`${request.where}: ${request.id} is already ${reviewLine(done.review!)}`);
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
    // Nothing is recorded unless every review found its failure: a typo in one entry loses nothing.
    if (problems.length > 0) {
      if (id) throw new CliError(problems[0]!);
      throw new ConfigError(problems);
    }
    for (const line of skipped) print(`skipped: ${line}`);
    if (toRecord.length === 0) {
      print('nothing to record: every review in the file is already recorded');
      return 0;
    }
    const run = await recordReviews(store, toRecord, {
      at: now(),
      agentVersion: agentVersion(),
      mappingVersion: setup.mappingVersion,
      configDigest: setup.loaded?.digest ?? 'no-config',
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
