// Reads a mapping file as untrusted input: bounded size, strict UTF-8, one document, unique keys and no
// anchors/aliases (an alias bomb expands a few hundred bytes into gigabytes). Keeps the parsed document
// so later errors can point at a line.
import fs from 'node:fs';
import { LineCounter, isAlias, isNode, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import { mappingError } from './error.js';

export const MAX_MAPPING_FILE_BYTES = 1024 * 1024;

export interface YamlSource {
  data: unknown;
  /** " (line N)" for the node at `segments`, or its nearest existing ancestor; "" if unknown. */
  lineOf(segments: readonly PropertyKey[]): string;
}

export function readYamlSource(file: string): YamlSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw mappingError(file, '(file)', `cannot be read (${errCode(err)}); check the path and permissions`);
  }
  if (!stat.isFile()) throw mappingError(file, '(file)', 'is not a regular file; point at a .yaml mapping file');
  // Checked before reading so an oversized file is never loaded into memory.
  if (stat.size > MAX_MAPPING_FILE_BYTES) {
    throw mappingError(file, '(file)', `is ${stat.size} bytes, over the 1 MiB limit; split it or remove unused content`);
  }

  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw mappingError(file, '(file)', `cannot be read (${errCode(err)}); check the path and permissions`);
  }
  // Re-checked after reading: the file may have grown since stat.
  if (bytes.length > MAX_MAPPING_FILE_BYTES) {
    throw mappingError(file, '(file)', `is over the 1 MiB limit; split it or remove unused content`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw mappingError(file, '(file)', 'is not valid UTF-8; save it as UTF-8');
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, version: '1.2' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = problem.linePos?.[0] ?? lineCounter.linePos(problem.pos[0]);
    // The yaml package's advice for this case names its own API; say it in the operator's terms instead.
    const what = problem.code === 'MULTIPLE_DOCS' ? 'the file holds more than one document' : firstLine(problem.message);
    const fix =
      problem.code === 'DUPLICATE_KEY'
        ? 'each key may appear once per mapping; remove or rename the repeat'
        : problem.code === 'MULTIPLE_DOCS'
          ? 'keep one YAML document per file (no "---" separators)'
          : 'fix the YAML syntax';
    throw mappingError(file, `line ${pos.line}, column ${pos.col}`, `invalid YAML: ${what}; ${fix}`);
  }
  refuseAnchors(file, doc, lineCounter);

  return {
    data: doc.toJS({ maxAliasCount: 0 }),
    lineOf(segments) {
      for (let n = segments.length; n >= 0; n--) {
        const node: unknown = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n) as unknown[], true);
        const offset = isNode(node) ? node.range?.[0] : undefined;
        if (offset !== undefined) return ` (line ${lineCounter.linePos(offset).line})`;
      }
      return '';
    },
  };
}

function refuseAnchors(file: string, doc: Document, lineCounter: LineCounter): void {
  let found: { offset: number; what: string } | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) found = { offset: node.range?.[0] ?? 0, what: `alias "*${node.source}"` };
    else if (isNode(node) && node.anchor) found = { offset: node.range?.[0] ?? 0, what: `anchor "&${node.anchor}"` };
    return found ? visit.BREAK : undefined;
  });
  if (found) {
    const pos = lineCounter.linePos(found.offset);
    throw mappingError(
      file,
      `line ${pos.line}, column ${pos.col}`,
      `YAML ${found.what} is not allowed (anchors and aliases are refused); write the value out in full`,
    );
  }
}

function firstLine(message: string): string {
  // The yaml package appends " at line N, column M:" and a source excerpt; the position is reported separately.
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function errCode(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String(err.code) : String(err);
}
