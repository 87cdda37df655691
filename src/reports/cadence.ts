// How many days one snapshot of a collector stays valid, from its cron schedule: the longest stretch
// between two days it runs on, as node-cron (which runs the daemon's schedules) reads the expression
// (src/schedule.ts). A weekly schedule's snapshot covers 7 days, weekdays 3, a monthly one 31.
import { cadenceDays } from '../schedule.js';

export { cadenceDays };

/**
 * Cadence in days of each collector: its configured schedule, else its default one (a collector not in
 * the registry is taken as daily).
 */
export function collectorCadence(
  collectors: readonly { id: string; defaultSchedule: string }[],
  sections: Record<string, { schedule?: string } | undefined> = {},
): (collectorId: string) => number {
  return (id) => cadenceDays(sections[id]?.schedule ?? collectors.find((c) => c.id === id)?.defaultSchedule ?? '0 3 * * *');
}
