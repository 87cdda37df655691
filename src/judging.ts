// Helpers for writing checks: typed, ordered access to evidence, and finding drafts.
import type { EvidenceView, FindingDraft, FindingStatus } from './collector.js';

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

export function finding(judged: { resourceType: string; resourceId: string }, status: FindingStatus, message: string): FindingDraft {
  return { resourceType: judged.resourceType, resourceId: judged.resourceId, status, message };
}
