// Canonical JSON (RFC 8785) and SHA-256: the basis of content addressing and of the hash chain.
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// The package is CommonJS (`module.exports = fn`) but its types declare a default export, so under
// nodenext the default import is the function itself at run time while TypeScript sees a namespace.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** RFC 8785 canonical JSON of a JSON-serialisable value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash of a value's canonical form: equal values hash equally whatever their key order. */
export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
