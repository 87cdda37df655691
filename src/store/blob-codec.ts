// How an evidence document becomes a stored blob: canonical JSON, SHA-256 address, deflate.
import { deflateSync, inflateSync } from 'node:zlib';
import type { EventItem, EvidenceItem } from '../collector.js';
import { canonicalJson, sha256Hex } from '../canonical.js';

export const BLOB_CODEC = 'deflate';

export interface EncodedDocument {
  hash: string;
  canonical: string;
}

/** The stored form of an evidence item is the canonical JSON of the whole item (type and id included). */
export function encodeDocument(item: EvidenceItem): EncodedDocument {
  const canonical = canonicalJson({
    type: item.type,
    resourceId: item.resourceId,
    schemaVersion: item.schemaVersion,
    data: item.data,
  });
  return { hash: sha256Hex(canonical), canonical };
}

export function compress(canonical: string | Buffer): Buffer {
  return deflateSync(typeof canonical === 'string' ? Buffer.from(canonical, 'utf8') : canonical);
}

/** Inflates a stored blob; throws when the bytes are not a valid deflate stream. */
export function decompress(codec: string, content: Uint8Array): Buffer {
  if (codec !== BLOB_CODEC) throw new Error(`unknown blob codec "${codec}"`);
  return inflateSync(content);
}

export function decodeDocument(text: string): EvidenceItem {
  const parsed = JSON.parse(text) as EvidenceItem;
  return {
    type: parsed.type,
    resourceId: parsed.resourceId,
    schemaVersion: parsed.schemaVersion,
    data: parsed.data,
  };
}

/** An event is stored the same way: canonical JSON of the whole item, addressed by its SHA-256. */
export function encodeEvent(item: EventItem): EncodedDocument {
  const canonical = canonicalJson({
    type: item.type,
    eventId: item.eventId,
    occurredAt: item.occurredAt,
    partition: item.partition,
    schemaVersion: item.schemaVersion,
    data: item.data,
    ...(item.flags?.length ? { flags: item.flags } : {}),
  });
  return { hash: sha256Hex(canonical), canonical };
}

export function decodeEvent(text: string): EventItem {
  return JSON.parse(text) as EventItem;
}
