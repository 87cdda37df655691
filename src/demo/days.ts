// The demo's simulated days: one collection a day at COLLECTION_HOUR (UTC), the last one today.
export const DAY_MS = 86_400_000;
/** The simulated daily collection time (UTC). */
export const COLLECTION_HOUR = 6;

/**
 * One collection a day at COLLECTION_HOUR, the last one today: before that hour today's collection is
 * a minute before now, but never before today's midnight (just after midnight it would land on
 * yesterday, which would then have two snapshots and today none).
 */
export function simulatedDays(count: number, now: Date): Date[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => {
    const at = today - (count - 1 - i) * DAY_MS + COLLECTION_HOUR * 3_600_000;
    return new Date(Math.min(at, Math.max(today, now.getTime() - 60_000)));
  });
}
