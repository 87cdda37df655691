// The search string of EvidenceMergedPullRequests, e.g.
// `org:example-co is:pr is:merged merged:2024-05-01T00:00:00Z..2024-05-02T00:00:00Z`. Qualifiers the
// collector sends are understood; a time range is inclusive to the second, a bare date covers its
// day, `*` leaves a side open. Other words are ignored rather than searched for.
import { DAY_MS, SECOND_MS, wholeSecond } from './clock.js';

export interface MergedSearch {
  org: string | null;
  repository: string | null;
  /** Something that cannot match a merged pull request (is:issue, is:open …). */
  excludesMergedPullRequests: boolean;
  from: number;
  to: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The first (or last) millisecond a search time stands for; null when it is not a time. */
function bound(text: string, side: 'from' | 'to'): number | null {
  if (text === '*') return side === 'from' ? -Infinity : Infinity;
  const parsed = Date.parse(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(parsed)) return null;
  if (DATE_ONLY.test(text)) return side === 'from' ? parsed : parsed + DAY_MS - 1;
  return side === 'from' ? wholeSecond(parsed) : wholeSecond(parsed) + SECOND_MS - 1;
}

function mergedRange(value: string): { from: number; to: number } | null {
  const range = /^(.+)\.\.(.+)$/.exec(value);
  if (range) {
    const from = bound(range[1]!, 'from');
    const to = bound(range[2]!, 'to');
    return from === null || to === null ? null : { from, to };
  }
  const compare = /^(>=|<=|>|<)(.+)$/.exec(value);
  if (compare) {
    const [, op, time] = compare;
    if (op === '>=' || op === '>') {
      const from = bound(time!, op === '>=' ? 'from' : 'to');
      return from === null ? null : { from: op === '>' ? from + 1 : from, to: Infinity };
    }
    const to = bound(time!, op === '<=' ? 'to' : 'from');
    return to === null ? null : { from: -Infinity, to: op === '<' ? to - 1 : to };
  }
  const from = bound(value, 'from');
  const to = bound(value, 'to');
  return from === null || to === null ? null : { from, to };
}

export function parseMergedSearch(text: string): MergedSearch | { error: string } {
  const search: MergedSearch = { org: null, repository: null, excludesMergedPullRequests: false, from: -Infinity, to: Infinity };
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const colon = token.indexOf(':');
    if (colon < 0) continue;
    const qualifier = token.slice(0, colon).toLowerCase();
    const value = token.slice(colon + 1);
    if (qualifier === 'org' || qualifier === 'user') search.org = value.toLowerCase();
    else if (qualifier === 'repo') search.repository = value.toLowerCase();
    else if ((qualifier === 'is' || qualifier === 'type') && ['issue', 'open', 'unmerged', 'draft'].includes(value.toLowerCase())) {
      search.excludesMergedPullRequests = true;
    } else if (qualifier === 'merged') {
      const range = mergedRange(value);
      if (!range) return { error: `The search contains an invalid date: "${value}"` };
      search.from = Math.max(search.from, range.from);
      search.to = Math.min(search.to, range.to);
    }
  }
  return search;
}
