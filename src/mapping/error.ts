// The one error type of the mapping loader. Messages are a single line, "<file>: <path>: <problem>; <fix>",
// so a CLI can print them as-is and an operator can go straight to the offending line.
import path from 'node:path';

export class MappingError extends Error {
  override name = 'MappingError';
}

/** A file path as operators see it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

/** `mappings[3].controls[1]` from `['mappings', 3, 'controls', 1]`; `(top level)` for the root. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** A value quoted for a message: JSON, cut short, never spanning lines. */
export function show(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = text.replace(/[\r\n]+/g, ' ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function mappingError(file: string, where: string, problem: string): MappingError {
  return new MappingError(`${displayPath(file)}: ${where}: ${problem}`.replace(/[\r\n]+/g, ' '));
}
