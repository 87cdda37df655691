// Which management events a trail's selectors keep. Basic and advanced selectors are read alike: a
// selector captures reads and/or writes from every event source except the ones it excludes. A
// selector limited to some sources (eventSource Equals/StartsWith/EndsWith) or by any other field does
// not capture "the management events" of the account, so it does not count.
import type { AdvancedEventSelectorEvidence, AdvancedFieldSelectorEvidence, BasicEventSelectorEvidence, EventSelectorsEvidence } from '../schema.js';

export interface ManagementCapture {
  read: boolean;
  write: boolean;
  /** Event sources left out: `kms.amazonaws.com`; `kms*` / `*.amazonaws.com` for prefix and suffix exclusions. */
  excluded: string[];
}

export function managementCaptures(selectors: EventSelectorsEvidence): ManagementCapture[] {
  const captures = selectors.kind === 'basic' ? selectors.selectors.map(basicCapture) : selectors.selectors.map(advancedCapture);
  return captures.filter((capture): capture is ManagementCapture => capture !== null && (capture.read || capture.write));
}

function basicCapture(selector: BasicEventSelectorEvidence): ManagementCapture | null {
  if (!selector.includeManagementEvents) return null;
  const type = selector.readWriteType;
  return {
    read: type === 'All' || type === 'ReadOnly',
    write: type === 'All' || type === 'WriteOnly',
    excluded: selector.excludeManagementEventSources,
  };
}

const MANAGEMENT_FIELDS = new Set(['eventCategory', 'readOnly', 'eventSource']);

function advancedCapture(selector: AdvancedEventSelectorEvidence): ManagementCapture | null {
  const fields = selector.fieldSelectors;
  const named = (name: string) => fields.filter((field) => field.field === name);
  const category = named('eventCategory');
  if (category.length === 0 || !category.every((field) => admits(field, 'Management'))) return null;
  if (fields.some((field) => !MANAGEMENT_FIELDS.has(field.field))) return null;
  const sources = named('eventSource');
  if (sources.some((field) => field.equals || field.startsWith || field.endsWith)) return null;
  const readOnly = named('readOnly');
  return {
    read: readOnly.every((field) => admits(field, 'true')),
    write: readOnly.every((field) => admits(field, 'false')),
    excluded: sources.flatMap((field) => [
      ...(field.notEquals ?? []),
      ...(field.notStartsWith ?? []).map((prefix) => `${prefix}*`),
      ...(field.notEndsWith ?? []).map((suffix) => `*${suffix}`),
    ]),
  };
}

/** Whether a field condition lets `value` through: every operator it uses must hold. */
export function admits(field: AdvancedFieldSelectorEvidence, value: string): boolean {
  const holds = (values: string[] | undefined, test: (candidate: string) => boolean, negated: boolean) => values === undefined || values.some(test) !== negated;
  return (
    holds(field.equals, (v) => v === value, false) &&
    holds(field.notEquals, (v) => v === value, true) &&
    holds(field.startsWith, (v) => value.startsWith(v), false) &&
    holds(field.notStartsWith, (v) => value.startsWith(v), true) &&
    holds(field.endsWith, (v) => value.endsWith(v), false) &&
    holds(field.notEndsWith, (v) => value.endsWith(v), true)
  );
}

/**
 * What several selectors (of one trail or several) capture together: an event is recorded when any
 * selector keeps it, so a kind is captured when one selector captures it, and a source is missing
 * only when every selector capturing that kind leaves it out. null: the kind is not captured at all.
 */
export function combinedCapture(captures: readonly ManagementCapture[]): { read: string[] | null; write: string[] | null } {
  const missing = (kind: 'read' | 'write') => {
    const capturing = captures.filter((capture) => capture[kind]);
    if (capturing.length === 0) return null;
    return capturing
      .map((capture) => capture.excluded)
      .reduce((common, excluded) => common.filter((source) => excluded.includes(source)))
      .filter((source, index, all) => all.indexOf(source) === index)
      .sort();
  };
  return { read: missing('read'), write: missing('write') };
}
