// A config problem: one line per wrong field, each naming its path, what is expected and how to fix it.
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}
