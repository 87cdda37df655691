// Loads and validates the framework mapping files (mappings/*.yaml): a control catalog plus, per check, the
// controls it evidences. Everything wrong with a file is refused at load time with a one-line message, so a
// typo can never silently drop a check from an auditor's report.
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson, sha256Hex } from '../canonical.js';
import { MappingError, displayPath, formatPath, mappingError, show } from './error.js';
import { packageRoot } from '../package-root.js';
import { controlIdPattern, describeIssue, frameworkFileSchema } from './schema.js';
import type { FrameworkFile } from './schema.js';
import { closest } from '../suggest.js';
import { readYamlSource } from './yaml-source.js';

export { MappingError };

export interface Control {
  id: string;
  title: string;
  group: string;
}

export interface CheckMapping {
  checkId: string;
  /** The controls the check evidences. */
  controlIds: string[];
  rationale: string;
  /** The controls the check only supports (absent: none): see `Framework.supportingChecks`. */
  supports?: string[];
}

export interface Framework {
  id: string;
  title: string;
  version: string;
  file: string;
  /** In file order. */
  controls: Control[];
  mappings: CheckMapping[];
  /** Every control a check is mapped to, evidenced or supported (its failures fail them all). */
  controlsByCheck: Map<string, string[]>;
  /**
   * Every control id is a key: the checks mapped to it, evidencing or supporting; an empty array means no
   * automated check (manual evidence).
   */
  checksByControl: Map<string, string[]>;
  /**
   * Per control, the checks of `checksByControl` that only support it (a precondition, or one part of what
   * it asks). A failure of one fails the control like any check's; their passes alone never evidence it: a
   * control whose passing evidence is only supporting is "supported", needing manual evidence (an
   * attestation) to be evidenced. Absent or empty: every mapped check evidences.
   */
  supportingChecks?: Map<string, Set<string>>;
  /** A user's control set (config `controlSets:`), not a shipped mapping. */
  custom?: boolean;
}

