// The composition root: `openAgent(options, mode)` builds, once, what a command, the daemon or the bench
// works with (config, registry, frameworks, exceptions, secrets, logger, the store's opening); the
// helpers below are its parts.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadControlSet } from './mapping/control-set.js';
import { builtinCollectors } from '../collectors/index.js';
import type { Collector } from './collector.js';
import { CliError } from './cli-error.js';
import { ConfigError, findConfigPath, loadStorePath } from './config/index.js';
import { brokenCollector } from './plugins/external-collectors.js';
import { loadConfigWithModules, registryOf } from './registry-load.js';
import type { LoadedConfig } from './registry-load.js';
import { createLogger, logFormat } from './logging.js';
import type { Logger } from './logging.js';
import { loadBuiltinFrameworks, mappingVersion, uncitedChecks } from './mapping/load.js';
import type { Framework } from './mapping/load.js';
import type { ConfiguredCollector } from './runner.js';
import { isPostgresUrl, storeLocation as configuredStoreLocation } from './store/index.js';
import { openEvidenceStore, prepareDemoStore, refuseDemoStore } from './agent-store.js';
import { loadConfiguredExceptions } from './exceptions/load.js';
import type { ExceptionsEvidence } from './exceptions/schema.js';
import { agentSecrets } from './redaction.js';
import type { SecretRegistry } from './redaction.js';
import type { Registry } from './registry.js';
import { terminalLine } from './terminal-text.js';
import type { EvidenceStore } from './store/index.js';

export const DEFAULT_DB_PATH = './data/evidence.db';

export interface GlobalOptions {
  config?: string;
  db?: string;
  verbose?: boolean;
  /** json or pretty (default: pretty on a terminal, else JSON; LOG_FORMAT). */
  logFormat?: string;
  /** No progress bars (they are drawn on a terminal only). */
  quiet?: boolean;
}

export function allCheckIds(collectors: readonly Collector[] = builtinCollectors): Set<string> {
  return new Set(collectors.flatMap((c) => c.checks.map((check) => check.id)));
}

export interface Frameworks {
  frameworks: Framework[];
  version: string;
}

/**
 * The built-in frameworks, then the control sets the config names (paths relative to the config file),
 * checked against the check ids of `collectors` (built-in and loaded ones).
 */
export function loadFrameworks(collectors: readonly Collector[] = builtinCollectors, loaded?: LoadedConfig): Frameworks {
  const checkIds = allCheckIds(collectors);
  const builtin = loadBuiltinFrameworks(checkIds);
  const frameworks = [...builtin];
  for (const file of loaded?.config.controlSets ?? []) {
    frameworks.push(loadControlSet(resolve(dirname(loaded!.path!), file), checkIds, builtin, frameworks));
  }
  return { frameworks, version: mappingVersion(frameworks) };
}

/** What the commands work with: the config (when there is one), every collector, every framework. */
export interface AgentSetup {
  loaded: LoadedConfig | undefined;
  collectors: readonly Collector[];
  frameworks: Framework[];
  mappingVersion: string;
}

/**
 * For the read commands: the config when one exists (else built-in defaults), with its collector modules;
 * a module that cannot load is reported on stderr and left out, so a store can still be read.
 */
export async function readerSetup(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env, secretsNeeded = false): Promise<AgentSetup> {
  const path = findConfigPath(options.config, env);
  const loaded =
    !path || !existsSync(path)
      ? undefined
      : secretsNeeded
        ? await loadAgentConfig(options, env, { tolerateBrokenModules: true })
        : await readerConfig(options, env);
  for (const broken of loaded?.brokenModules ?? []) process.stderr.write(`evidence-agent: warning: collectors.${broken.id}: ${terminalLine(broken.problem)}\n`);
  return setupOf(loaded);
}

/** Checks of loaded modules that no framework or control set cites: they would evidence nothing. */
export function uncitedModuleChecks(setup: AgentSetup): string[] {
  const modules = setup.collectors.filter((c) => !builtinCollectors.includes(c));
  return uncitedChecks(
    setup.frameworks,
    modules.flatMap((c) => c.checks.filter((k) => !k.controlFromScope).map((k) => k.id)),
  );
}

/**
 * Readers need the time zone, schedules, modules and control sets, never a secret: when the collectors'
 * secrets are not in the environment (an auditor's machine), the config is read with a stand-in value
 * for every unset variable rather than refused.
 */
async function readerConfig(options: GlobalOptions, env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  try {
    return await loadAgentConfig(options, env, { tolerateBrokenModules: true });
  } catch (error) {
    if (!(error instanceof ConfigError) || !error.lines.some((line) => line.includes('environment variable'))) throw error;
    const standIns = new Proxy(env, {
      get: (target, name) => (typeof name === 'string' && !target[name] ? `https://unset.invalid/${name}` : target[name as string]),
    });
    return loadAgentConfig(options, standIns, { tolerateBrokenModules: true }).catch(() => Promise.reject(error));
  }
}

