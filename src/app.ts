// The composition root shared by the commands: config, registry, mappings, store location, logger.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { builtinCollectors } from '../collectors/index.js';
import type { Collector } from './collector.js';
import { CliError } from './cli-error.js';
import { findConfigPath, loadConfig, loadStorePath } from './config/index.js';
import type { LoadedConfig } from './config/index.js';
import { createLogger } from './logging.js';
import type { Logger } from './logging.js';
import { loadBuiltinFrameworks, mappingVersion } from './mapping/load.js';
import type { Framework } from './mapping/load.js';
import type { ConfiguredCollector } from './runner.js';
import { openStore } from './store/index.js';
import type { EvidenceStore } from './store/index.js';

export const DEFAULT_DB_PATH = './data/evidence.db';

export interface GlobalOptions {
  config?: string;
  db?: string;
  verbose?: boolean;
}

export function allCheckIds(collectors: readonly Collector<never>[] = builtinCollectors): Set<string> {
  return new Set(collectors.flatMap((c) => c.checks.map((check) => check.id)));
}

export interface Frameworks {
  frameworks: Framework[];
  version: string;
}

export function loadFrameworks(): Frameworks {
  const frameworks = loadBuiltinFrameworks(allCheckIds());
  return { frameworks, version: mappingVersion(frameworks) };
}

export function pickFramework(frameworks: readonly Framework[], id: string | undefined): Framework[] {
  if (!id) return [...frameworks];
  const found = frameworks.find((f) => f.id === id);
  if (!found) {
    throw new CliError(`--framework: unknown framework "${id}" (known: ${frameworks.map((f) => f.id).join(', ')})`);
  }
  return [found];
}

export function loadAgentConfig(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return loadConfig(findConfigPath(options.config, env), builtinCollectors, env);
}

export function makeLogger(loaded: LoadedConfig | undefined, options: GlobalOptions): Logger {
  return createLogger({ level: options.verbose ? 'debug' : (process.env.LOG_LEVEL ?? loaded?.config.log.level) });
}

/** `--db`, else the config's store path, else ./data/evidence.db. */
export function resolveDbPath(options: GlobalOptions, loaded: LoadedConfig | undefined): string {
  return resolve(options.db ?? loaded?.config.store.path ?? DEFAULT_DB_PATH);
}

/** The store the read commands read: --db, else the config's store.path, else ./data/evidence.db. */
export function readStorePath(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (options.db) return resolve(options.db);
  const configPath = findConfigPath(options.config, env);
  return resolve((configPath && loadStorePath(configPath, env)) ?? DEFAULT_DB_PATH);
}

/**
 * For the read commands: opened read-only (nothing migrates or checkpoints the file being read),
 * and an absent store is a usage error, never silently created.
 */
export function openStoreForReading(options: GlobalOptions): EvidenceStore {
  const path = readStorePath(options);
  if (!existsSync(path)) {
    throw new CliError(
      `no evidence store at ${path}: run \`evidence-agent collect\` (or \`evidence-agent demo\`) first, or pass --db`,
    );
  }
  return openStore(path, { readonly: true });
}

/** The collectors the config enables, with their validated options. */
export function configuredCollectors(loaded: LoadedConfig, only?: string): ConfiguredCollector[] {
  const sections = loaded.config.collectors as Record<string, ({ enabled?: boolean } & object) | undefined>;
  if (only && !builtinCollectors.some((c) => c.id === only)) {
    throw new CliError(
      `--collector: unknown collector "${only}" (known: ${builtinCollectors.map((c) => c.id).join(', ')})`,
    );
  }
  const selected = builtinCollectors.filter((c) => {
    const section = sections[c.id];
    return section !== undefined && section.enabled !== false && (!only || c.id === only);
  });
  if (only && selected.length === 0) {
    throw new CliError(`--collector: "${only}" is not configured (or enabled: false) in ${loaded.path}`);
  }
  return selected.map((collector) => ({
    collector: collector as Collector<unknown>,
    options: sections[collector.id] as ConfiguredCollector['options'],
  }));
}