/** Loads one mapping file; `knownCheckIds` are the ids the installed collectors define. */
export function loadFramework(file: string, knownCheckIds: ReadonlySet<string>): Framework {
  const source = readYamlSource(file);
  const fail = (segments: readonly PropertyKey[], problem: string): MappingError => mappingError(file, formatPath(segments) + source.lineOf(segments), problem);

  const parsed = frameworkFileSchema.safeParse(source.data);
  if (!parsed.success) {
    // An unknown key is usually a misspelt required one: report it before the "missing" issue it causes.
    const issues = [...parsed.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
    const [first] = issues;
    const more = issues.length - 1;
    if (!first) throw fail([], 'is not a valid mapping file');
    const { segments, problem } = describeIssue(first, source.data);
    throw fail(segments, more > 0 ? `${problem} (and ${more} more problem${more > 1 ? 's' : ''})` : problem);
  }
  const doc: FrameworkFile = parsed.data;

  const { pattern, example } = controlIdPattern(doc.framework);
  const catalogIndex = new Map<string, number>();
  doc.controls.forEach((control, i) => {
    if (!pattern.test(control.id)) {
      throw fail(['controls', i, 'id'], `${show(control.id)} is not a ${doc.framework} control id; write it like ${example}`);
    }
    const first = catalogIndex.get(control.id);
    if (first !== undefined) {
      throw fail(['controls', i, 'id'], `duplicate control id ${show(control.id)} (first at controls[${first}]); remove or renumber one of them`);
    }
    catalogIndex.set(control.id, i);
  });

  const checkIndex = new Map<string, number>();
  doc.mappings.forEach((entry, i) => {
    if (!knownCheckIds.has(entry.check)) {
      const hint = closest(entry.check, knownCheckIds);
      throw fail(
        ['mappings', i, 'check'],
        `unknown check id ${show(entry.check)}; ${hint ? `did you mean ${show(hint)}? Otherwise ` : ''}use an id a collector defines`,
      );
    }
    const first = checkIndex.get(entry.check);
    if (first !== undefined) {
      throw fail(['mappings', i, 'check'], `check ${show(entry.check)} is already mapped at mappings[${first}]; merge the two entries into one`);
    }
    checkIndex.set(entry.check, i);

    const seen = new Map<string, string>();
    for (const key of ['controls', 'supports'] as const) {
      entry[key].forEach((controlId, j) => {
        // No "did you mean" here: CC6.2 and CC6.1 are one edit apart but different criteria.
        if (!catalogIndex.has(controlId)) {
          throw fail(['mappings', i, key, j], `unknown control id ${show(controlId)}; use an id listed under controls, or add the control to the catalog`);
        }
        const firstAt = seen.get(controlId);
        if (firstAt !== undefined) {
          const how = firstAt.startsWith(key) ? 'remove the repeat' : 'a check either evidences a control or supports it: keep one';
          throw fail(['mappings', i, key, j], `control ${show(controlId)} is listed twice in this entry (first at ${firstAt}); ${how}`);
        }
        seen.set(controlId, `${key}[${j}]`);
      });
    }
  });

  const controls = doc.controls.map(({ id, title, group }) => ({ id, title, group }));
  const mappings: CheckMapping[] = doc.mappings.map((m) => ({
    checkId: m.check,
    controlIds: [...m.controls],
    rationale: m.rationale,
    ...(m.supports.length > 0 ? { supports: [...m.supports] } : {}),
  }));
  const controlsByCheck = new Map<string, string[]>();
  const checksByControl = new Map<string, string[]>(controls.map((c) => [c.id, []]));
  const supportingChecks = new Map<string, Set<string>>();
  for (const m of mappings) {
    controlsByCheck.set(m.checkId, [...m.controlIds, ...(m.supports ?? [])]);
    for (const controlId of [...m.controlIds, ...(m.supports ?? [])]) checksByControl.get(controlId)?.push(m.checkId);
    for (const controlId of m.supports ?? []) supportingChecks.set(controlId, new Set([...(supportingChecks.get(controlId) ?? []), m.checkId]));
  }
  return { id: doc.framework, title: doc.title, version: doc.version, file, controls, mappings, controlsByCheck, checksByControl, supportingChecks };
}

/**
 * Loads every `*.yaml` file of `dir` (default: the package's mappings/ folder), in file-name order.
 * Framework ids must be unique across the files, since the CLI selects frameworks by id.
 */
export function loadBuiltinFrameworks(knownCheckIds: ReadonlySet<string>, dir: string = path.join(packageRoot(), 'mappings')): Framework[] {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort();
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : String(err);
    throw new MappingError(`${displayPath(dir)}: (folder): cannot list mapping files (${code}); check the path`);
  }
  const frameworks: Framework[] = [];
  const byId = new Map<string, string>();
  for (const name of names) {
    const framework = loadFramework(path.join(dir, name), knownCheckIds);
    const other = byId.get(framework.id);
    if (other !== undefined) {
      throw mappingError(
        framework.file,
        'framework',
        `duplicate framework id ${show(framework.id)}, also used by ${displayPath(other)}; give each file its own framework id`,
      );
    }
    byId.set(framework.id, framework.file);
    frameworks.push(framework);
  }
  return frameworks;
}

/**
 * A label for the mappings in force, recorded with evidence and reports:
 * `soc1@2026.11.0+soc2@2026.11.0;sha256:<16 hex>`. The hash covers the canonical JSON (RFC 8785) of every
 * framework's content, so it changes with any edit that matters (even without a version bump) and ignores
 * comments, formatting, file names and load order.
 */
export function mappingVersion(frameworks: readonly Framework[]): string {
  const sorted = [...frameworks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const content = sorted.map((f) => ({
    framework: f.id,
    title: f.title,
    version: f.version,
    controls: f.controls.map((c) => ({ id: c.id, group: c.group, title: c.title })),
    // `supports` only when there are some: the hash of a framework without them is what it was before the relation.
    mappings: f.mappings.map((m) => ({ check: m.checkId, controls: m.controlIds, rationale: m.rationale, ...(m.supports ? { supports: m.supports } : {}) })),
  }));
  const digest = sha256Hex(canonicalJson(content)).slice(0, 16);
  const label = sorted.map((f) => `${f.id}@${f.version}`).join('+') || 'none';
  return `${label};sha256:${digest}`;
}

/** Whether `checkId` only supports `controlId` in `framework` (mapped under supports, not controls). */
export function onlySupports(framework: Framework, controlId: string, checkId: string): boolean {
  return framework.supportingChecks?.get(controlId)?.has(checkId) === true;
}

/** The check ids, in input order without repeats, that no framework maps: they would be evidence of nothing. */
export function uncitedChecks(frameworks: readonly Framework[], checkIds: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const id of checkIds) {
    if (!frameworks.some((f) => f.controlsByCheck.has(id))) out.add(id);
  }
  return [...out];
}
