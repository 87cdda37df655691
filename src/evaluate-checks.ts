// Turns a snapshot's evidence into findings: runs each check, then overlays read errors so a
// resource whose evidence could not be read is `error`, never `pass`.
import type { CheckDefinition, EventItem, EvidenceItem, EvidenceView, ResourceError } from './collector.js';
import type { FindingRecord } from './store/types.js';

export function evidenceView(items: readonly EvidenceItem[], errors: readonly ResourceError[] = [], events: readonly EventItem[] = []): EvidenceView {
  const byType = new Map<string, EvidenceItem[]>();
  const byKey = new Map<string, EvidenceItem>();
  for (const item of items) {
    const list = byType.get(item.type) ?? [];
    list.push(item);
    byType.set(item.type, list);
    byKey.set(`${item.type}\u0000${item.resourceId}`, item);
  }
  return {
    all: (type) => byType.get(type) ?? [],
    get: (type, resourceId) => byKey.get(`${type}\u0000${resourceId}`),
    errors: (type) => errors.filter((e) => e.type === type),
    events: (type) => events.filter((e) => e.type === type),
  };
}

export interface CheckEvaluation {
  findings: FindingRecord[];
  /** Checks that threw: a bug in the check, reported on the run and as an `error` finding. */
  crashed: { checkId: string; error: string }[];
}

export function evaluateChecks<Options>(
  checks: readonly CheckDefinition<Options>[],
  evidence: readonly EvidenceItem[],
  errors: readonly ResourceError[],
  options: Options,
  now: Date,
  scopeResourceId: string,
  events: readonly EventItem[] = [],
): CheckEvaluation {
  const view = evidenceView(evidence, errors, events);
  const findings: FindingRecord[] = [];
  const crashed: CheckEvaluation['crashed'] = [];
  for (const check of checks) {
    const failedReads = errors.filter((e) => check.resourceTypes.includes(e.type));
    const unreadable = new Set(failedReads.map((e) => e.resourceId));
    const byResource = new Map<string, FindingRecord>();
    try {
      for (const draft of check.evaluate(view, options, now)) {
        if (unreadable.has(draft.resourceId)) continue;
        byResource.set(draft.resourceId, {
          checkId: check.id,
          resourceType: draft.resourceType,
          resourceId: draft.resourceId,
          status: draft.status,
          severity: check.severity,
          message: draft.message,
        });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      crashed.push({ checkId: check.id, error: message });
      byResource.clear();
      byResource.set(scopeResourceId, {
        checkId: check.id,
        resourceType: 'scope',
        resourceId: scopeResourceId,
        status: 'error',
        severity: check.severity,
        message: `Check ${check.id} could not be evaluated: ${message}`,
      });
    }
    for (const failed of failedReads) {
      byResource.set(failed.resourceId, {
        checkId: check.id,
        resourceType: failed.type,
        resourceId: failed.resourceId,
        status: 'error',
        severity: check.severity,
        message: `Evidence for ${failed.resourceId} could not be read: ${failed.error}`,
      });
    }
    findings.push(...byResource.values());
  }
  return { findings, crashed };
}
