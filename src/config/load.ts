// Loads the one YAML config: parse, interpolate ${ENV}, validate. Every problem is one line naming
// its field; nothing is written before the config is known to be good.
import { readFileSync, statSync } from 'node:fs';
import { validate as validateCron } from 'node-cron';
import { parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { Collector } from '../collector.js';
import { digestOf } from '../canonical.js';
import { ConfigError } from './errors.js';
import { formatIssue } from './format-issues.js';
import { interpolateEnv } from './interpolate.js';
import { agentSecrets, secretIdentifierClashes, withoutSecretFields } from '../redaction.js';
import type { SecretRegistry } from '../redaction.js';
import { formatPath } from './format-issues.js';
import { buildConfigSchema, keysAt } from './schema.js';
import { urlCredentialProblems } from './url-credentials.js';
import type { AgentConfig } from './schema.js';

/** The config file, read and validated (the collectors it brings are the registry's: src/registry-load.ts). */
export interface ConfigFile {
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
  return digestOf(withoutSecretFields(config, '[secret]'));
}

export { DEFAULT_CONFIG_PATH, findConfigPath } from './path.js';
const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_ALIAS_COUNT = 50;

/** The YAML of a config file as plain data, before ${ENV} and validation. */
function parseRaw(text: string, file: string): Record<string, unknown> {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    throw new ConfigError([`${file}: the file is larger than 1 MiB; is it the right file?`]);
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const line = error.linePos?.[0].line;
    throw new ConfigError([`${file}${line ? `:${line}` : ''}: invalid YAML: ${error.message.split('\n')[0]}`]);
  }
  const raw: unknown = yamlToJs(document, file);
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`${file}: expected a YAML mapping at the top level (timezone, store, collectors)`]);
  }
  return raw as Record<string, unknown>;
}

export function parseConfigText(
  text: string,
  file: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[],
  env: NodeJS.ProcessEnv,
  secrets: SecretRegistry = agentSecrets,
): AgentConfig {
  return validateConfig(parseRaw(text, file), collectors, [], env, secrets);
}

/**
 * Validates the whole file; `external` are the collectors loaded from modules, whose sections are
 * checked by their own options schema with errors under `collectors.<id>.`.
 */
function validateConfig(
  raw: Record<string, unknown>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  external: readonly { id: string; collector: Collector<any> | null }[],
  env: NodeJS.ProcessEnv,
  secrets: SecretRegistry,
): AgentConfig {
  const schema = buildConfigSchema(
    collectors,
    external.map((e) => e.id),
  );
  const interpolated = interpolateEnv(raw, env);
  const credentialsInUrls = urlCredentialProblems(interpolated);
  if (credentialsInUrls.length > 0) throw new ConfigError(credentialsInUrls);
  const result = schema.safeParse(interpolated, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(result.error.issues.flatMap((issue) => formatIssue(issue, [], (p) => keysAt(schema, p))));
  }
  const sections = result.data.collectors as Record<string, Record<string, unknown> | undefined>;
  const problems: string[] = [];
  for (const { id, collector } of external) {
    const section = sections[id];
    if (!section || !collector) continue;
    const { module, schedule, enabled, timeoutSeconds, ...own } = section;
    const parsed = collector.optionsSchema.safeParse(own, { reportInput: true });
    if (!parsed.success) {
      problems.push(...parsed.error.issues.flatMap((issue) => formatIssue(issue, ['collectors', id], (p) => keysAt(collector.optionsSchema, p))));
      continue;
    }
    sections[id] = {
      ...(parsed.data as object),
      module,
      timeoutSeconds,
      ...(schedule === undefined ? {} : { schedule }),
      ...(enabled === undefined ? {} : { enabled }),
    };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const badSchedules = scheduleProblems(result.data);
  if (badSchedules.length > 0) throw new ConfigError(badSchedules);
  // A secret that is also an identifier would be redacted wherever the evidence names that identifier.
  const clashes = secretIdentifierClashes(raw, result.data, env);
  if (clashes.length > 0) {
    throw new ConfigError(
      clashes.map(
        (clash) =>
          `${formatPath(clash.secret)}: holds the same value as ${formatPath(clash.identifier)}, an identifier the evidence names: ` +
          'as a secret it would be redacted from every document that names it; use a distinct secret value',
      ),
    );
  }
  // The config's secrets (and what was interpolated into them) are known from here on: no log line or
  // stored text will carry them.
  secrets.registerConfig(raw, result.data, env);
  return result.data;
}

/**
 * The parsed document as plain data. Aliases are allowed (a shared block of settings), but only so
 * many: an alias bomb (billion laughs) would expand a few hundred bytes into gigabytes.
 */
export function yamlToJs(document: Document, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new ConfigError([
        `${file}: YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies (an alias bomb?); write the values out instead of nesting aliases`,
      ]);
    }
    throw error;
  }
}

