// `evidence-agent daemon`: runs the configured collectors and the weekly digest on their schedules until
// SIGTERM/SIGINT, with /healthz, /readyz and /metrics.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { configuredCollectors, loadAgentConfig, makeLogger, resolveDbPath, setupOf } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { openCoordinator } from '../daemon/coordination/index.js';
import { startDaemon } from '../daemon/daemon.js';
import { acquireStoreLock, LockHeldError } from '../daemon/lock.js';
import { checkStoreFile, isPostgresUrl, openStore } from '../store/index.js';
import { agentVersion } from '../version.js';
import { refuseDemoStore } from '../agent-store.js';
import { loadConfiguredExceptions } from '../exceptions/load.js';

export async function daemonCommand(options: GlobalOptions): Promise<number> {
  // A module that fails to load must not take the daemon down: it runs as failed runs (gaps) instead.
  const loaded = await loadAgentConfig(options, process.env, { tolerateBrokenModules: true });
  if (loaded.path === null) {
    throw new CliError('daemon: no config (pass --config or set EVIDENCE_AGENT_CONFIG; see config/example.yaml). The demo runs with `evidence-agent demo`.');
  }
  const dbPath = resolveDbPath(options, loaded);
  const collectors = configuredCollectors(loaded, undefined, await streamsOf(dbPath, loaded.brokenModules.map((b) => b.id)));
  if (collectors.length === 0) throw new CliError(`${loaded.path}: no collector is configured under collectors: (see config/example.yaml)`);
  const exceptions = loaded.config.exceptions ? loadConfiguredExceptions(loaded.path, loaded.config.exceptions) : undefined;
  const { frameworks, mappingVersion } = setupOf(loaded);
  const logger = makeLogger(loaded, options);
  for (const broken of loaded.brokenModules) logger.error({ collector: broken.id, module: broken.module, err: broken.problem }, 'collector module not loaded: its runs are recorded as failed');
  await refuseDemoStore(dbPath);
  // Before the lock file is written beside it: a read-only store or folder is one line, exit 2; a missing
  // folder is made, as a writer's store does.
  checkStoreFile(dbPath, 'write');
  // A PostgreSQL store (store.url) is shared by several agents: leases there coordinate them, not a lock file.
  const shared = isPostgresUrl(dbPath);
  try {
    if (!shared) mkdirSync(dirname(dbPath), { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create the folder ${dirname(dbPath)} of the evidence store (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): create it writable for the user running the daemon, or set store.path elsewhere`);
  }
  let lock;
  try {
    if (!shared) lock = acquireStoreLock(dbPath, (reason, holder) => logger.warn({ reason, holder }, 'taking over a stale daemon lock'));
  } catch (error) {
    if (error instanceof LockHeldError) throw new CliError(error.message, 1);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      throw new CliError(`cannot create the daemon's lock file ${dbPath}.lock (${code}): make the store's folder writable for the user running the daemon, or set store.path to a writable volume`);
    }
    throw error;
  }
  const store = openStore(dbPath);
  let daemon;
  let coordinator;
  try {
    coordinator = await openCoordinator(shared ? dbPath : undefined, { logger, jobs: [...collectors.map((c) => c.collector.id), 'digest'], leaseMs: loaded.config.daemon.leaseSeconds * 1000 });
    for (const run of await store.recoverAbandonedRuns(new Date())) {
      logger.warn({ run: run.seq, collector: run.collector, scope: run.scope }, 'recorded an interrupted run as aborted');
    }
    daemon = await startDaemon({
      loaded,
      collectors,
      store,
      lock,
      logger,
      frameworks,
      mappingVersion,
      agentVersion: agentVersion(),
      coordinator,
      ...(exceptions ? { exceptions } : {}),
    });
  } catch (error) {
    await coordinator?.close();
    await store.close();
    lock?.release();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`http: ${loaded.config.http.host}:${loaded.config.http.port} is in use: set http.port in the config`, 1);
    }
    throw error;
  }
  const running = daemon;
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

/** The streams (scopes) each collector had in the store, so a broken module's gaps land in them. */
async function streamsOf(dbPath: string, collectorIds: readonly string[]): Promise<Map<string, string[]>> {
  const scopes = new Map<string, string[]>();
  if (collectorIds.length === 0 || !existsSync(dbPath)) return scopes;
  const store = openStore(dbPath, { readonly: true });
  try {
    for (const id of collectorIds) scopes.set(id, [...new Set((await store.listRuns({ collector: id })).map((r) => r.scope))]);
  } finally {
    await store.close();
  }
  return scopes;
}
