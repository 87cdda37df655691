// No URL in the config may carry credentials (`https://user:password@host/…`). A URL goes wherever the
// setting goes: the GitHub API base into evidence, findings, the digest and the signed bundle; nothing
// registers its user info as a secret, so it would be stored and shown in clear. Every string of the
// interpolated config is checked, whatever its field (external collectors' options too), before the
// schema is: a refused value is never echoed. The Slack webhook URL is a secret as a whole (kept in an
// environment variable and redacted); it never has user info either, and is checked like the rest.
import { formatPath } from './format-issues.js';

/** An absolute URL with an authority (`scheme://…`): only those can hold `user:password@`. */
const WITH_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\//i;

function carriesCredentials(value: string): boolean {
  if (!WITH_AUTHORITY.test(value)) return false;
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    // Not a URL the WHATWG parser takes (the schema says so, without echoing it: see below). Judge the authority alone.
    const authority = value.replace(WITH_AUTHORITY, '').split(/[/?#]/, 1)[0]!;
    return authority.includes('@');
  }
}

/** One line per field holding a URL with credentials, naming the field, never the value. */
export function urlCredentialProblems(value: unknown, path: PropertyKey[] = []): string[] {
  if (typeof value === 'string') {
    return carriesCredentials(value)
      ? [
          `${formatPath(path)}: a URL with credentials in it (user:password@) is refused: they would be stored and shown wherever the URL goes. ` +
            'Remove them from the URL and give them where the config asks for credentials (for GitHub: auth.token or a GitHub App)',
        ]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => urlCredentialProblems(item, [...path, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => urlCredentialProblems(item, [...path, key]));
  return [];
}
