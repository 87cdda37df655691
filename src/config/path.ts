// Where the config file is: kept apart from the loader so that light commands (the healthcheck) find
// it without loading the schema of every collector.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const DEFAULT_CONFIG_PATH = './config/evidence-agent.yaml';

/** `--config`, else EVIDENCE_AGENT_CONFIG, else ./config/evidence-agent.yaml when it exists. */
export function findConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (explicit) return resolve(explicit);
  if (env.EVIDENCE_AGENT_CONFIG) return resolve(env.EVIDENCE_AGENT_CONFIG);
  return existsSync(DEFAULT_CONFIG_PATH) ? resolve(DEFAULT_CONFIG_PATH) : null;
}
