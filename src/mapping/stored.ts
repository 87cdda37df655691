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
  checksByControl: StoredMappings;
}

export function mappingsDocument(frameworks: readonly Framework[]): EvidenceItem {
  const data: MappingsEvidence = {
    versions: Object.fromEntries(frameworks.map((f) => [f.id, f.version])),
    checksByControl: Object.fromEntries(
      frameworks.map((f) => [f.id, Object.fromEntries([...f.checksByControl].filter(([, checks]) => checks.length > 0).map(([c, checks]) => [c, [...checks].sort()]))]),
    ),
  };
  return { type: MAPPINGS_EVIDENCE_TYPE, resourceId: MAPPINGS_RESOURCE_ID, schemaVersion: 1, data };
}
