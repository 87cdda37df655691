// Every paginated read follows tokens the server hands out. A server that hands back a token already
// followed (a loop) or never stops handing out new ones would keep a run busy until its deadline and
// then lose everything it read: the guard ends such a listing at once with a reason, so only that
// part of the run is an error.

/** A listing that cannot be read to its end: a token came back, or the pages never stop. */
export class PaginationError extends Error {
  override name = 'PaginationError';
}

export class PageGuard {
  private readonly seen = new Set<string>();
  private pages = 0;

  /**
   * @param what names the listing in the error (`GetAccountAuthorizationDetails`).
   * @param maxPages most pages a complete listing can have (well above the largest real one).
   */
  constructor(
    private readonly what: string,
    private readonly maxPages: number,
  ) {}

  /** Call once per page read, with the token of the next page (none: the listing is complete). */
  page(nextToken: string | null | undefined): void {
    this.pages += 1;
    if (nextToken === undefined || nextToken === null || nextToken === '') return;
    if (this.seen.has(nextToken)) {
      throw new PaginationError(
        `${this.what}: page ${this.pages} repeats the token of an earlier page (a pagination loop): the listing cannot be read to its end`,
      );
    }
    if (this.pages >= this.maxPages) {
      throw new PaginationError(
        `${this.what}: still more pages after ${this.maxPages}, the most a complete listing is expected to have: the listing is not trusted as complete`,
      );
    }
    this.seen.add(nextToken);
  }
}
