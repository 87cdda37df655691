// A user's own control set (named by `controlSets:` in the config): a framework of their control ids
// (AC-03 "Quarterly access review"), each mapped to check ids and/or to SOC 2 criteria and SOC 1
// objectives. A control mapped to a criterion is evidenced by that criterion's checks (and attestations).
// Validated like the shipped mappings: every problem names the file, the path and the line.
import { z } from 'zod';
import { compareStrings } from '../compare-strings.js';
import { mappingError, formatPath, show } from './error.js';
import { onlySupports } from './load.js';
import type { Control, Framework } from './load.js';
import { controlIdPattern, FRAMEWORK_ID, VERSION } from './schema.js';
import { closest } from '../suggest.js';
import { readYamlSource } from './yaml-source.js';

const text = (what: string, max: number) =>
  z
    .string({ error: `is not text; write the ${what} as one line of text` })
    .trim()
    .min(1, `is empty; write the ${what}`)
    .max(max, `is longer than ${max} characters; shorten the ${what}`)
    .refine((v) => !/[\r\n]/.test(v), `spans several lines; keep the ${what} to one line`);

const idList = (what: string) =>
  z
    .array(z.string({ error: `is not a ${what}; write it as text` }), {
      error: `is not a list; write e.g. ` + `[${what === 'check id' ? 'aws_iam_root_mfa_enabled' : 'CC6.2'}]`,
    })
    .default([]);

const customControlSchema = z.strictObject({
  id: z.string({ error: 'is not a control id; write it as text, e.g. AC-03' }),
  title: text('title', 200),
  description: text('description', 2000).optional(),
  owner: text('owner', 200).optional(),
  group: text('group', 100).optional(),
  checks: idList('check id'),
  criteria: idList('criterion id'),
});

const controlSetSchema = z.strictObject({
  framework: z
    .string({ error: 'is not a framework id; write e.g. framework: acme' })
    .regex(FRAMEWORK_ID, 'is not a valid framework id; use lowercase letters, digits and hyphens, e.g. acme'),
  title: text('title', 200),
  version: z
    .string({ error: 'is not a version; write it as MAJOR.MINOR.PATCH in quotes, e.g. "1.0.0"' })
    .regex(VERSION, 'is not a version of the form MAJOR.MINOR.PATCH; write e.g. "1.0.0"'),
  controls: z.array(customControlSchema, { error: 'is not a list; list your controls under controls' }).min(1, 'is empty; list at least one control'),
});

const KEYS = { top: Object.keys(controlSetSchema.shape), control: Object.keys(customControlSchema.shape) };

/** A custom control: the catalog fields plus what it is mapped to. */
export interface CustomControl extends Control {
  description?: string;
  owner?: string;
  /** SOC 2 criteria and SOC 1 objectives it is mapped to. */
  criteria: string[];
}

/**
 * Loads one control set. `base` are the built-in frameworks (criteria resolve against them and their ids
 * are taken); `taken` are the control ids of frameworks loaded before (an attestation names a control by
 * its id alone, so ids are unique across frameworks).
 */
