// The coordinator an agent uses: in process when it is its store's only writer (SQLite, the default),
// leases in PostgreSQL when the store is PostgreSQL (store.url), so several agents share the schedule.
import type { Logger } from '../../logging.js';
import { LocalCoordinator } from './local.js';
import { PostgresCoordinator } from './postgres.js';
import type { Coordinator } from './types.js';

export async function openCoordinator(
  storeUrl: string | undefined,
  options: { logger: Logger; jobs: readonly string[]; leaseMs?: number },
): Promise<Coordinator> {
  if (!storeUrl) return new LocalCoordinator();
  return PostgresCoordinator.connect(storeUrl, options);
}

export { LocalCoordinator } from './local.js';
export { DEFAULT_LEASE_MS, PostgresCoordinator } from './postgres.js';
export { coordinationMetrics } from './metrics.js';
export type { CoordinationMetrics } from './metrics.js';
export type { Coordinator, HeldLease, Lease, SlotKey } from './types.js';
export { slotName } from './types.js';
export { claimAndRun, runUnderLease, startTakeovers } from './schedule.js';
export type { SlotWork, Takeovers } from './schedule.js';
