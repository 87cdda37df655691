// The signing key exports are signed with: readable, an Ed25519 private key, and its fingerprint shown
// (what auditors are given to trust).
import { readFileSync } from 'node:fs';
import { fingerprint, loadPrivateKey, publicKeyPem } from '../bundle/signing.js';
import { errorText, fail, ok, skip } from './check.js';
import type { DoctorCheck } from './check.js';

export function signingChecks(keyPath: string | undefined): DoctorCheck[] {
  if (!keyPath) return [skip('signing', 'private key', 'no signing.privateKeyPath: `export` needs --signing-key (make one with evidence-agent keygen)')];
  let pem: string;
  try {
    pem = readFileSync(keyPath, 'utf8');
  } catch (error) {
    return [fail('signing', keyPath, `cannot read it (${(error as NodeJS.ErrnoException).code ?? errorText(error)})`)];
  }
  try {
    return [ok('signing', keyPath, `an Ed25519 private key, fingerprint ${fingerprint(publicKeyPem(loadPrivateKey(pem, keyPath)))}`)];
  } catch (error) {
    return [fail('signing', keyPath, errorText(error))];
  }
}
