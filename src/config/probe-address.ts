// The daemon's probe address (http.host, http.port) read from the config file alone: the healthcheck
// needs these two fields, not the schema of every collector (loading it would cost the container's
// HEALTHCHECK a second of CPU every 30 s). The daemon validated the whole file when it started.
import { readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError } from './errors.js';
import { interpolateEnv } from './interpolate.js';

const MAX_CONFIG_BYTES = 1024 * 1024;
export const DEFAULT_PROBE_HOST = '127.0.0.1';
export const DEFAULT_PROBE_PORT = 9464;

export function loadProbeAddress(path: string, env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  let text: string;
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) throw new ConfigError([`${path}: the config file is larger than 1 MiB; is it the right file?`]);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`${path}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const line = document.errors[0]!.linePos?.[0].line;
    throw new ConfigError([`${path}${line ? `:${line}` : ''}: invalid YAML: ${document.errors[0]!.message.split('\n')[0]}`]);
  }
  const host = interpolateEnv(document.getIn(['http', 'host']) ?? DEFAULT_PROBE_HOST, env, ['http', 'host']);
  const port = interpolateEnv(document.getIn(['http', 'port']) ?? DEFAULT_PROBE_PORT, env, ['http', 'port']);
  if (typeof host !== 'string' || host === '') throw new ConfigError([`http.host: expected a host name or address, got ${JSON.stringify(host)}`]);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError([`http.port: expected a port number from 0 to 65535, got ${JSON.stringify(port)}`]);
  }
  return { host, port };
}
