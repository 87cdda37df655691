// An error the CLI reports as one line with a chosen exit code (2: usage or config, 1: not ok).
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}
