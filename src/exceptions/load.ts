// Reads the exceptions file named in the config. Every problem is one line naming the entry and field.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../config/errors.js';
import { refuseOversized, yamlToJs } from '../config/load.js';
import { exceptionsFileSchema } from './schema.js';
import type { AcceptedException, ExceptionsEvidence } from './schema.js';

export function loadExceptions(path: string): AcceptedException[] {
  if (!existsSync(path)) throw new ConfigError([`exceptions: ${path} does not exist (create it, or remove \`exceptions\` from the config)`]);
  refuseOversized(path, 'exceptions file');
  const document = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new ConfigError([`${path}:${error.linePos?.[0].line ?? 1}: invalid YAML: ${error.message.split('\n')[0]}`]);
  }
  const parsed = exceptionsFileSchema.safeParse(yamlToJs(document, path));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`));
  }
  return parsed.data.exceptions;
}

/** The config's exceptions file (`exceptions:`, relative to the config file), read and validated, as the runner stores it. */
export function loadConfiguredExceptions(configPath: string, file: string): ExceptionsEvidence {
  return { source: file, exceptions: loadExceptions(resolve(dirname(configPath), file)) };
}
