// Ed25519 signing of a bundle's manifest: deterministic signatures (the same manifest and key give the
// same bytes), a public key that travels with the bundle, and a fingerprint short enough to read out.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface KeyPairPem {
  privateKey: string;
  publicKey: string;
}

export function generateSigningKey(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

export function loadPrivateKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new SigningKeyError(`${source}: not a PEM private key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`${source}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'a secret key'}`);
  return key;
}

export function publicKeyPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * The OpenSSH fingerprint of an Ed25519 public key: `SHA256:` and the unpadded base64 of the SHA-256 of
 * the key's SSH wire form (RFC 8709: the string "ssh-ed25519", then the 32-byte key, each preceded by its
 * length as a 4-byte big-endian integer). `ssh-keygen -lf` prints the same value for the key in OpenSSH
 * format; docs/security.md shows how to compute it from public-key.pem with openssl alone.
 */
export function fingerprint(publicKey: string | KeyObject): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`expected an Ed25519 public key, got ${key.asymmetricKeyType ?? 'a secret key'}`);
  const raw = Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
  const wire = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
  return `SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`;
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** `SHA256:` and 43 base64 characters: the form `fingerprint` writes (and ssh-keygen prints). */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** A fingerprint as the user wrote it, checked; `source` names the flag or field in the error. */
export function parseFingerprint(value: string, source: string): string {
  const trimmed = value.trim();
  if (!FINGERPRINT_PATTERN.test(trimmed)) {
    throw new SigningKeyError(
      `${source}: expected a key fingerprint as keygen and export print it (SHA256: and 43 base64 characters), got "${value.slice(0, 80)}"`,
    );
  }
  return trimmed;
}

/** The public key of a PEM file (a public key, or a private key whose public half is taken). */
export function loadPublicKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new SigningKeyError(`${source}: not a PEM public key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`${source}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'a secret key'}`);
  return key;
}

export function signManifest(manifest: Buffer, privateKey: KeyObject): string {
  return `${sign(null, manifest, privateKey).toString('base64')}\n`;
}

export function verifyManifest(manifest: Buffer, signature: string, publicKey: string): boolean {
  try {
    const key = createPublicKey(publicKey);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, manifest, key, Buffer.from(signature.trim(), 'base64'));
  } catch {
    return false;
  }
}
