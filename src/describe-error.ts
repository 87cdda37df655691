// One line for an error: what the runner stores for a failed run, what a log line and a module's load error say.
/** Describes an error in one line without stack traces or request internals. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { Code?: string; code?: string }).Code ?? (error as { code?: string }).code;
    const prefix = code && !error.message.includes(code) ? `${code}: ` : error.name !== 'Error' ? `${error.name}: ` : '';
    return `${prefix}${error.message}`.split('\n')[0]!.slice(0, 1000);
  }
  return String(error).slice(0, 1000);
}
