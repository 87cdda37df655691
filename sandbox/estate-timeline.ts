// Time and chance for the estate. Every random draw is a hash of (seed, key) rather than the next value of a
// sequence, so any day can be built on its own and adding one user never reshuffles the others.

export const DAY_MS = 86_400_000;

export function dayIndex(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}
export function dayTime(day: number, h = 0, m = 0, s = 0): Date {
  return new Date(day * DAY_MS + ((h * 60 + m) * 60 + s) * 1000);
}

/** FNV-1a with a murmur3 finaliser: a stable, well-spread 32-bit hash. */
export function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) fixed by (seed, key). */
export function draw(seed: number, key: string): number {
  return hash32(key, seed) / 2 ** 32;
}

export function pick<T>(items: readonly T[], r: number): T {
  const item = items[Math.floor(r * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const ID_ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'];
/** An AWS-style unique id (`AIDA` + 17 characters), fixed by (seed, key). */
export function awsId(prefix: string, length: number, seed: number, key: string): string {
  let id = prefix;
  for (let i = 0; i < length; i++) id += pick(ID_ALPHABET, draw(seed, `${key}#${i}`));
  return id;
}

/** A UUID-shaped id (event ids, KMS key ids), fixed by (seed, key). */
export function awsUuid(seed: number, key: string): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += hash32(`${key}#${i}`, seed).toString(16).padStart(8, '0');
  const variant = ((parseInt(hex.charAt(16), 16) & 3) | 8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** Code-point order, not locale order: the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How someone (or something) uses a credential: a daily chance, a UTC time window, a lifetime. */
export interface Activity {
  key: string;
  weekday: number;
  weekend: number;
  hours: readonly [number, number];
  from: Date;
  /** Last possible use, and certainly used that day (a leaver's last day, a retired key's last run). */
  until?: Date;
  /** Uses beyond the pattern (an admin signing in to make a scripted change). */
  extra?: readonly Date[];
}
/** A pattern of use before it is tied to a credential (which supplies key, from and until). */
export type UsePattern = Omit<Activity, 'key' | 'from' | 'until'>;

/** Looking further back than this, a credential counts as unused in the window. */
const LOOKBACK_DAYS = 150;

/** A moment of the history, counted in days from its end day. */
export interface HistoryMoment {
  offset: number;
  time: readonly [number, number, number];
}

/** One snapshot instant of the history, with the helpers the builders share. */
export interface Timeline {
  seed: number;
  /** Epoch day numbers (days since 1970-01-01 UTC). */
  endDay: number;
  /** The UTC day of the snapshot instant. */
  day: number;
  /**
   * The snapshot instant: the estate is the state at that moment, as an API would answer then. A change
   * made later that day (a user created at 09:12 for a snapshot at 06:00) is not in it yet.
   */
  asOf: Date;
  /** A time `offset` days from the end day. */
  at(offset: number, h?: number, m?: number, s?: number): Date;
  when(moment: HistoryMoment): Date;
  /** Whether the moment has passed by the snapshot instant. */
  has(moment: HistoryMoment): boolean;
  /** Whether something dated `when` has happened by the snapshot instant. */
  exists(when: Date | undefined): boolean;
  /** The most recent use by the snapshot instant, or null. */
  lastActive(activity: Activity | null): Date | null;
  draw(key: string): number;
  id(prefix: string, key: string): string;
}

/** The history as it stands at the instant `date` (not at the end of its day). */
export function timeline(date: Date, historyEnd: Date, seed: number): Timeline {
  const endDay = dayIndex(historyEnd);
  const day = dayIndex(date);
  const asOf = new Date(date.getTime());
  const exists = (when: Date | undefined) => when !== undefined && when.getTime() <= asOf.getTime();
  const at = (offset: number, h = 0, m = 0, s = 0) => dayTime(endDay + offset, h, m, s);
  const when = (moment: HistoryMoment) => at(moment.offset, ...moment.time);
  return {
    seed,
    endDay,
    day,
    asOf,
    at,
    when,
    has: (moment) => exists(when(moment)),
    exists,
    draw: (key) => draw(seed, key),
    id: (prefix, key) => awsId(prefix, 17, seed, key),
    lastActive: (activity) => (activity && exists(activity.from) ? lastUse(seed, activity, asOf) : null),
  };
}

function lastUse(seed: number, activity: Activity, asOf: Date): Date | null {
  const day = dayIndex(asOf);
  const fromDay = dayIndex(activity.from);
  const untilDay = activity.until ? dayIndex(activity.until) : undefined;
  const start = untilDay === undefined ? day : Math.min(day, untilDay);
  for (let d = start; d >= Math.max(fromDay, start - LOOKBACK_DAYS); d--) {
    // On the snapshot's own day, only the uses made by the snapshot instant.
    const uses = usesOn(seed, activity, d).filter((use) => use.getTime() <= asOf.getTime());
    if (uses.length > 0) return uses.at(-1) ?? null;
  }
  return null;
}

/** Every use on epoch day `day`, oldest first: the pattern's one draw plus any extra uses that day. */
export function usesOn(seed: number, activity: Activity, day: number): Date[] {
  const uses = (activity.extra ?? []).filter((d) => dayIndex(d) === day);
  const pattern = patternUse(seed, activity, day);
  if (pattern) uses.push(pattern);
  return uses.sort((a, b) => a.getTime() - b.getTime());
}

function patternUse(seed: number, activity: Activity, day: number): Date | null {
  const untilDay = activity.until ? dayIndex(activity.until) : undefined;
  if (day < dayIndex(activity.from) || (untilDay !== undefined && day > untilDay)) return null;
  if (day === untilDay && activity.until) return activity.until;
  const weekend = [0, 6].includes(new Date(day * DAY_MS).getUTCDay());
  if (draw(seed, `${activity.key}|${day}`) >= (weekend ? activity.weekend : activity.weekday)) return null;
  const [fromHour, toHour] = activity.hours;
  const seconds = Math.floor(draw(seed, `${activity.key}|${day}|t`) * (toHour - fromHour) * 3600);
  // Nothing is used before it exists: the first use follows creation by a few minutes.
  const when = dayTime(day, fromHour, 0, seconds);
  return when < activity.from ? new Date(activity.from.getTime() + 240_000) : when;
}
