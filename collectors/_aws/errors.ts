// Turns a failed read into the one-sentence reason stored with a resource error or the run.
/** `<what>: <service error code>: <message>`; never the request id or response metadata. */
export function describeFailure(what: string, error: unknown): string {
  if (!(error instanceof Error)) return `${what}: ${String(error)}`;
  const code = isServiceError(error) || error.name === 'AbortError' ? `${error.name}: ` : '';
  return `${what}: ${code}${error.message}`;
}

/** SDK service errors carry `$metadata`; their `name` is the AWS error code (AccessDenied, Throttling). */
function isServiceError(error: Error): boolean {
  return '$metadata' in error;
}
