// The collector contract, checked: used by the contract test over the built-in registry, and usable
// for any collector loaded at run time.
import type { Collector } from './collector.js';

const COLLECTOR_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const CHECK_ID = /^[a-z0-9]+(_[a-z0-9]+){3,}$/;
const SEVERITIES = new Set(['critical', 'high', 'medium', 'low']);

/** Check ids start with the collector id in snake case: aws-iam → `aws_iam_`. */
export function checkIdPrefix(collectorId: string): string {
  return `${collectorId.replaceAll('-', '_')}_`;
}

/** Problems with one collector object on its own, one sentence each. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function collectorViolations(collector: Collector<any>): string[] {
  const problems: string[] = [];
  const id = String(collector?.id);
  if (!COLLECTOR_ID.test(id)) problems.push(`collector id "${id}" is not kebab-case`);
  if (!collector.title) problems.push(`collector ${id} has no title`);
  if (typeof collector.collect !== 'function') problems.push(`collector ${id} has no collect()`);
  if (typeof collector.scopes !== 'function') problems.push(`collector ${id} has no scopes()`);
  if (typeof collector.optionsSchema?.safeParse !== 'function') problems.push(`collector ${id} has no options schema`);
  if (!Array.isArray(collector.permissions) || collector.permissions.length === 0) {
    problems.push(`collector ${id} lists no permissions`);
  }
  if (!Array.isArray(collector.checks) || collector.checks.length === 0) problems.push(`collector ${id} has no checks`);
  for (const check of collector.checks ?? []) {
    if (!CHECK_ID.test(check.id)) {
      problems.push(`check id "${check.id}" of ${id} is not <provider>_<service>_<resource>_<state> in snake case`);
    } else if (!check.id.startsWith(checkIdPrefix(id))) {
      problems.push(`check id "${check.id}" of ${id} does not start with "${checkIdPrefix(id)}"`);
    }
    if (!SEVERITIES.has(check.severity)) problems.push(`check ${check.id} has severity "${check.severity}"`);
    for (const field of ['title', 'description', 'remediation'] as const) {
      if (!check[field]?.trim()) problems.push(`check ${check.id} has no ${field}`);
    }
    if (!check.resourceTypes?.length) problems.push(`check ${check.id} names no resourceTypes`);
    if (typeof check.evaluate !== 'function') problems.push(`check ${check.id} has no evaluate()`);
  }
  for (const population of collector.populations ?? []) {
    if (!COLLECTOR_ID.test(String(population.id))) problems.push(`population id "${population.id}" of ${id} is not kebab-case`);
    if (!population.title?.trim() || !population.description?.trim()) problems.push(`population ${population.id} has no title or description`);
    if (!population.columns?.length) problems.push(`population ${population.id} has no columns`);
    const names = (population.columns ?? []).map((c) => c.name);
    if (new Set(names).size !== names.length) problems.push(`population ${population.id} names a column twice`);
    if (typeof population.rowOf !== 'function') problems.push(`population ${population.id} has no rowOf()`);
  }
  return problems;
}

export interface RegistryFacts {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  registered: readonly Collector<any>[];
  /** Folder names under collectors/ (ignoring files and folders starting with `_`). */
  folders: readonly string[];
  /** Check ids cited by at least one framework mapping. */
  citedCheckIds: ReadonlySet<string>;
}

/** Problems of the registry as a whole: folders, duplicates, uncited checks. */
export function registryViolations(facts: RegistryFacts): string[] {
  const problems: string[] = [];
  const ids = facts.registered.map((c) => c.id);
  for (const folder of facts.folders) {
    if (!ids.includes(folder)) problems.push(`collectors/${folder}/ is not registered in collectors/index.ts`);
  }
  for (const id of ids) {
    if (!facts.folders.includes(id)) problems.push(`collector id "${id}" matches no folder under collectors/`);
  }
  const seenCollectors = new Set<string>();
  const seenChecks = new Map<string, string>();
  const seenPopulations = new Map<string, string>();
  for (const collector of facts.registered) {
    for (const population of collector.populations ?? []) {
      const owner = seenPopulations.get(population.id);
      if (owner) problems.push(`population id "${population.id}" is defined twice (${owner} and ${collector.id})`);
      seenPopulations.set(population.id, collector.id);
    }
    if (seenCollectors.has(collector.id)) problems.push(`collector id "${collector.id}" is registered twice`);
    seenCollectors.add(collector.id);
    problems.push(...collectorViolations(collector));
    for (const check of collector.checks ?? []) {
      const owner = seenChecks.get(check.id);
      if (owner) problems.push(`check id "${check.id}" is defined twice (${owner} and ${collector.id})`);
      seenChecks.set(check.id, collector.id);
      // An attestation check evidences the control its stream is for, not a mapped one.
      if (!check.controlFromScope && !facts.citedCheckIds.has(check.id)) {
        problems.push(`check ${check.id} is cited by no mapping in mappings/: it would evidence nothing`);
      }
    }
  }
  return problems;
}
