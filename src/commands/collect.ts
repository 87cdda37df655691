// `evidence-agent collect`: one run of every configured collector (or of --collector), now.
// With no config at all it runs the built-in demo estate instead, so a fresh clone shows the flow.
import { configuredCollectors, openAgent, uncitedModuleChecks } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { awsCredentialSources } from '../../collectors/_aws/credential-sources.js';
import { CliError } from '../cli-error.js';
import { findConfigPath } from '../config/index.js';
import { collectNow } from '../collect-now.js';
import { agentVersion } from '../version.js';
import { demoCommand } from './demo.js';
import { print, printError, printJson } from './print.js';
import { runLine } from './run-summary.js';

export interface CollectOptions extends GlobalOptions {
  collector?: string;
  /** The runs recorded (as `runs --json` shows them) and the runs that could not be recorded, as JSON. */
  json?: boolean;
}

export async function collectCommand(options: CollectOptions): Promise<number> {
  // No config at all: the demo, which assembles the agent its own way (no config, a demo store).
  if (findConfigPath(options.config, process.env) === null) {
    const credentials = awsCredentialSources(process.env);
    if (credentials.length > 0) {
      // Credentials but no config is a deployment gone wrong, not a newcomer: never exit 0 on the demo.
      throw new CliError(
        `no config (--config, EVIDENCE_AGENT_CONFIG or ./config/evidence-agent.yaml) although AWS credentials are set (${credentials.join(', ')}): copy config/example.yaml and name your accounts`,
      );
    }
    process.stderr.write(
      'evidence-agent: no config (--config, EVIDENCE_AGENT_CONFIG or ./config/evidence-agent.yaml); ' + 'collecting from the built-in demo estate instead.\n',
    );
    return demoCommand(options);
  }
  const agent = await openAgent(options, 'collect');
  const loaded = agent.loaded!;
  const collectors = configuredCollectors(loaded, options.collector);
  if (collectors.length === 0) {
    throw new CliError(`${loaded.path}: no collector is configured under collectors: (see config/example.yaml)`);
  }
  const uncited = uncitedModuleChecks(agent);
  if (uncited.length > 0) {
    printError(`warning: no control cites ${uncited.join(', ')}: they evidence nothing until a control set (controlSets:) names them`);
  }
  // Read before anything is written: a bad exceptions file is a config error.
  const exceptions = agent.exceptions();
  const logger = agent.logger();
  const store = await agent.openStore('collect');
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    logger.warn({ signal }, 'stopping: runs in progress are recorded as aborted');
    stop.abort(new Error(`agent stopped by ${signal}`));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    const context = { store, logger, agentVersion: agentVersion(), mappingVersion: agent.mappingVersion, configDigest: loaded.digest, signal: stop.signal };
    const { runs, unrecorded } = await collectNow(
      collectors,
      { ...context, ...(exceptions ? { exceptions } : {}), mappings: agent.frameworks, storeBusyWaitMs: loaded.config.store.busyWaitSeconds * 1000 },
      { quiet: options.quiet === true },
    );
    if (options.json) printJson({ runs, unrecorded });
    else for (const run of runs) print(runLine(run));
    for (const line of unrecorded) printError(`run not recorded: ${line}`);
    return unrecorded.length > 0 || runs.some((r) => r.status === 'failed' || r.status === 'aborted') ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await store.close();
  }
}
