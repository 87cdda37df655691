// Time as the simulated GitHub writes it: UTC to the second, no milliseconds ("2024-05-01T09:12:44Z"),
// and the day arithmetic the history is laid out in.

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Days since the epoch of the UTC day holding `ms`. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS);

/** GitHub keeps event times to the second: every generated time goes through this. */
export const wholeSecond = (ms: number): number => Math.floor(ms / SECOND_MS) * SECOND_MS;

export const githubTime = (ms: number): string => new Date(wholeSecond(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (day: number): number => (day + 4) % 7;
