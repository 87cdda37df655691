// The fleet's day of slots on real PostgreSQL leases, time-compressed: `agents` coordinators (each with a
// pool of its own, as separate pods have) walk every collector's scopes as the daemon's jobs do (the
// collectors side by side, each one's scopes in turn), claim each slot, hold it for its measured duration
// divided by `compress`, and complete it. What it measures is the coordination itself: every slot won
// exactly once, the split between agents, what a claim costs, and the day's makespan (x compress).
import { PostgresCoordinator } from '../src/daemon/coordination/index.js';
import { silentLogger } from '../src/logging.js';

export interface SlotSpec {
  job: string;
  scope: string;
  seconds: number;
}

export interface LeaseDay {
  agents: number;
  slots: number;
  /** Slots won more than once (must be 0) and never (must be 0). */
  duplicates: number;
  unclaimed: number;
  perAgent: number[];
  claimMs: { p50: number; p95: number };
  /** The compressed day's wall time, times the compression: the makespan the leases give. */
  makespanSeconds: number;
}

export async function leaseDay(url: string, agents: number, slots: readonly SlotSpec[], compress: number): Promise<LeaseDay> {
  const jobs = [...new Set(slots.map((s) => s.job))];
  const coordinators = await Promise.all(
    Array.from({ length: agents }, () => PostgresCoordinator.connect(url, { logger: silentLogger(), jobs, leaseMs: 60_000 })),
  );
  const wins = new Map<string, number>();
  const perAgent = Array.from({ length: agents }, () => 0);
  const claimTimes: number[] = [];
  const slot = 'tick:fleet-day';
  const started = performance.now();
  try {
    await Promise.all(
      coordinators.flatMap((coordinator, agent) =>
        jobs.map(async (job) => {
          for (const spec of slots.filter((s) => s.job === job)) {
            const asked = performance.now();
            const lease = await coordinator.claim({ job, scope: spec.scope, slot });
            claimTimes.push(performance.now() - asked);
            if (!lease) continue;
            const key = `${job} ${spec.scope}`;
            wins.set(key, (wins.get(key) ?? 0) + 1);
            perAgent[agent]! += 1;
            await new Promise((resolve) => setTimeout(resolve, (spec.seconds * 1000) / compress));
            await lease.complete();
          }
        }),
      ),
    );
  } finally {
    await Promise.all(coordinators.map((c) => c.close()));
  }
  const sorted = claimTimes.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    agents,
    slots: slots.length,
    duplicates: [...wins.values()].filter((n) => n > 1).length,
    unclaimed: slots.length - wins.size,
    perAgent,
    claimMs: { p50: at(0.5), p95: at(0.95) },
    makespanSeconds: ((performance.now() - started) / 1000) * compress,
  };
}