export function loadControlSet(file: string, knownCheckIds: ReadonlySet<string>, base: readonly Framework[], taken: readonly Framework[] = base): Framework {
  const source = readYamlSource(file);
  const fail = (segments: readonly PropertyKey[], problem: string) => mappingError(file, formatPath(segments) + source.lineOf(segments), problem);
  const parsed = controlSetSchema.safeParse(source.data);
  if (!parsed.success) {
    const issue = [...parsed.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'))[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '?';
      const allowed = issue.path.length === 0 ? KEYS.top : KEYS.control;
      const hint = closest(key, allowed);
      throw fail([...issue.path, key], `unknown key ${show(key)}; ${hint ? `did you mean ${show(hint)}? ` : ''}allowed keys here are ${allowed.join(', ')}`);
    }
    if (issue.code === 'invalid_type' && issue.input === undefined)
      throw fail(issue.path, `missing required key; ${issue.message.replace(/^is not [^;]*; /, '')}`);
    throw fail(issue.path, `${show(issue.input)} ${issue.message}`);
  }
  const doc = parsed.data;
  const clash = taken.find((f) => f.id === doc.framework);
  if (clash) throw fail(['framework'], `${show(doc.framework)} is already the id of ${clash.title}; give your control set its own id`);

  const criteria = new Map<string, Framework>();
  for (const framework of base) for (const control of framework.controls) criteria.set(control.id, framework);
  const otherIds = new Map<string, string>();
  for (const framework of taken) for (const control of framework.controls) otherIds.set(control.id, framework.id);

  const { pattern, example } = controlIdPattern(doc.framework);
  const seen = new Map<string, number>();
  const controls: CustomControl[] = [];
  const checksByControl = new Map<string, string[]>();
  const supportingChecks = new Map<string, Set<string>>();
  doc.controls.forEach((control, i) => {
    if (!pattern.test(control.id)) throw fail(['controls', i, 'id'], `${show(control.id)} is not a control id; use ${example}`);
    const first = seen.get(control.id);
    if (first !== undefined)
      throw fail(['controls', i, 'id'], `duplicate control id ${show(control.id)} (first at controls[${first}]); remove or renumber one of them`);
    const other = otherIds.get(control.id);
    if (other)
      throw fail(['controls', i, 'id'], `${show(control.id)} is already a control of ${other}; use your own id (attestations name a control by its id alone)`);
    seen.set(control.id, i);
    const checks = new Set<string>();
    control.checks.forEach((check, j) => {
      if (!knownCheckIds.has(check)) {
        const hint = closest(check, knownCheckIds);
        throw fail(
          ['controls', i, 'checks', j],
          `unknown check id ${show(check)}; ${hint ? `did you mean ${show(hint)}? Otherwise ` : ''}use an id a collector ` +
            `defines (evidence-agent findings lists them)`,
        );
      }
      if (checks.has(check)) throw fail(['controls', i, 'checks', j], `check ${show(check)} is listed twice; remove the repeat`);
      checks.add(check);
    });
    // A check inherited from criteria only supports the control when it only supports each criterion it
    // comes from (and is not named under checks): one criterion it evidences makes it evidence.
    const evidencing = new Set(checks);
    const inherited = new Set<string>();
    control.criteria.forEach((criterion, j) => {
      const framework = criteria.get(criterion);
      if (!framework)
        throw fail(
          ['controls', i, 'criteria', j],
          `unknown criterion ${show(criterion)}; use a SOC 2 criterion (e.g. CC6.2) or a SOC 1 objective (e.g. ITGC-AC-05)`,
        );
      if (control.criteria.indexOf(criterion) !== j)
        throw fail(['controls', i, 'criteria', j], `criterion ${show(criterion)} is listed twice; remove the repeat`);
      for (const check of framework.checksByControl.get(criterion) ?? []) {
        checks.add(check);
        inherited.add(check);
        if (!onlySupports(framework, criterion, check)) evidencing.add(check);
      }
    });
    const supporting = [...inherited].filter((check) => !evidencing.has(check));
    if (supporting.length > 0) supportingChecks.set(control.id, new Set(supporting));
    controls.push({
      id: control.id,
      title: control.title,
      group: control.group ?? doc.title,
      criteria: control.criteria,
      ...(control.description ? { description: control.description } : {}),
      ...(control.owner ? { owner: control.owner } : {}),
    });
    checksByControl.set(control.id, [...checks].sort());
  });

  const controlsByCheck = new Map<string, string[]>();
  for (const [controlId, checks] of checksByControl) for (const check of checks) controlsByCheck.set(check, [...(controlsByCheck.get(check) ?? []), controlId]);
  const mappings = [...controlsByCheck]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([checkId, controlIds]) => ({ checkId, controlIds, rationale: `cited by ${doc.title}` }));
  return {
    id: doc.framework,
    title: doc.title,
    version: doc.version,
    file,
    controls,
    mappings,
    controlsByCheck,
    checksByControl,
    supportingChecks,
    custom: true,
  };
}

/** The criteria a control is mapped to (custom controls), else none. */
export function criteriaOf(control: Control): string[] {
  return (control as Partial<CustomControl>).criteria ?? [];
}
