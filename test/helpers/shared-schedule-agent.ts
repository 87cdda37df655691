// One of several daemons sharing a store and its schedule (test/failover.test.ts): the daemon assembled as
// `evidence-agent daemon` assembles it, on the PostgreSQL store given on the command line (its leases there).
// Usage: shared-schedule-agent.ts <config.yaml> <postgres url> <lease ms>
import { configuredCollectors, loadAgentConfig, makeLogger, setupOf } from '../../src/app.js';
import { digestPeriod, renderDigest } from '../../src/commands/digest.js';
import { PostgresCoordinator } from '../../src/daemon/coordination/index.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { openStore } from '../../src/store/index.js';

const [configPath, storeUrl, leaseMs] = process.argv.slice(2);
if (!configPath || !storeUrl) throw new Error('usage: shared-schedule-agent.ts <config> <postgres url> <lease ms>');
const loaded = await loadAgentConfig({ config: configPath });
const logger = makeLogger(loaded, {});
const collectors = configuredCollectors(loaded);
const { frameworks, mappingVersion } = setupOf(loaded);
const store = openStore(storeUrl);
for (const run of await store.recoverAbandonedRuns(new Date())) logger.warn({ run: run.seq }, 'recorded an interrupted run as aborted');
const coordinator = await PostgresCoordinator.connect(storeUrl, { logger, jobs: [...collectors.map((c) => c.collector.id), 'digest'], leaseMs: Number(leaseMs ?? 60_000) });
const daemon = await startDaemon({
  loaded,
  collectors,
  store,
  logger,
  frameworks,
  mappingVersion,
  agentVersion: 'test',
  coordinator,
  digest: async (s) => ({ rendered: await renderDigest(s, digestPeriod({}, loaded.config.timezone), setupOf(loaded)) }),
});
process.on('SIGTERM', () => daemon.stop('SIGTERM'));
process.exitCode = await daemon.done;
