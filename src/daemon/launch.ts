// Starting the daemon on its store: refused when it is a demo store, its folder made, one writer per SQLite
// file (the lock file), then opened, the coordinator joined and interrupted runs recorded as aborted, in
// that order, so a second daemon stops at the lock before it touches the runs of the first.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from '../cli-error.js';
import { checkStoreFile, isPostgresUrl, openStore } from '../store/index.js';
import type { EvidenceStore } from '../store/types.js';
import { openCoordinator } from './coordination/index.js';
import { startDaemon } from './daemon.js';
import type { DaemonDeps, RunningDaemon } from './daemon.js';
import { acquireStoreLock, LockHeldError } from './lock.js';

/** What the daemon takes of the assembled agent (src/agent.ts) to open its store. */
export interface DaemonStoreAccess {
  storePath: string;
  refuseDemoStore(): Promise<void>;
  openStore(access: 'append'): Promise<EvidenceStore>;
  recoverAbandonedRuns(store: EvidenceStore): Promise<void>;
}

export async function launchDaemon(agent: DaemonStoreAccess, deps: Omit<DaemonDeps, 'store' | 'lock' | 'coordinator'>): Promise<RunningDaemon> {
  const { loaded, logger } = deps;
  const dbPath = agent.storePath;
  await agent.refuseDemoStore();
  // Before the lock file is written beside it: a read-only store or folder is one line, exit 2; a missing
  // folder is made, as a writer's store does.
  checkStoreFile(dbPath, 'write');
  // A PostgreSQL store (store.url) is shared by several agents: leases there coordinate them, not a lock file.
  const shared = isPostgresUrl(dbPath);
  try {
    if (!shared) mkdirSync(dirname(dbPath), { recursive: true });
  } catch (error) {
    throw new CliError(
      `cannot create the folder ${dirname(dbPath)} of the evidence store (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): create it writable for the user running the daemon, or set store.path elsewhere`,
    );
  }
  let lock;
  try {
    if (!shared) lock = acquireStoreLock(dbPath, (reason, holder) => logger.warn({ reason, holder }, 'taking over a stale daemon lock'));
  } catch (error) {
    if (error instanceof LockHeldError) throw new CliError(error.message, 1);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      throw new CliError(
        `cannot create the daemon's lock file ${dbPath}.lock (${code}): make the store's folder writable for the user running the daemon, or set store.path to a writable volume`,
      );
    }
    throw error;
  }
  const store = await agent.openStore('append');
  let coordinator;
  try {
    coordinator = await openCoordinator(shared ? dbPath : undefined, {
      logger,
      jobs: [...deps.collectors.map((c) => c.collector.id), 'digest'],
      leaseMs: loaded.config.daemon.leaseSeconds * 1000,
    });
    await agent.recoverAbandonedRuns(store);
    return await startDaemon({ ...deps, store, lock, coordinator });
  } catch (error) {
    await coordinator?.close();
    await store.close();
    lock?.release();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`http: ${loaded.config.http.host}:${loaded.config.http.port} is in use: set http.port in the config`, 1);
    }
    throw error;
  }
}

/** The streams (scopes) each collector had in the store, so a broken module's gaps land in them. */
export async function streamsOf(dbPath: string, collectorIds: readonly string[]): Promise<Map<string, string[]>> {
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
