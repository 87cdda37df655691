// A failed GitHub read as one sentence for a resource error: the status, GitHub's message and, for a
// 403, the permission the token lacks (GitHub names it in X-Accepted-GitHub-Permissions), never a
// header with a credential.
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string; status: number | null };

export class MalformedReplyError extends Error {
  override name = 'MalformedReplyError';
}

interface HttpFailure {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

export function statusOf(error: unknown): number | null {
  const status = (error as HttpFailure | null)?.status;
  return typeof status === 'number' ? status : null;
}

export function describeGitHubFailure(what: string, error: unknown): string {
  if (!(error instanceof Error)) return `${what}: ${String(error)}`;
  const failure = error as HttpFailure;
  const status = statusOf(error);
  // Octokit's message ends with " - https://docs.github.com/…": the link adds nothing to a finding.
  const message = (failure.message ?? '').replace(/ - https:\/\/docs\.github\.com\S*$/, '');
  // A GraphQL reply's errors come as a bulleted list over several lines: one line, each error named.
  const graphqlErrors = (error as { errors?: { type?: string; message?: string }[] }).errors;
  if (error.name === 'GraphqlResponseError' && Array.isArray(graphqlErrors) && graphqlErrors.length > 0) {
    return `${what}: GraphQL ${graphqlErrors.map((e) => `${e.type ?? 'error'}: ${e.message ?? ''}`).join('; ')}`;
  }
  if (status === null) return `${what}: ${message}`;
  const headers = failure.response?.headers ?? {};
  const permissions = headers['x-accepted-github-permissions'];
  const scopes = headers['x-accepted-oauth-scopes'];
  let needs = '';
  if (status === 403 || status === 404) {
    if (permissions) needs = ` (needs the permission ${permissions.split(';')[0]!.trim()})`;
    else if (scopes) needs = ` (needs the token scope ${scopes})`;
  }
  return `${what}: HTTP ${status}: ${message}${needs}`;
}

/** What the read produced, or why not; an abort is not an outcome: the run stops. */
export async function settle<T>(what: string, read: Promise<T>, signal: AbortSignal): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await read };
  } catch (error) {
    signal.throwIfAborted();
    return { ok: false, reason: describeGitHubFailure(what, error), status: statusOf(error) };
  }
}
