// What the credential checks share: ages in whole UTC calendar days and a credential's active access keys.
import type { AccessKeySlot } from '../schema.js';

export const DAY_MS = 86_400_000;

// Ages are whole UTC calendar days: from the day of a date to the day of `now`, whatever the time of
// day. Last-use dates are stored as days, and a message states a date ("on 2025-06-01, more than 90
// days ago") rather than an age, which would change every day and make every failing finding a new
// row. A reader checks such a message against today's date alone.

/** The UTC day (YYYY-MM-DD) of an ISO timestamp or day. */
export function dayOf(isoDate: string): string {
  return new Date(Date.parse(isoDate)).toISOString().slice(0, 10);
}

/** UTC calendar days from the day of `isoDate` to the day of `now` (0 for the same day or a later one). */
export function calendarDaysSince(isoDate: string, now: Date): number {
  const dayNumber = (time: number) => Math.floor(time / DAY_MS);
  return Math.max(0, dayNumber(now.getTime()) - dayNumber(Date.parse(isoDate)));
}

export function activeKeys(keys: AccessKeySlot[]): AccessKeySlot[] {
  return keys.filter((key) => key.active);
}
