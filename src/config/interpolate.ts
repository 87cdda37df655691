// `${VAR}` interpolation over parsed YAML values. Done after parsing, on string scalars only, so an
// environment value can never inject YAML structure.
import { ConfigError } from './errors.js';
import { formatPath } from './format-issues.js';

// `$${` (a literal `${`), `${NAME}`, `${NAME:-default}` with a default free of `${`, or any other `${`:
// that last one is an error, never sent on as it stands (a nested `${A:-${B}}` would send `${B}`).
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^}$]|\$(?!\{))*))?\}|\$\{/g;
const NESTED = /^\$\{([A-Za-z_][A-Za-z0-9_]*):-[^}]*\$\{/;

export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, [...path, index]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key])]));
  }
  return value;
}

function interpolateString(text: string, env: NodeJS.ProcessEnv, path: (string | number)[]): string {
  const missing: string[] = [];
  const result = text.replace(REFERENCE, (match: string, name: string | undefined, fallback: string | undefined, offset: number) => {
    if (match === '$${') return '${';
    if (match === '${') throw unreadableReference(text.slice(offset), path);
    const found = env[name!];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    missing.push(name!);
    return '';
  });
  if (missing.length > 0) {
    throw new ConfigError([`${formatPath(path)}: environment variable ${missing[0]} is not set (set it, or write \${${missing[0]}:-default})`]);
  }
  return result;
}

/** A `${` that starts no reference this interpolation reads: one line naming the field, never its value. */
function unreadableReference(rest: string, path: (string | number)[]): ConfigError {
  const nested = NESTED.exec(rest);
  if (nested) {
    return new ConfigError([
      `${formatPath(path)}: \${${nested[1]}:-\${…}} puts a reference inside a default, which is not supported: write the default out, or set ${nested[1]}`,
    ]);
  }
  return new ConfigError([
    `${formatPath(path)}: "\${" starts no reference (\${NAME} or \${NAME:-default}, NAME in letters, digits and _); write $\${ for a literal \${`,
  ]);
}
