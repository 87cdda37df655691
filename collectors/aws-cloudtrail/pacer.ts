// Client-side pacing of LookupEvents: AWS allows 2 requests per second per account and region, and
// throttles beyond that. Every HTTP attempt of a region (retries included) waits for its slot, spaced
// at least 1000 / requestsPerSecond ms (plus a margin) after the previous one of the same region, so the run never
// trips the quota instead of retrying into it. Regions are paced independently and run concurrently.
import type { ClientPlugin } from '../_aws/client-plugin.js';

/**
 * Added to each gap: our clock and AWS's are not the same, and a request's latency varies by a few ms,
 * so calls spaced exactly 500 ms apart here can land 3 within one second there (seen against the
 * sandbox's strict limiter: 4 throttled calls in 20). 5% slower, never throttled.
 */
export const PACING_MARGIN_MS = 25;

/** Where the pacer reads the time and waits: real time in production, a virtual clock in tests. */
export interface PacerClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * The turns of one region: callers queue, and each turn starts at least `intervalMs` after the previous
 * one started, measured on the pacer's clock when the turn is granted (not when it was asked for), so a
 * late caller never shortens the next gap.
 */
export class RegionPacer {
  readonly intervalMs: number;
  private last = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    requestsPerSecond: number,
    private readonly clock: PacerClock,
  ) {
    this.intervalMs = 1000 / requestsPerSecond + PACING_MARGIN_MS;
  }

  take(signal: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      signal.throwIfAborted();
      const wait = this.last + this.intervalMs - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait, signal);
      this.last = this.clock.now();
    });
    // A caller that gave up (aborted) does not hold up the ones behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/** Makes every HTTP attempt of a client (inside the retry loop) take a slot of `pacer` first. */
export function pacingPlugin(pacer: RegionPacer, signal: AbortSignal): ClientPlugin {
  return {
    applyToStack(stack) {
      stack.addRelativeTo(
        <Args, Output>(next: (args: Args) => Promise<Output>) =>
          async (args: Args) => {
            await pacer.take(signal);
            return next(args);
          },
        { name: 'evidenceAgentLookupPacer', relation: 'after', toMiddleware: 'retryMiddleware', override: true },
      );
    },
  };
}