export function setupOf(loaded: LoadedConfig | undefined): AgentSetup {
  const collectors = (loaded?.collectors ?? builtinCollectors) as readonly Collector[];
  const { frameworks, version } = loadFrameworks(collectors, loaded);
  return { loaded, collectors, frameworks, mappingVersion: version };
}

export function pickFramework(frameworks: readonly Framework[], id: string | undefined): Framework[] {
  if (!id) return [...frameworks];
  const found = frameworks.find((f) => f.id === id);
  if (!found) {
    throw new CliError(`--framework: unknown framework "${id}" (known: ${frameworks.map((f) => f.id).join(', ')})`);
  }
  return [found];
}

/** The config and the collector modules it names; see loadConfigWithModules for broken modules. */
export async function loadAgentConfig(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  load: { tolerateBrokenModules?: boolean; skipModules?: boolean } = {},
): Promise<LoadedConfig> {
  return loadConfigWithModules(findConfigPath(options.config, env), builtinCollectors, env, load);
}

export function makeLogger(loaded: LoadedConfig | undefined, options: GlobalOptions): Logger {
  return createLogger({ level: options.verbose ? 'debug' : (process.env.LOG_LEVEL ?? loaded?.config.log.level), format: logFormat(options.logFormat) });
}

/** A SQLite path made absolute; a postgres:// URL as it is. */
function storeLocation(value: string): string {
  return isPostgresUrl(value) ? value : resolve(value);
}

/** `--db`, else the config's store (store.url, else store.path), else ./data/evidence.db. */
export function resolveDbPath(options: GlobalOptions, loaded: LoadedConfig | undefined): string {
  return storeLocation(options.db ?? (loaded ? configuredStoreLocation(loaded.config.store) : DEFAULT_DB_PATH));
}

/** The store the read commands read: --db, else the config's store.url or store.path, else ./data/evidence.db. */
export function readStorePath(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (options.db) return storeLocation(options.db);
  const configPath = findConfigPath(options.config, env);
  return storeLocation((configPath && loadStorePath(configPath, env)) ?? DEFAULT_DB_PATH);
}

/** A SQLite file that exists, or a PostgreSQL URL (whose database says for itself whether it holds a store). */
export function storeExists(location: string): boolean {
  return isPostgresUrl(location) || existsSync(location);
}

/**
 * For the read commands: opened read-only (nothing migrates or checkpoints the file being read),
 * and an absent store is a usage error, never silently created.
 */
export function openStoreForReading(options: GlobalOptions): EvidenceStore {
  const path = readStorePath(options);
  if (!storeExists(path)) {
    throw new CliError(`no evidence store at ${path}: run \`evidence-agent collect\` (or \`evidence-agent demo\`) first, or pass --db`);
  }
  return openEvidenceStore(path, { readonly: true });
}

/**
 * The collectors the config enables, with their validated options. A module that failed to load
 * (daemon) stands in as a collector whose every run fails with the load error, on the streams it had.
 */
export function configuredCollectors(loaded: LoadedConfig, only?: string, brokenScopes: ReadonlyMap<string, string[]> = new Map()): ConfiguredCollector[] {
  const sections = loaded.config.collectors as Record<string, ({ enabled?: boolean; schedule?: string } & object) | undefined>;
  const scheduled = loaded.collectors.filter((c) => !c.recordedOnDemand);
  if (only && loaded.collectors.some((c) => c.id === only && c.recordedOnDemand)) {
    throw new CliError(`--collector: ${only} is not collected on a schedule; record its evidence with \`evidence-agent attest\``);
  }
  if (only && !scheduled.some((c) => c.id === only)) {
    throw new CliError(`--collector: unknown collector "${only}" (known: ${scheduled.map((c) => c.id).join(', ')})`);
  }
  const standIns = loaded.brokenModules
    .filter((b) => sections[b.id]?.enabled !== false && (!only || b.id === only))
    .map((b) => ({
      collector: brokenCollector(b, brokenScopes.get(b.id) ?? [], sections[b.id]?.schedule),
      options: sections[b.id] as ConfiguredCollector['options'],
    }));
  const selected = scheduled.filter((c) => {
    const section = sections[c.id];
    return section !== undefined && section.enabled !== false && (!only || c.id === only);
  });
  if (only && selected.length === 0 && standIns.length === 0) {
    throw new CliError(`--collector: "${only}" is not configured (or enabled: false) in ${loaded.path}`);
  }
  return [
    ...selected.map((collector) => ({
      collector,
      options: sections[collector.id] as ConfiguredCollector['options'],
    })),
    ...standIns,
  ];
}

