// How an evidence document becomes a stored blob: canonical JSON, SHA-256 address, deflate when it pays.
import { deflateSync, inflateSync } from 'node:zlib';
import type { EventItem, EvidenceItem } from '../collector.js';
import { canonicalJson, sha256Hex } from '../canonical.js';

export const BLOB_CODEC = 'deflate';
/** Blobs stored as their UTF-8 bytes. */
export const PLAIN_CODEC = 'identity';
/**
 * Below this many bytes a blob is stored as it is: deflate saves a few dozen bytes on a 200-byte document
 * but costs ~25 µs (a zlib stream set up per call), ten times the rest of its ingest.
 */
export const COMPRESS_FROM_BYTES = 512;

export interface EncodedDocument {
  hash: string;
  canonical: string;
}

/** The stored form of an evidence item is the canonical JSON of the whole item (type and id included). */
export function encodeDocument(item: EvidenceItem): EncodedDocument {
  // The canonical JSON of {type, resourceId, schemaVersion, data}, its four keys written in their sorted
  // order: the same bytes as canonicalJson of that object, without building and sorting it per document.
  if (item.data === undefined || typeof item.schemaVersion !== 'number') {
    const canonical = canonicalJson({ type: item.type, resourceId: item.resourceId, schemaVersion: item.schemaVersion, data: item.data });
    return { hash: sha256Hex(canonical), canonical };
  }
  const canonical =
    `{"data":${canonicalJson(item.data)},"resourceId":${canonicalJson(item.resourceId)},` +
    `"schemaVersion":${canonicalJson(item.schemaVersion)},"type":${canonicalJson(item.type)}}`;
  return { hash: sha256Hex(canonical), canonical };
}

export interface StoredBlob {
  codec: typeof BLOB_CODEC | typeof PLAIN_CODEC;
  content: Buffer;
}

/** The bytes to store for a text (or a file's bytes) and the codec that reads them back. */
export function compress(canonical: string | Buffer): StoredBlob {
  const bytes = typeof canonical === 'string' ? Buffer.from(canonical, 'utf8') : canonical;
  return bytes.length < COMPRESS_FROM_BYTES ? { codec: PLAIN_CODEC, content: bytes } : { codec: BLOB_CODEC, content: deflateSync(bytes) };
}

/** A stored blob's bytes; throws on an unknown codec or bytes that are not a valid deflate stream. */
export function decompress(codec: string, content: Uint8Array): Buffer {
  if (codec === PLAIN_CODEC) return Buffer.from(content);
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
