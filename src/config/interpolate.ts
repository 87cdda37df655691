// `${VAR}` interpolation over parsed YAML values. Done after parsing, on string scalars only, so an
// environment value can never inject YAML structure.
import { ConfigError } from './errors.js';
import { formatPath } from './format-issues.js';

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, [...path, index]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key])]),
    );
  }
  return value;
}

function interpolateString(text: string, env: NodeJS.ProcessEnv, path: (string | number)[]): string {
  const missing: string[] = [];
  const result = text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    const found = env[name!];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    missing.push(name!);
    return '';
  });
  if (missing.length > 0) {
    throw new ConfigError([
      `${formatPath(path)}: environment variable ${missing[0]} is not set (set it, or write \${${missing[0]}:-default})`,
    ]);
  }
  return result;
}