/**
 * What a command needs of the agent, and so how it is assembled:
 * - `read`: the config when one exists, without its secrets (an auditor's machine); the store read-only.
 * - `store`: the store alone, read-only (`runs`, `verify`): found by --db or the config's store section, no other part
 *   of the config read, so its collectors and frameworks are the built-in ones.
 * - `deliver`: the same with the config's secrets (the digest's webhook and SMTP); it may append to the store.
 * - `collect`: the config is required and every module must load; real evidence (no demo store).
 * - `record`: the config when one exists, a broken module left out (attest; doctor, which reports it); real evidence.
 * - `daemon`: like collect, but a module that fails to load runs as failed runs instead of stopping it.
 * - `demo`: no config; the built-in collectors and frameworks; a demo store.
 */
export type AgentMode = 'read' | 'store' | 'deliver' | 'collect' | 'record' | 'daemon' | 'demo';

/** How a command opens the store: read it, append records about it (digests, exports, reviews), or collect into it. */
export type StoreAccess = 'read' | 'append' | 'collect';

export interface Agent extends AgentSetup {
  mode: AgentMode;
  registry: Registry;
  /** The secrets registry every log line and stored text is redacted by. */
  secrets: SecretRegistry;
  /** Where the store is: --db, else the config's store.path, else ./data/evidence.db (found when first read). */
  readonly storePath: string;
  /** The config's exceptions file, read and validated (undefined without one); read once. */
  exceptions(): ExceptionsEvidence | undefined;
  /** The logger (level from --verbose, LOG_LEVEL or the config); made once. */
  logger(): Logger;
  /** Real evidence never goes into a demo store: refuses one at storePath (the daemon, before its lock file). */
  refuseDemoStore(): Promise<void>;
  /** Records the runs an interrupted process left open as aborted, each logged. */
  recoverAbandonedRuns(store: EvidenceStore): Promise<void>;
  /**
   * The store, opened as `access` asks: `read` read-only and only when it exists; `append` writable;
   * `collect` writable after refusing a demo store (or, in demo mode, replacing only a demo store), with
   * runs an interrupted process left open recorded as aborted.
   */
  openStore(access: StoreAccess): Promise<EvidenceStore>;
}

/**
 * Assembles the agent once for a command, the daemon or the bench; nothing is written before the config is
 * known to be good. The config is read here; the frameworks and the store's location on first use, so a
 * command's own usage errors keep their place before them.
 */
export async function openAgent(options: GlobalOptions, mode: AgentMode, env: NodeJS.ProcessEnv = process.env): Promise<Agent> {
  const reads = mode === 'read' || mode === 'deliver' || mode === 'store';
  let setup = mode === 'read' || mode === 'deliver' ? await readerSetup(options, env, mode === 'deliver') : undefined;
  const loaded =
    mode === 'demo' || mode === 'store'
      ? undefined
      : setup
        ? setup.loaded
        : await loadAgentConfig(options, env, mode === 'collect' ? {} : { tolerateBrokenModules: true });
  const setupNow = () => (setup ??= setupOf(loaded));
  const collectors = (loaded?.collectors ?? builtinCollectors) as readonly Collector[];
  const registry = registryOf(builtinCollectors, loaded);
  let storePath: string | undefined;
  let exceptions: { value: ExceptionsEvidence | undefined } | undefined;
  let logger: Logger | undefined;
  const agent: Agent = {
    loaded,
    collectors,
    get frameworks() {
      return setupNow().frameworks;
    },
    get mappingVersion() {
      return setupNow().mappingVersion;
    },
    mode,
    registry,
    secrets: agentSecrets,
    get storePath() {
      storePath ??= reads ? readStorePath(options, env) : resolveDbPath(options, loaded);
      return storePath;
    },
    exceptions() {
      exceptions ??= { value: loaded?.path && loaded.config.exceptions ? loadConfiguredExceptions(loaded.path, loaded.config.exceptions) : undefined };
      return exceptions.value;
    },
    logger() {
      // The demo's output is its summary: its logs say only what went wrong unless asked for more.
      logger ??=
        mode === 'demo'
          ? createLogger({ level: options.verbose ? 'debug' : (process.env.LOG_LEVEL ?? 'warn'), format: logFormat(options.logFormat) }).child({ demo: true })
          : makeLogger(loaded, options);
      return logger;
    },
    refuseDemoStore: () => refuseDemoStore(agent.storePath),
    async recoverAbandonedRuns(store) {
      for (const run of await store.recoverAbandonedRuns(new Date())) {
        agent.logger().warn({ run: run.seq, collector: run.collector, scope: run.scope }, 'recorded an interrupted run as aborted');
      }
    },
    async openStore(access) {
      if (access === 'read') return openStoreForReading(options);
      if (access === 'append') return openEvidenceStore(agent.storePath);
      if (mode === 'demo') {
        await prepareDemoStore(agent.storePath);
        return openEvidenceStore(agent.storePath, { kind: 'demo' });
      }
      await refuseDemoStore(agent.storePath);
      const store = openEvidenceStore(agent.storePath);
      if (mode === 'record') return store;
      try {
        await agent.recoverAbandonedRuns(store);
      } catch (error) {
        await store.close();
        throw error;
      }
      return store;
    },
  };
  return agent;
}
