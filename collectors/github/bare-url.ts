// URLs as the evidence and the logs keep them: a webhook's or SSO endpoint's query string or user info may
// carry a token meant for the receiver, so only scheme, host and path are kept.

/** Scheme, host and path: a query string or user info may carry a token meant for the receiver. */
export function withoutCredentials(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return raw.split(/[?#]/)[0]!.replace(/\/\/[^/@]*@/, '//');
  }
}
