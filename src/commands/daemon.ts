// `evidence-agent daemon`: runs the configured collectors and the weekly digest on their schedules until
// SIGTERM/SIGINT, with /healthz, /readyz and /metrics.
import { configuredCollectors, openAgent } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { launchDaemon, streamsOf } from '../daemon/launch.js';
import { agentVersion } from '../version.js';

export async function daemonCommand(options: GlobalOptions): Promise<number> {
  // A module that fails to load must not take the daemon down: it runs as failed runs (gaps) instead.
  const agent = await openAgent(options, 'daemon');
  const loaded = agent.loaded!;
  if (loaded.path === null) {
    throw new CliError('daemon: no config (pass --config or set EVIDENCE_AGENT_CONFIG; see config/example.yaml). The demo runs with `evidence-agent demo`.');
  }
  const collectors = configuredCollectors(
    loaded,
    undefined,
    await streamsOf(
      agent.storePath,
      loaded.brokenModules.map((b) => b.id),
    ),
  );
  if (collectors.length === 0) throw new CliError(`${loaded.path}: no collector is configured under collectors: (see config/example.yaml)`);
  const exceptions = agent.exceptions();
  const { frameworks, mappingVersion } = agent;
  const logger = agent.logger();
  for (const broken of loaded.brokenModules)
    logger.error({ collector: broken.id, module: broken.module, err: broken.problem }, 'collector module not loaded: its runs are recorded as failed');
  const running = await launchDaemon(agent, {
    loaded,
    collectors,
    logger,
    frameworks,
    mappingVersion,
    agentVersion: agentVersion(),
    ...(exceptions ? { exceptions } : {}),
  });
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal: the operator wants out now.
    if (signalled) process.exit(130);
    signalled = true;
    running.stop(signal);
  };
  let signalled = false;
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  const code = await running.done;
  process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  return code;
}
