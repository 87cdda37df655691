// The export's signing key file: --signing-key, else the config's signing.privateKeyPath (relative to the
// config file), read as PEM; loaded as a key when the bundle is signed (signing.ts).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import type { ConfigFile } from '../config/index.js';

export function readSigningKeyFile(given: string | undefined, loaded: ConfigFile | undefined): { pem: string; path: string } {
  const configured = loaded?.config.signing?.privateKeyPath;
  const path = given ?? (configured ? resolve(dirname(loaded!.path!), configured) : undefined);
  if (!path) throw new CliError('--signing-key: required (or signing.privateKeyPath in the config); make one with `evidence-agent keygen --out <file>`');
  try {
    return { pem: readFileSync(path, 'utf8'), path };
  } catch (error) {
    throw new CliError(`signing key: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
