// Chance and identity for the simulated organization. Every value is a hash of (seed, key) rather than
// the next draw of a sequence, so one repository, pull request or day is built on its own and adding
// one never reshuffles the others.
import { createHash } from 'node:crypto';

/** FNV-1a over UTF-16 units, then an avalanche so neighbouring keys land far apart. */
export function hash32(key: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

/** A number in [0, 1) fixed by (seed, key). */
export const draw = (seed: number, key: string): number => hash32(key, seed) / 2 ** 32;

/** An integer in [min, max] fixed by (seed, key). */
export const between = (seed: number, key: string, min: number, max: number): number => min + Math.floor(draw(seed, key) * (max - min + 1));

export function pick<T>(items: readonly T[], r: number): T {
  const item = items[Math.min(items.length - 1, Math.floor(r * items.length))];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** A 40-hex git object id: commits must look like commits, and never collide. */
export function gitOid(seed: number, key: string): string {
  return createHash('sha1').update(`${seed}\0${key}`).digest('hex');
}

/** The REST `node_id` of an older object: base64 of "0<length>:<Type><id>", as GitHub still serves. */
export function legacyNodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

/** A newer GraphQL id (`PR_kwDO…`, `B_kwDO…`): a type prefix and 16 url-safe characters. */
export function graphNodeId(prefix: string, seed: number, key: string): string {
  const bytes = createHash('sha1').update(`node\0${seed}\0${key}`).digest().subarray(0, 12);
  return `${prefix}_kwDO${bytes.toString('base64url')}`;
}
