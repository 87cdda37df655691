// REST pagination as GitHub does it: `per_page` (default 30, at most 100) and `page`, and an RFC 5988
// Link header naming the prev, next, last and first pages. The Link URLs repeat the request's own path
// and query on the base URL the client called (the server passes it in when it strips /api/v3).

export interface PageRequest {
  perPage: number;
  page: number;
}

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

export function pageRequest(query: URLSearchParams): PageRequest {
  const perPage = Number.parseInt(query.get('per_page') ?? '', 10);
  const page = Number.parseInt(query.get('page') ?? '', 10);
  return {
    perPage: Number.isInteger(perPage) && perPage > 0 ? Math.min(perPage, MAX_PER_PAGE) : DEFAULT_PER_PAGE,
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export function pageOf<T>(items: readonly T[], request: PageRequest): T[] {
  const start = (request.page - 1) * request.perPage;
  return items.slice(start, start + request.perPage);
}

/** The Link header of one page; undefined when everything fits on the first page. */
export function linkHeader(baseUrl: string, pathname: string, query: URLSearchParams, request: PageRequest, total: number): string | undefined {
  const lastPage = Math.max(1, Math.ceil(total / request.perPage));
  if (lastPage === 1 && request.page === 1) return undefined;
  const urlOf = (page: number) => {
    const params = new URLSearchParams(query);
    params.set('page', String(page));
    return `<${baseUrl}${pathname}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (request.page > 1) links.push(`${urlOf(Math.min(request.page - 1, lastPage))}; rel="prev"`);
  if (request.page < lastPage) links.push(`${urlOf(request.page + 1)}; rel="next"`, `${urlOf(lastPage)}; rel="last"`);
  if (request.page > 1) links.push(`${urlOf(1)}; rel="first"`);
  return links.join(', ');
}

/** Where the client believes the API is: the stripped prefix when the server says, else the host asked. */
export function requestBaseUrl(headers: Record<string, string | undefined>): string {
  const base = headers['x-sandbox-base'] ?? (headers['host'] ? `http://${headers['host']}` : 'https://api.github.com');
  return base.replace(/\/+$/, '');
}
