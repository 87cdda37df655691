// Turns a failed read into the one-sentence reason stored with a resource error or the run.
import type { ClientPlugin } from './clients.js';

/** Where a failed request went, set on its error by `requestHostPlugin` (the SDK's errors do not say). */
const REQUEST_HOST = Symbol('evidence-agent.requestHost');
/** The SDK's hint appended to a reply it could not parse; it points at a field no reader can see. */
const SDK_DESERIALIZATION_HINT = /\s*Deserialization error: to see the raw response.*$/s;

/**
 * `<what>: <service error code>: <message>`; never the request id or response metadata. A reply that is
 * not an AWS reply (an HTML error page from a proxy or load balancer, an empty 5xx) is named by its
 * HTTP status and host instead: `HTTP 500 from cloudtrail.us-east-1 (an HTML page)`.
 */
export function describeFailure(what: string, error: unknown): string {
  if (!(error instanceof Error)) return `${what}: ${String(error)}`;
  const unparsed = unparsedReply(error);
  if (unparsed) return `${what}: ${unparsed}`;
  const code = isServiceError(error) || error.name === 'AbortError' ? `${error.name}: ` : '';
  return `${what}: ${code}${error.message}`;
}

/** The description of a reply the SDK could not read as an AWS reply, or undefined for any other error. */
function unparsedReply(error: Error): string | undefined {
  const status = httpStatusOf(error);
  if (status === undefined) return undefined;
  const noCode = error.name === 'Unknown' && (error.message === 'Unknown' || error.message === '');
  const notParsed = SDK_DESERIALIZATION_HINT.test(error.message);
  if (!noCode && !notParsed) return undefined;
  const host = (error as unknown as Record<symbol, unknown>)[REQUEST_HOST];
  const from = `HTTP ${status}${typeof host === 'string' ? ` from ${host}` : ''}`;
  if (isHtml(error)) return `${from} (an HTML page)`;
  if (noCode) return `${from} without an error code`;
  const parseError = `${error.name}: ${error.message.replace(SDK_DESERIALIZATION_HINT, '')}`;
  // A success status with a body cut short or garbled: the parse error is the news, not the status.
  return status < 300 ? parseError : `${from}, unreadable (${parseError})`;
}

/** By the reply's content type, or, without one, by the start of the body the parser quoted. */
function isHtml(error: Error): boolean {
  const headers = (error as { $response?: { headers?: Record<string, string | undefined> } }).$response?.headers ?? {};
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (/\b(text\/html|application\/xhtml\+xml)\b/i.test(type)) return true;
  return type === '' && /["'\s]<(!doctype html|html)\b/i.test(error.message);
}

/** SDK service errors carry `$metadata`; their `name` is the AWS error code (AccessDenied, Throttling). */
function isServiceError(error: Error): boolean {
  return '$metadata' in error;
}

function httpStatusOf(error: Error): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** `cloudtrail.us-east-1` for `cloudtrail.us-east-1.amazonaws.com`; host and port for any other endpoint. */
export function hostLabel(hostname: string, port: number | undefined): string {
  const service = hostname.replace(/\.(amazonaws\.com(\.cn)?|api\.aws)$/, '');
  if (service !== hostname) return service;
  return port === undefined ? hostname : `${hostname}:${port}`;
}

/**
 * Marks each failed request's error with the host it went to, so `describeFailure` can name it. Placed
 * after the retry middleware, so the error of the last attempt (the one thrown) is marked.
 */
export const requestHostPlugin: ClientPlugin = {
  applyToStack(stack) {
    stack.addRelativeTo(
      <Args, Output>(next: (args: Args) => Promise<Output>) =>
        async (args: Args) => {
          try {
            return await next(args);
          } catch (error) {
            const request = (args as { request?: { hostname?: unknown; port?: unknown } }).request;
            if (typeof error === 'object' && error !== null && typeof request?.hostname === 'string') {
              const port = typeof request.port === 'number' ? request.port : undefined;
              Object.defineProperty(error, REQUEST_HOST, { value: hostLabel(request.hostname, port), configurable: true });
            }
            throw error;
          }
        },
      { name: 'evidenceAgentRequestHost', relation: 'after', toMiddleware: 'retryMiddleware', override: true },
    );
  },
};
