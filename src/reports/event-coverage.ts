// Which parts of a period the stored event windows of a stream cover, per partition, and the gaps with
// their reasons: a population is complete only over the covered spans, so every gap is stated.
import type { EventWindow } from '../collector.js';

export interface CoverageGap {
  from: string;
  to: string;
  /**
   * The error of an incomplete window over the gap; else before the partition's first window
   * BEFORE_FIRST_READ, after its last AFTER_LATEST_READ, and between windows NOT_READ.
   */
  reason: string;
}

export interface PartitionCoverage {
  partition: string;
  /** Covered time in the period, in milliseconds. */
  coveredMs: number;
  gaps: CoverageGap[];
}

export const NOT_READ = 'not read by any run';
export const BEFORE_FIRST_READ = 'before the first read';
export const AFTER_LATEST_READ = 'after the latest read';

/** Coverage of [from, to) by each partition's complete windows; partitions are those the windows name. */
export function eventCoverage(windows: readonly EventWindow[], from: Date, to: Date): PartitionCoverage[] {
  const start = from.getTime();
  const end = to.getTime();
  const partitions = [...new Set(windows.map((w) => w.partition))].sort();
  return partitions.map((partition) => {
    const own = windows.filter((w) => w.partition === partition);
    const covered = mergeSpans(own.filter((w) => w.complete).map((w) => clip(Date.parse(w.from), Date.parse(w.to), start, end)));
    const gaps: CoverageGap[] = [];
    let cursor = start;
    for (const [spanFrom, spanTo] of [...covered, [end, end] as const]) {
      if (spanFrom > cursor) gaps.push(gapWithReason(own, cursor, spanFrom));
      cursor = Math.max(cursor, spanTo);
    }
    return { partition, coveredMs: covered.reduce((sum, [a, b]) => sum + (b - a), 0), gaps };
  });
}

function gapWithReason(windows: readonly EventWindow[], from: number, to: number): CoverageGap {
  const failed = windows.find((w) => !w.complete && Date.parse(w.from) < to && Date.parse(w.to) > from);
  const reason =
    failed?.error ??
    (windows.every((w) => Date.parse(w.from) >= to) ? BEFORE_FIRST_READ : windows.every((w) => Date.parse(w.to) <= from) ? AFTER_LATEST_READ : NOT_READ);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), reason };
}

const clip = (a: number, b: number, start: number, end: number): [number, number] => [Math.max(a, start), Math.min(b, end)];

/** Sorted, non-overlapping spans; empty ones dropped, touching ones joined. */
function mergeSpans(spans: [number, number][]): [number, number][] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}
