// A cap on the decoded size of every GitHub reply. fetch inflates a gzip body as it is read, and
// Octokit reads it whole: a 3 MB gzip reply that inflates to 3 GB (a hostile or broken endpoint, a
// proxy) held 9.1 GB of memory. Here the body is read through a counter and the read is stopped, the
// connection closed, as soon as the decoded bytes pass the cap of the API: memory stays within the cap.
//
// Caps (far above any real reply: a page of 100 repositories is about 600 KB, a page of the merged
// pull-request query a few MB):
//   REST     16 MiB
//   GraphQL  32 MiB
import type { Octokit } from '@octokit/rest';

const MiB = 1024 * 1024;
export const GITHUB_REPLY_CAPS = { rest: 16 * MiB, graphql: 32 * MiB } as const;
export type GitHubReplyCaps = { rest: number; graphql: number };

/** The read of a reply stopped at its cap: not retried (the same reply would come back), and named in the run. */
export class ReplyTooLargeError extends Error {
  override name = 'ReplyTooLargeError';
}

/** Statuses whose replies have no body (a Response cannot be built with one). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

function describeCap(bytes: number): string {
  return `${Math.round(bytes / MiB)} MiB`;
}

/**
 * `fetch` with each reply's body read in full here, through a counter: past the cap of its API the
 * read stops and a ReplyTooLargeError is thrown. What Octokit gets is the decoded body, at most the cap.
 */
export function fetchWithReplyCap(fetchReply: typeof fetch, caps: GitHubReplyCaps = GITHUB_REPLY_CAPS): typeof fetch {
  return async (input, init) => {
    const response = await fetchReply(input, init);
    if (!response.body || NO_BODY.has(response.status)) return response;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const api = /\/graphql(?:\?|$)/.test(new URL(url).pathname) ? 'graphql' : 'rest';
    const cap = caps[api];
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      let read: Awaited<ReturnType<typeof reader.read>>;
      try {
        read = await reader.read();
      } catch (error) {
        // A body cut off: handed on as it came (read so far, then failing), for Octokit to report as before.
        return replyWith(response, bodyFailingAfter(chunks, error));
      }
      const { done, value } = read;
      if (done) break;
      size += value.byteLength;
      if (size > cap) {
        // Cancelling the stream closes the connection: nothing more is received or inflated.
        await reader.cancel().catch(() => undefined);
        throw new ReplyTooLargeError(
          `the reply is larger than ${describeCap(cap)} once decoded (the cap for GitHub ${api === 'rest' ? 'REST' : 'GraphQL'} replies): read stopped there`,
        );
      }
      chunks.push(value);
    }
    return replyWith(response, Buffer.concat(chunks));
  };
}

/** The reply with `body` (decoded) in place of its own. */
function replyWith(response: Response, body: ConstructorParameters<typeof Response>[0]): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-encoding');
  headers.delete('content-length');
  const reply = new Response(body, { status: response.status, statusText: response.statusText, headers });
  Object.defineProperty(reply, 'url', { value: response.url });
  return reply;
}

function bodyFailingAfter(chunks: readonly Uint8Array[], error: unknown): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.error(error);
    },
  });
}

/**
 * Octokit wraps whatever fetch throws in a RequestError of status 500, which the retry plugin would try
 * three more times. Applied before the throttling and retry plugins, this hands them the cap's own error
 * instead: not an HTTP failure, so neither retries it.
 */
export function replySizeCapPlugin(octokit: Pick<Octokit, 'hook'>): void {
  octokit.hook.error('request', (error: Error & { cause?: unknown }) => {
    if (error.cause instanceof ReplyTooLargeError) throw error.cause;
    throw error;
  });
}
