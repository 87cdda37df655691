// The shape of a mapping file (zod), the control-id pattern of each known framework, and the translation of
// zod issues into one-line messages that quote the bad value and say how to fix it.
import { z } from 'zod';
import type { core } from 'zod';
import { show } from './error.js';
import { closest } from '../suggest.js';

export const FRAMEWORK_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const VERSION = /^\d+\.\d+\.\d+$/;

/** Control ids per framework id: a typo such as "CC6.l" or "ITGC-AC-5" is caught at load time. */
const CONTROL_ID_PATTERNS: Readonly<Record<string, { pattern: RegExp; example: string }>> = {
  soc2: { pattern: /^(?:CC[1-9]|A1|C1|PI1|P[1-8])\.[1-9]$/, example: 'CC6.1, A1.2, PI1.3 or P6.7' },
  soc1: { pattern: /^ITGC-(?:AC|CM|PD|OPS)-\d{2}$/, example: 'ITGC-AC-05 (domains AC, CM, PD, OPS)' },
};
// Frameworks added by users get a permissive pattern: short, no spaces, safe in folder names.
const GENERIC_CONTROL_ID = {
  pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,38}[A-Za-z0-9])?$/,
  example: 'letters, digits, ".", "-" and "_" (at most 40 characters)',
};

export function controlIdPattern(frameworkId: string): { pattern: RegExp; example: string } {
  return CONTROL_ID_PATTERNS[frameworkId] ?? GENERIC_CONTROL_ID;
}

/** One line of text: catalog titles and rationales end up in single-line report cells. */
function line(what: string, fix: string, max: number) {
  return z.string({ error: `is not text; ${fix}` }).superRefine((value, ctx) => {
    if (value.trim() === '') ctx.addIssue({ code: 'custom', message: `is an empty ${what}; ${fix}` });
    else if (/[\r\n]/.test(value)) ctx.addIssue({ code: 'custom', message: `spans several lines; keep the ${what} to one line` });
    else if (value.length > max) ctx.addIssue({ code: 'custom', message: `is longer than ${max} characters; shorten the ${what}` });
  });
}

const controlSchema = z.strictObject(
  {
    id: z.string({ error: 'is not a control id; write the id as text, e.g. CC6.1' }),
    group: line('group', 'name the category the control belongs to', 100),
    title: line('title', 'give the control a short title in your own words', 200),
  },
  { error: 'is not a control entry; write a mapping with id, group and title' },
);

const controlIds = (key: string) =>
  z
    .array(z.string({ error: 'is not a control id; write the id as text, e.g. CC6.1' }), {
      error: `is not a list of control ids; write e.g. ${key}: [CC6.1, CC6.6]`,
    })
    .default([]);

// `controls`: what the check evidences (its result shows the control operating, with the other checks cited
// for it). `supports`: what it only supports (a precondition, or one part of what the control asks): its
// failures fail the control, its passes alone never evidence it.
const mappingSchema = z
  .strictObject(
    {
      check: z.string({ error: 'is not a check id; write the id as text' }),
      controls: controlIds('controls'),
      rationale: line('rationale', 'say in one line what the check shows and why that evidences (or supports) these controls', 500),
      supports: controlIds('supports'),
    },
    { error: 'is not a mapping entry; write a mapping with check, controls and rationale' },
  )
  .superRefine((entry, ctx) => {
    if (entry.controls.length + entry.supports.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['controls'],
        message: 'lists no controls; name at least one control id (under controls, or under supports), or remove the entry',
      });
    }
  });

export const frameworkFileSchema = z.strictObject(
  {
    framework: z
      .string({ error: 'is not a framework id; write e.g. framework: soc2' })
      .regex(FRAMEWORK_ID, 'is not a valid framework id; use lowercase letters, digits and hyphens, e.g. soc2'),
    title: line('title', 'give the framework a descriptive title', 200),
    version: z
      .string({ error: 'is not a version string; write it as MAJOR.MINOR.PATCH, e.g. 2026.11.0 (quote it if YAML reads a number)' })
      .regex(VERSION, 'is not a version of the form MAJOR.MINOR.PATCH; write e.g. 2026.11.0'),
    controls: z
      .array(controlSchema, { error: 'is not a list; list the catalog entries under controls' })
      .min(1, "is an empty catalog; list the framework's controls"),
    mappings: z.array(mappingSchema, {
      error: 'is not a list; list the check mappings under mappings (use [] for none)',
    }),
  },
  { error: 'is not a mapping file; expected keys framework, title, version, controls, mappings' },
);

export type FrameworkFile = z.infer<typeof frameworkFileSchema>;

const KEYS = {
  top: Object.keys(frameworkFileSchema.shape),
  control: Object.keys(controlSchema.shape),
  mapping: ['check', 'controls', 'rationale', 'supports'],
};

function allowedKeysAt(segments: readonly PropertyKey[]): string[] {
  if (segments.length === 0) return KEYS.top;
  return segments[0] === 'controls' ? KEYS.control : KEYS.mapping;
}

function valueAt(data: unknown, segments: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let cur: unknown = data;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return { found: false, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return { found: true, value: cur };
}

/** The path and text of one zod issue, as `<path>` and `<bad value> <problem>; <fix>`. */
export function describeIssue(issue: core.$ZodIssue, data: unknown): { segments: PropertyKey[]; problem: string } {
  const segments = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const allowed = allowedKeysAt(segments);
    const hint = closest(key, allowed);
    return {
      segments: [...segments, key],
      problem: `unknown key ${show(key)}; ${hint ? `did you mean ${show(hint)}? ` : ''}allowed keys here are ${allowed.join(', ')}`,
    };
  }
  if (segments.length === 0 && (data === null || data === undefined)) {
    return { segments, problem: 'the file is empty; write a mapping with framework, title, version, controls, mappings' };
  }
  const { found, value } = valueAt(data, segments);
  if (!found) {
    const key = segments[segments.length - 1];
    const hint = issue.message.split('; ').slice(1).join('; ');
    return { segments, problem: `missing required key ${show(key)}; add it${hint ? `: ${hint}` : ''}` };
  }
  return { segments, problem: `${show(value)} ${issue.message}` };
}
