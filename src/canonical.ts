// Canonical JSON (RFC 8785) and SHA-256: the basis of content addressing and of the hash chain.
import { hash } from 'node:crypto';

/**
 * RFC 8785 canonical JSON of a JSON-serialisable value: object keys sorted by UTF-16 code units, strings
 * and numbers as ECMAScript's JSON.stringify writes them (RFC 8785 defines both by it), no whitespace.
 * `toJSON` is honoured (dates); `undefined` and symbols are left out of objects and are null in arrays,
 * as in JSON.stringify. NaN and Infinity have no JSON form and throw. Written out rather than taken
 * from a package: it runs once per stored document, and this is a fifth faster than the one we used,
 * with byte-identical output (held to it by test/canonical.test.ts).
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}

function serialize(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be represented as JSON`);
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('a BigInt cannot be represented as JSON');
    case 'object':
      break;
    default:
      return undefined; // undefined, functions, symbols
  }
  const withJson = value as { toJSON?: unknown };
  if (typeof withJson.toJSON === 'function') return serialize((withJson.toJSON as () => unknown).call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${serialize(value[i]) ?? 'null'}`;
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const text = serialize(record[key]);
    if (text === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  // The one-shot hash: half the cost of createHash().update().digest() on a small document.
  return hash('sha256', data, 'hex');
}

/** Hash of a value's canonical form: equal values hash equally whatever their key order. */
export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
