// Cursor pagination of GraphQL connections: `first` items after an opaque cursor, with pageInfo
// { hasNextPage endCursor }. Cursors are base64 of "cursor:<items so far>", like GitHub's search
// cursors; a cap models search's 1,000 reachable results.

export interface GraphqlError {
  message: string;
  type?: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
}

/** What a resolver answers: `data` in the shape its query selects, or `errors` (status 200, as GitHub does). */
export interface GraphqlResult {
  data?: unknown;
  errors?: GraphqlError[];
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const encodeCursor = (position: number): string => Buffer.from(`cursor:${position}`).toString('base64');

/** The position an `after` cursor points past (0 without one), or null when it is not a cursor. */
export function decodeCursor(after: unknown): number | null {
  if (after === undefined || after === null) return 0;
  if (typeof after !== 'string') return null;
  const match = /^cursor:(\d+)$/.exec(Buffer.from(after, 'base64').toString('utf8'));
  return match ? Number(match[1]) : null;
}

export function invalidCursorError(after: unknown, path: string[]): GraphqlError {
  return { message: `\`${String(after)}\` does not appear to be a valid cursor.`, type: 'INVALID_CURSOR_ARGUMENTS', path };
}

/** One page of `items`; `reachable` caps how far paging can go (search stops at 1,000). */
export function connectionPage<T, N>(items: readonly T[], start: number, first: number, toNode: (item: T) => N, reachable = items.length): Connection<N> {
  const end = Math.min(start + first, items.length, reachable);
  const nodes = start < end ? items.slice(start, end).map(toNode) : [];
  return {
    nodes,
    pageInfo: { hasNextPage: end < Math.min(items.length, reachable), endCursor: nodes.length > 0 ? encodeCursor(end) : null },
  };
}
