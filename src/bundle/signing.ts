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

/** SHA-256 of the public key (SPKI DER), as colon-separated hex pairs of its first 16 bytes. */
export function fingerprint(publicKey: string): string {
  const der = createPublicKey(publicKey).export({ type: 'spki', format: 'der' });
  const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
  return `SHA256:${hex.match(/../g)!.join(':')}`;
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
