// The daemon's side of the shared schedule: a slot runs only under its lease, stops when the agent stops or
// the lease is lost, and is then done (it ran, its run recorded whatever its status) or handed on at once
// (the agent stopped mid-run: another agent runs the slot). Survivors poll for slots whose holder stopped
// renewing and run each they take over.
import type { Logger } from '../../logging.js';
import type { Coordinator, Lease, SlotKey } from './types.js';
import { slotName } from './types.js';

export type SlotWork = (signal: AbortSignal) => Promise<void>;

export async function runUnderLease(lease: Lease, stopping: AbortSignal, logger: Logger, work: SlotWork): Promise<void> {
  const signal = AbortSignal.any([stopping, lease.lost]);
  try {
    await work(signal);
  } finally {
    try {
      if (stopping.aborted && !lease.lost.aborted) await lease.abandon();
      else await lease.complete();
    } catch (error) {
      logger.error({ slot: slotName(lease.key), err: (error as Error).message }, 'lease not released: it expires by itself');
    }
  }
}

/** Claims the slot and runs it; false when another agent holds it, has run it, or the claim failed. */
export async function claimAndRun(coordinator: Coordinator, key: SlotKey, stopping: AbortSignal, logger: Logger, work: SlotWork): Promise<boolean> {
  let lease: Lease | null;
  try {
    lease = await coordinator.claim(key);
  } catch (error) {
    logger.error({ slot: slotName(key), err: (error as Error).message }, 'could not claim the slot (the leases are unreachable): this agent does not run it');
    return false;
  }
  if (!lease) {
    logger.debug({ slot: slotName(key) }, 'slot held or already run by another agent');
    return false;
  }
  await runUnderLease(lease, stopping, logger, work);
  return true;
}

export interface Takeovers {
  /** Slots taken over and still running. */
  running(): number;
  /** Stops polling; resolves when the slots taken over have ended. */
  stop(): Promise<void>;
}

/** Polls every `intervalMs` for slots whose holder stopped renewing; runs each taken over with `run`. */
export function startTakeovers(
  coordinator: Coordinator,
  options: { intervalMs: number; stopping: AbortSignal; logger: Logger; run: (lease: Lease, signal: AbortSignal) => Promise<void> },
): Takeovers {
  const { stopping, logger } = options;
  const running = new Set<Promise<void>>();
  let polling = false;
  const poll = async () => {
    if (polling || stopping.aborted) return;
    polling = true;
    try {
      for (;;) {
        const leases = await coordinator.takeOver();
        if (leases.length === 0) break;
        for (const lease of leases) {
          logger.warn({ slot: slotName(lease.key), from: lease.takenOverFrom }, 'taking over a slot whose agent stopped renewing its lease');
          const done = runUnderLease(lease, stopping, logger, (signal) => options.run(lease, signal)).catch((error: unknown) =>
            logger.error({ slot: slotName(lease.key), err: (error as Error).message }, 'slot taken over failed'),
          );
          running.add(done);
          void done.finally(() => running.delete(done));
        }
      }
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'could not look for slots to take over (the leases are unreachable)');
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), options.intervalMs);
  timer.unref();
  return {
    running: () => running.size,
    async stop() {
      clearInterval(timer);
      while (polling) await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.allSettled([...running]);
    },
  };
}
