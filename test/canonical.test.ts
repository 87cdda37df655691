// Canonical JSON must stay byte-identical to what every stored hash was computed from: RFC 8785's
// examples, and the `canonicalize` package (used until the store wrote its own) as an oracle over
// thousands of seeded random values.
import canonicalizeModule from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf } from '../src/canonical.js';
import { encodeDocument } from '../src/store/blob-codec.js';
import { rowsDigest } from '../src/store/chain.js';

const oracle = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** Mulberry32: a small seeded generator, so a failure names a value that can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u0080', 'é', '\u2028', '€', '\ud83d\ude00', '\ufb33', '\ud800'];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 2 ** 53 + 2, 5e-324, 1.7976931348623157e308, -1.5e-10, 333333333.3333333];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(CHARS)).join('');
  const kind = depth > 3 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  if (kind === 0) return text();
  if (kind === 1) return next() < 0.5 ? pick(NUMBERS) : (next() - 0.5) * 10 ** Math.floor(next() * 30 - 10);
  if (kind === 2) return pick([true, false, null]);
  if (kind === 3) return Math.floor(next() * 1e6);
  if (kind === 4) return Array.from({ length: Math.floor(next() * 5) }, () => value(next, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [text(), value(next, depth + 1)]));
}

describe('canonical JSON', () => {
  it('sorts keys by UTF-16 code units, as RFC 8785 section 3.2.3 shows', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes numbers as ECMAScript does (RFC 8785 appendix B)', () => {
    expect(canonicalJson([0, -0, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 9007199254740994, 0.000001])).toBe(
      '[0,0,1e+21,1e-7,5e-324,1.7976931348623157e+308,9007199254740994,0.000001]',
    );
  });

  it('leaves undefined out of objects, writes it as null in arrays, and honours toJSON', () => {
    expect(canonicalJson({ b: undefined, a: [undefined, new Date(Date.UTC(2026, 0, 2))] })).toBe('{"a":[null,"2026-01-02T00:00:00.000Z"]}');
  });

  it('refuses what JSON cannot represent', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });

  it('is byte-identical to the canonicalize package over 5,000 random values', () => {
    const next = random(20261126);
    for (let i = 0; i < 5000; i++) {
      const input = value(next, 0);
      expect(canonicalJson(input), JSON.stringify(input)).toBe(oracle(input));
    }
  });

  it('digests delta rows as digestOf does, with JSON.stringify for the rows', () => {
    const next = random(7);
    for (let i = 0; i < 500; i++) {
      const rows = Array.from({ length: Math.floor(next() * 6) }, () => [
        String(value(next, 9)),
        String(value(next, 9)),
        next() < 0.2 ? null : next() < 0.5 ? Math.floor(next() * 100) : String(value(next, 9)),
      ]);
      const sorted = [...rows].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0));
      expect(rowsDigest(rows)).toBe(digestOf(sorted));
    }
  });

  it('encodes a document as the canonical JSON of its four fields, as every stored hash was computed', () => {
    const next = random(11);
    for (let i = 0; i < 1000; i++) {
      const item = { type: String(value(next, 9)), resourceId: String(value(next, 9)), schemaVersion: Math.floor(next() * 3), data: value(next, 0) };
      expect(encodeDocument(item).canonical).toBe(oracle({ type: item.type, resourceId: item.resourceId, schemaVersion: item.schemaVersion, data: item.data }));
    }
  });
});
