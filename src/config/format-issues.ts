// Turns zod issues into one line each: `path: expected …, got …`, never echoing a secret.
import type { z } from 'zod';
import { closest } from '../suggest.js';
import { isSecretField } from '../redaction.js';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

function describeInput(input: unknown, path: readonly PropertyKey[]): string {
  if (isSecretField(path.at(-1))) {
    return typeof input === 'string' ? `a value of ${input.length} characters` : `a ${typeof input}`;
  }
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  const text = JSON.stringify(input);
  if (text === undefined) return typeof input;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[], allowedKeys?: (path: PropertyKey[]) => string[]): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const known = allowedKeys?.([...issue.path]) ?? [];
      const hint = closest(key, known);
      const allowed = known.length ? ` (allowed: ${known.join(', ')})` : '';
      return `${formatPath([...path, key])}: unknown field${hint ? `; did you mean "${hint}"?` : allowed}`;
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [`${formatPath(path)}: required, expected ${issue.expected}`];
  }
  // zod's own invalid_type wording is "Invalid input: …"; a schema's custom message is kept as written.
  const message = issue.code === 'invalid_type' && issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message;
  return [`${formatPath(path)}: ${message}, got ${describeInput(issue.input, path)}`];
}
