// The mappings in force when a run was collected, stored with its evidence (one small document that
// dedupes to nothing while the mappings do not change), so a period can be re-evaluated "as collected".
import type { EvidenceItem } from '../collector.js';
import type { Framework } from './load.js';

export const MAPPINGS_EVIDENCE_TYPE = 'agent.mappings';
export const MAPPINGS_RESOURCE_ID = 'mappings';

/** Framework id → control id → the check ids mapped to it. */
export type StoredMappings = Record<string, Record<string, string[]>>;

export interface MappingsEvidence {
  versions: Record<string, string>;
  /** Every check mapped to each control, evidencing or supporting. */
  checksByControl: StoredMappings;
  /**
   * Of those, the checks that only support each control. Absent in documents stored before the relation
   * existed: then every mapped check evidenced its controls, as the mappings of the time said.
   */
  supportsByControl?: StoredMappings;
}

export function mappingsDocument(frameworks: readonly Framework[]): EvidenceItem {
  const byControl = (lists: (f: Framework) => Iterable<[string, Iterable<string>]>): StoredMappings =>
    Object.fromEntries(
      frameworks.map((f) => [
        f.id,
        Object.fromEntries([...lists(f)].map(([c, checks]) => [c, [...checks].sort()] as const).filter(([, checks]) => checks.length > 0)),
      ]),
    );
  const supportsByControl = byControl((f) => f.supportingChecks ?? new Map());
  const data: MappingsEvidence = {
    versions: Object.fromEntries(frameworks.map((f) => [f.id, f.version])),
    checksByControl: byControl((f) => f.checksByControl),
    // Only when some control is merely supported: the document of mappings without the relation is unchanged.
    ...(Object.values(supportsByControl).some((controls) => Object.keys(controls).length > 0) ? { supportsByControl } : {}),
  };
  return { type: MAPPINGS_EVIDENCE_TYPE, resourceId: MAPPINGS_RESOURCE_ID, schemaVersion: 1, data };
}
