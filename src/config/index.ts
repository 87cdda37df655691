export { ConfigError } from './errors.js';
export { DEFAULT_CONFIG_PATH, findConfigPath, loadConfig, loadConfigWithModules, loadStorePath, parseConfigText } from './load.js';
export type { LoadedConfig } from './load.js';
export type { AgentConfig } from './schema.js';
