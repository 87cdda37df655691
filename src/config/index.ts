export { ConfigError } from './errors.js';
export {
  DEFAULT_CONFIG_PATH,
  findConfigPath,
  loadConfig,
  loadStorePath,
  moduleSections,
  parseConfigText,
  readConfigSource,
  validateConfigSource,
} from './load.js';
export type { ConfigFile, ConfigSource, ModuleSection } from './load.js';
export type { AgentConfig } from './schema.js';
