// Turns a failed read into the one-sentence reason stored with a resource error or the run.
/** `<what>: <service error code>: <message>`; never the request id or response metadata. */
export function describeFailure(what: string, error: unknown): string {
  if (!(error instanceof Error)) return `${what}: ${String(error)}`;
  // A reply with an error status but no error document (a 503 from a proxy) parses as "Unknown".
  const status = httpStatusOf(error);
  if (status !== undefined && error.name === 'Unknown' && (error.message === 'Unknown' || error.message === '')) {
    return `${what}: HTTP ${status} without an error code`;
  }
  const code = isServiceError(error) || error.name === 'AbortError' ? `${error.name}: ` : '';
  return `${what}: ${code}${error.message}`;
}

/** SDK service errors carry `$metadata`; their `name` is the AWS error code (AccessDenied, Throttling). */
function isServiceError(error: Error): boolean {
  return '$metadata' in error;
}

function httpStatusOf(error: Error): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
