// `evidence-agent keygen --out <file>`: the Ed25519 key that signs period exports, its public half next to
// it as <file>.pub; an existing file is never overwritten.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GlobalOptions } from '../agent.js';
import { fingerprint, generateSigningKey } from '../bundle/signing.js';
import { CliError } from '../cli-error.js';
import { print, printJson } from './print.js';

export async function keygenCommand(options: GlobalOptions & { out?: string; json?: boolean }): Promise<number> {
  if (!options.out) throw new CliError('--out: required (the private key file to write; the public key goes next to it as <file>.pub)');
  const out = resolve(options.out);
  if (existsSync(out)) throw new CliError(`${out} already exists: a signing key is never overwritten`);
  const pair = generateSigningKey();
  writeFileSync(out, pair.privateKey, { mode: 0o600, flag: 'wx' });
  writeFileSync(`${out}.pub`, pair.publicKey, { flag: 'wx' });
  if (options.json) {
    printJson({ privateKey: out, publicKey: `${out}.pub`, fingerprint: fingerprint(pair.publicKey) });
    return 0;
  }
  print(`wrote ${out} (private, mode 600) and ${out}.pub; fingerprint ${fingerprint(pair.publicKey)}`);
  print(
    'set signing.privateKeyPath in the config to sign exports with it; give auditors the .pub file or its fingerprint (verify <bundle> --public-key or --fingerprint)',
  );
  return 0;
}
