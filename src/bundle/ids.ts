// Deterministic identifiers for bundle documents: the same period and store give the same ids, so two
// exports are byte-identical. UUIDs are name-based (RFC 9562 version 5 layout over SHA-256 bits).
import { createHash } from 'node:crypto';

export function stableUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
