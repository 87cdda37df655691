// Loads the one YAML config: parse, interpolate ${ENV}, validate. Every problem is one line naming
// its field; nothing is written before the config is known to be good.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validate as validateCron } from 'node-cron';
import { parseDocument } from 'yaml';
import type { Collector } from '../collector.js';
import { digestOf } from '../canonical.js';
import { ConfigError } from './errors.js';
import { formatIssue } from './format-issues.js';
import { interpolateEnv } from './interpolate.js';
import { registerSecretsOf } from '../redaction.js';
import { withoutSecrets } from './secrets.js';
import { buildConfigSchema, keysAt } from './schema.js';
import type { AgentConfig } from './schema.js';

export interface LoadedConfig {
  /** Absolute path of the file, or null when no config exists (built-in defaults). */
  path: string | null;
  config: AgentConfig;
  /**
   * SHA-256 of the validated config (defaults filled, environment interpolated) with secret fields
   * blanked: it changes when what the agent does changes, and holds no secret.
   */
  digest: string;
}

export function configDigest(config: AgentConfig): string {
  return digestOf(withoutSecrets(config));
}

export const DEFAULT_CONFIG_PATH = './config/evidence-agent.yaml';
const MAX_CONFIG_BYTES = 1024 * 1024;

/** `--config`, else EVIDENCE_AGENT_CONFIG, else ./config/evidence-agent.yaml when it exists. */
export function findConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (explicit) return resolve(explicit);
  if (env.EVIDENCE_AGENT_CONFIG) return resolve(env.EVIDENCE_AGENT_CONFIG);
  return existsSync(DEFAULT_CONFIG_PATH) ? resolve(DEFAULT_CONFIG_PATH) : null;
}

export function parseConfigText(
  text: string,
  file: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[],
  env: NodeJS.ProcessEnv,
): AgentConfig {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    throw new ConfigError([`${file}: the file is larger than 1 MiB; is it the right file?`]);
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const line = error.linePos?.[0].line;
    throw new ConfigError([`${file}${line ? `:${line}` : ''}: invalid YAML: ${error.message.split('\n')[0]}`]);
  }
  const raw: unknown = document.toJS({ maxAliasCount: 50 }) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`${file}: expected a YAML mapping at the top level (timezone, store, collectors)`]);
  }
  const schema = buildConfigSchema(collectors);
  const result = schema.safeParse(interpolateEnv(raw, env), { reportInput: true });
  if (!result.success) {
    throw new ConfigError(result.error.issues.flatMap((issue) => formatIssue(issue, [], (p) => keysAt(schema, p))));
  }
  const badSchedules = scheduleProblems(result.data);
  if (badSchedules.length > 0) throw new ConfigError(badSchedules);
  // The interpolated secrets are known from here on: no log line or stored text will carry them.
  registerSecretsOf(result.data);
  return result.data;
}

/** Every schedule must be a cron expression node-cron runs: found now, not when the daemon reaches it. */
function scheduleProblems(config: AgentConfig): string[] {
  const schedules: [string, string | undefined][] = [
    ...Object.entries(config.collectors as Record<string, { schedule?: string } | undefined>).map(([id, section]) => [`collectors.${id}.schedule`, section?.schedule] as [string, string | undefined]),
    ['digest.schedule', config.digest?.schedule],
  ];
  return schedules
    .filter(([, cron]) => cron !== undefined && !validateCron(cron))
    .map(([path, cron]) => `${path}: expected a cron expression (minute hour day-of-month month day-of-week, e.g. "0 3 * * *"), got ${JSON.stringify(cron)}`);
}

export function loadConfig(
  path: string | null,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[],
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  if (path === null) {
    const config = parseConfigText('{}', '(defaults)', collectors, env);
    return { path: null, config, digest: configDigest(config) };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([
      code === 'ENOENT'
        ? `${path}: config file not found (pass --config, set EVIDENCE_AGENT_CONFIG, or copy config/example.yaml)`
        : `${path}: cannot read the config file (${code ?? (error as Error).message})`,
    ]);
  }
  const config = parseConfigText(text, path, collectors, env);
  return { path, config, digest: configDigest(config) };
}

/**
 * Only `store.path`, for the read commands: an auditor reading a store should not need the
 * collectors' secrets in the environment, so the rest of the file is not validated here.
 */
export function loadStorePath(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const line = document.errors[0]!.linePos?.[0].line;
    throw new ConfigError([`${path}${line ? `:${line}` : ''}: invalid YAML: ${document.errors[0]!.message.split('\n')[0]}`]);
  }
  const storePath: unknown = document.getIn(['store', 'path']);
  if (storePath === undefined) return undefined;
  if (typeof storePath !== 'string' || storePath === '') {
    throw new ConfigError([`store.path: expected a file path, got ${JSON.stringify(storePath)}`]);
  }
  return interpolateEnv(storePath, env, ['store', 'path']) as string;
}
