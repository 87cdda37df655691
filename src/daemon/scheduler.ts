// The daemon's schedules: one job per collector and one for the digest, each on its cron expression in
// the configured time zone (node-cron). A job never overlaps itself (a tick while it runs is skipped and
// counted), each start is delayed by a random jitter so many agents do not hit one API at the same
// second, and stopping waits for running jobs. Cadences come from src/schedule.ts (node-cron too).
import { createTask, validate } from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { Logger } from '../logging.js';
import { longestIntervalMs } from '../schedule.js';

export interface Job {
  name: string;
  cron: string;
  /** Runs the job; the signal aborts a jitter wait that has not started the work yet. */
  run(): Promise<void>;
}

export interface SchedulerOptions {
  timeZone: string;
  /** Upper bound of the random delay before each scheduled start. */
  jitterMs: number;
  logger: Logger;
  /** Injected for tests: a number in [0, 1). */
  random?: () => number;
  onSkipped?: (job: string, reason: 'overlap') => void;
}

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

export class Scheduler {
  private readonly jobs = new Map<string, { job: Job; task: ScheduledTask | null }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  add(job: Job): void {
    if (!validate(job.cron)) throw new ScheduleError(`${job.name}: "${job.cron}" is not a cron expression (minute hour day month weekday)`);
    if (this.jobs.has(job.name)) throw new ScheduleError(`${job.name}: scheduled twice`);
    this.jobs.set(job.name, { job, task: null });
  }

  get names(): string[] {
    return [...this.jobs.keys()];
  }

  /** Starts every schedule. */
  start(): void {
    for (const [name, entry] of this.jobs) {
      const task = createTask(entry.job.cron, () => void this.fire(name, true), { timezone: this.options.timeZone, name });
      task.start();
      entry.task = task;
    }
  }

  /** The longest interval between two consecutive scheduled starts of a job (its cadence; src/schedule.ts). */
  cadenceMs(name: string): number {
    const cron = this.jobs.get(name)?.job.cron;
    if (!cron) throw new ScheduleError(`no job ${name}`);
    return longestIntervalMs(cron);
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Runs a job now (a catch-up after downtime), unless it is already running; no jitter. */
  runNow(name: string): Promise<void> {
    return this.fire(name, false);
  }

  private async fire(name: string, jittered: boolean): Promise<void> {
    const entry = this.jobs.get(name);
    if (!entry || this.stopped) return;
    if (this.running.has(name)) {
      this.options.logger.warn({ job: name }, 'previous run still going: this tick is skipped');
      this.options.onSkipped?.(name, 'overlap');
      return;
    }
    const execution = (async () => {
      if (jittered && this.options.jitterMs > 0) {
        const delay = Math.floor((this.options.random ?? Math.random)() * this.options.jitterMs);
        await this.sleep(delay);
        if (this.stopped) return;
      }
      try {
        await entry.job.run();
      } catch (error) {
        this.options.logger.error({ job: name, err: (error as Error).message }, 'job failed');
      }
    })();
    this.running.set(name, execution);
    try {
      await execution;
    } finally {
      this.running.delete(name);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wait = {
        resolve: () => {
          this.waits.delete(wait);
          resolve();
        },
        timer: setTimeout(() => wait.resolve(), ms),
      };
      this.waits.add(wait);
    });
  }

  /** Stops scheduling (jitter waits end without starting their job); resolves when the running jobs end. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.jobs.values()) await entry.task?.destroy();
    for (const wait of [...this.waits]) {
      clearTimeout(wait.timer);
      wait.resolve();
    }
    await Promise.allSettled([...this.running.values()]);
  }

  /** The jobs still running. */
  runningJobs(): string[] {
    return [...this.running.keys()];
  }
}
