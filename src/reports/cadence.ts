// How many days one snapshot of a collector stays valid, from its cron schedule: a weekly schedule's
// snapshot covers 7 days, a monthly one 31; anything run daily or more often covers its own day.
export function cadenceDays(cron: string): number {
  const fields = cron.trim().split(/\s+/);
  // Five fields (minute hour day-of-month month day-of-week); a sixth leading field is seconds.
  const [dayOfMonth, , dayOfWeek] = fields.length === 6 ? fields.slice(3) : fields.slice(2);
  if (dayOfMonth !== undefined && dayOfMonth !== '*' && !dayOfMonth.startsWith('*/')) return 31;
  if (dayOfWeek !== undefined && dayOfWeek !== '*' && !dayOfWeek.includes(',') && !dayOfWeek.includes('-') && !dayOfWeek.includes('/')) return 7;
  if (dayOfWeek !== undefined && dayOfWeek !== '*') {
    // A list or range of weekdays: the longest stretch between two runs.
    const days = expandWeekdays(dayOfWeek);
    if (days.length === 0) return 1;
    const gaps = days.map((d, i) => ((days[(i + 1) % days.length]! - d + 7) % 7) || 7);
    return Math.max(...gaps);
  }
  return 1;
}

function expandWeekdays(field: string): number[] {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const [range, step] = part.split('/');
    const [a, b] = (range === '*' ? '0-6' : range!).split('-').map((v) => Number(v) % 7);
    if (a === undefined || Number.isNaN(a)) continue;
    const end = b === undefined || Number.isNaN(b) ? a : b;
    for (let d = a; d <= end; d += Number(step ?? 1) || 1) days.add(d % 7);
  }
  return [...days].sort((x, y) => x - y);
}

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
