// The registry as a config makes it: the built-in collectors, then the external modules the config names
// (src/plugins/), each imported and checked against the contract and the ids already taken. The config
// itself is read and validated by src/config/; a module's section is validated there by its own schema.
import { dirname } from 'node:path';
import type { Collector } from './collector.js';
import { loadConfig, moduleSections, readConfigSource, validateConfigSource } from './config/index.js';
import type { ConfigFile, ModuleSection } from './config/index.js';
import { ConfigError } from './config/errors.js';
import { ExternalModuleError, loadExternalCollector, takenIds } from './plugins/external-collectors.js';
import type { BrokenModule } from './plugins/external-collectors.js';
import { agentSecrets } from './redaction.js';
import type { SecretRegistry } from './redaction.js';
import { createRegistry } from './registry.js';
import type { Registry } from './registry.js';

export type { BrokenModule } from './plugins/external-collectors.js';

/** The config, read and validated, with the collectors it brings. */
export interface LoadedConfig extends ConfigFile {
  /** Built-in collectors, then those loaded from modules named in the config. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[];
  /** Modules named in the config that could not be used (only when loading tolerates them: the daemon). */
  brokenModules: BrokenModule[];
}

export interface LoadedModules {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collectors: readonly Collector<any>[];
  brokenModules: BrokenModule[];
  /** Each module's id and its collector (null: not loaded), for the config's validation of its section. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  external: { id: string; collector: Collector<any> | null }[];
}

/**
 * The built-in collectors, then each module imported and checked against the contract. A module that
 * cannot be used is a config error naming it, unless `tolerateBrokenModules` (the daemon): then it is
 * listed in `brokenModules` and the rest goes on. `skipModules` imports none (only the rest of the file is wanted).
 */
export async function loadCollectorModules(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  builtins: readonly Collector<any>[],
  modules: Iterable<ModuleSection>,
  configDir: string,
  options: { tolerateBrokenModules?: boolean; skipModules?: boolean } = {},
): Promise<LoadedModules> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const loaded: Collector<any>[] = [];
  const external: LoadedModules['external'] = [];
  const brokenModules: BrokenModule[] = [];
  for (const { id, module } of modules) {
    if (options.skipModules) {
      // Only the rest of the file is wanted (the healthcheck's port): the module's section is not checked.
      external.push({ id, collector: null });
      continue;
    }
    try {
      const found = await loadExternalCollector(id, module, configDir, takenIds([...builtins, ...loaded]));
      loaded.push(found.collector);
      external.push({ id, collector: found.collector });
    } catch (error) {
      if (!(error instanceof ExternalModuleError)) throw error;
      if (!options.tolerateBrokenModules) throw new ConfigError([`collectors.${id}.module: ${error.message}`]);
      brokenModules.push({ id, module, problem: error.message });
      external.push({ id, collector: null });
    }
  }
  return { collectors: [...builtins, ...loaded], brokenModules, external };
}

/**
 * Loads the config and the collector modules it names (`collectors.<id>.module`): the file is read,
 * its modules loaded (loadCollectorModules), then the whole file validated, each module's section by
 * its own options schema. No config (`path` null): the built-in defaults and collectors.
 */
export async function loadConfigWithModules(
  path: string | null,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  builtins: readonly Collector<any>[],
  env: NodeJS.ProcessEnv = process.env,
  options: { tolerateBrokenModules?: boolean; skipModules?: boolean; secrets?: SecretRegistry } = {},
): Promise<LoadedConfig> {
  const secrets = options.secrets ?? agentSecrets;
  if (path === null) return { ...loadConfig(null, builtins, env, secrets), collectors: builtins, brokenModules: [] };
  const source = readConfigSource(path);
  const modules = await loadCollectorModules(builtins, moduleSections(source, env), dirname(path), options);
  const config = validateConfigSource(source, builtins, modules.external, env, secrets);
  return { ...config, collectors: modules.collectors, brokenModules: modules.brokenModules };
}

/** The registry of a loaded config (built-in collectors, then its modules); without a config, the built-in ones. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registryOf(builtins: readonly Collector<any>[], loaded: Pick<LoadedConfig, 'collectors'> | undefined): Registry {
  return createRegistry(builtins, loaded?.collectors ?? builtins);
}
