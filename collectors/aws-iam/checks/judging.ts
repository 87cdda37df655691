// Shared helpers of the checks: typed, ordered access to evidence, finding drafts and day arithmetic.
import type { EvidenceView, FindingDraft, FindingStatus } from '../../../src/collector.js';
import type { AccessKeySlot } from '../schema.js';

export const DAY_MS = 86_400_000;

export interface Judged<T> {
  resourceType: string;
  resourceId: string;
  data: T;
}

/** All evidence of a type in resource-id order, so findings come out in a stable order. */
export function evidenceOf<T>(view: EvidenceView, type: string): Judged<T>[] {
  return view
    .all(type)
    .map((item) => ({ resourceType: item.type, resourceId: item.resourceId, data: item.data as T }))
    .sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
}

export function finding(
  judged: { resourceType: string; resourceId: string },
  status: FindingStatus,
  message: string,
): FindingDraft {
  return { resourceType: judged.resourceType, resourceId: judged.resourceId, status, message };
}

/** Whole days from an ISO date to `now` (0 for anything under 24 hours, or a date ahead of the clock). */
export function daysSince(isoDate: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(isoDate)) / DAY_MS));
}

export function activeKeys(keys: AccessKeySlot[]): AccessKeySlot[] {
  return keys.filter((key) => key.active);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
