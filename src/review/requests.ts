// What `review` is asked to record: one review from the flags (`review <id> --note … --by …`) or a list
// from a file (`review --file reviews.yaml`, entries `{ id, note, by }`), each checked to one line.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { CliError } from '../cli-error.js';
import { ConfigError } from '../config/errors.js';
import { refuseOversized, yamlToJs } from '../config/load.js';

const MAX_NOTE = 2000;
const MAX_BY = 200;

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

export interface ReviewRequest {
  /** Where it came from, for messages: `review <id>` or `reviews.2`. */
  where: string;
  id: string;
  note: string;
  by: string;
}

export function requestsFromFile(path: string): ReviewRequest[] {
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

/** `review <id> --note … [--by …]`: --by defaults to the user running the command. */
export function requestFromFlags(id: string, options: { note?: string; by?: string }): ReviewRequest {
  const note = options.note?.trim();
  if (!note) throw new CliError('--note: required (what the review found, e.g. "break-glass for INC-142, approved by the CISO")');
  if (note.length > MAX_NOTE || /[\r\n]/.test(note)) throw new CliError(`--note: expected one line of at most ${MAX_NOTE} characters`);
  const by = options.by?.trim() || userInfo().username;
  if (by.length > MAX_BY || /[\r\n]/.test(by)) throw new CliError(`--by: expected one line of at most ${MAX_BY} characters`);
  return { where: `review ${id}`, id, note, by };
}