/** A config or exceptions file is a few KiB; anything over this is the wrong file (or an attack), refused before reading. */
export function refuseOversized(path: string, what: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // reading it reports the problem
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError([`${path}: the ${what} is ${size} bytes, larger than 1 MiB; is it the right file?`]);
  }
}

/** Every schedule must be a cron expression node-cron runs: found now, not when the daemon reaches it. */
function scheduleProblems(config: AgentConfig): string[] {
  const schedules: [string, string | undefined][] = [
    ...Object.entries(config.collectors as Record<string, { schedule?: string } | undefined>).map(
      ([id, section]) => [`collectors.${id}.schedule`, section?.schedule] as [string, string | undefined],
    ),
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
  secrets: SecretRegistry = agentSecrets,
): ConfigFile {
  if (path === null) {
    const config = parseConfigText('{}', '(defaults)', collectors, env, secrets);
    return { path: null, config, digest: configDigest(config) };
  }
  const config = parseConfigText(readConfigFile(path), path, collectors, env, secrets);
  return { path, config, digest: configDigest(config) };
}

function readConfigFile(path: string): string {
  refuseOversized(path, 'config file');
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([
      code === 'ENOENT'
        ? `${path}: config file not found (pass --config, set EVIDENCE_AGENT_CONFIG, or copy config/example.yaml)`
        : `${path}: cannot read the config file (${code ?? (error as Error).message})`,
    ]);
  }
}

/** A config file parsed, before ${ENV} and validation: its collector modules are loaded in between. */
export interface ConfigSource {
  path: string;
  raw: Record<string, unknown>;
}

export function readConfigSource(path: string): ConfigSource {
  return { path, raw: parseRaw(readConfigFile(path), path) };
}

/** A collector section that names a module (`collectors.<id>.module`), its specifier interpolated. */
export interface ModuleSection {
  id: string;
  module: string;
}

/**
 * The sections with `module:`, in file order. Read lazily: a malformed one is reported when the loader
 * reaches it, after the modules before it have loaded, as when the two were one loop.
 */
export function* moduleSections(source: ConfigSource, env: NodeJS.ProcessEnv): Generator<ModuleSection> {
  const sections = source.raw.collectors;
  const moduleIds =
    typeof sections === 'object' && sections !== null && !Array.isArray(sections)
      ? Object.entries(sections as Record<string, unknown>)
          .filter(([, section]) => typeof section === 'object' && section !== null && 'module' in section)
          .map(([id, section]) => [id, (section as { module: unknown }).module] as const)
      : [];
  for (const [id, specifier] of moduleIds) {
    if (typeof specifier !== 'string' || specifier === '') {
      throw new ConfigError([`collectors.${id}.module: expected a module path (./collectors/x.js) or an npm package name, got ${JSON.stringify(specifier)}`]);
    }
    yield { id, module: interpolateEnv(specifier, env, ['collectors', id, 'module']) as string };
  }
}

/**
 * Validates a parsed file against the built-in collectors' schemas and those of the modules it names
 * (`external`, loaded by the registry; `collector: null` for one not loaded, whose section is let through).
 */
export function validateConfigSource(
  source: ConfigSource,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  builtins: readonly Collector<any>[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  external: readonly { id: string; collector: Collector<any> | null }[],
  env: NodeJS.ProcessEnv = process.env,
  secrets: SecretRegistry = agentSecrets,
): ConfigFile {
  const config = validateConfig(source.raw, builtins, external, env, secrets);
  return { path: source.path, config, digest: configDigest(config) };
}

/**
 * Only `store.url` or `store.path`, for the read commands: an auditor reading a store should not need the
 * collectors' secrets in the environment, so the rest of the file is not validated here.
 */
export function loadStorePath(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  refuseOversized(path, 'config file');
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
  const storeUrl: unknown = document.getIn(['store', 'url']);
  if (storeUrl !== undefined) {
    if (typeof storeUrl !== 'string' || !/^postgres(ql)?:\/\//i.test(storeUrl)) {
      throw new ConfigError(['store.url: expected postgres://host[:port]/database']);
    }
    return interpolateEnv(storeUrl, env, ['store', 'url']) as string;
  }
  const storePath: unknown = document.getIn(['store', 'path']);
  if (storePath === undefined) return undefined;
  if (typeof storePath !== 'string' || storePath === '') {
    throw new ConfigError([`store.path: expected a file path, got ${JSON.stringify(storePath)}`]);
  }
  return interpolateEnv(storePath, env, ['store', 'path']) as string;
}
