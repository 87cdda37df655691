// `evidence-agent export --from --to --out <bundle.tar.gz|dir> [--framework] [--signing-key]`: the
// period bundle for auditors, signed, and recorded in the store (a run of the export stream naming the
// bundle and its signing key); `evidence-agent keygen --out <file>` makes the signing key.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pickFramework, readerSetup, readStorePath } from '../agent.js';
import type { AgentSetup, GlobalOptions } from '../agent.js';
import { exportBundle, ExportError } from '../bundle/export.js';
import { recordExport } from '../bundle/export-record.js';
import { fingerprint, generateSigningKey, loadPrivateKey, SigningKeyError } from '../bundle/signing.js';
import { CliError } from '../cli-error.js';
import { collectorCadence } from '../reports/cadence.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { parseSampleRequests } from '../sampling/bundle-samples.js';
import type { BundleSamples } from '../sampling/bundle-samples.js';
import { sampleablePopulations } from '../sampling/populations.js';
import { openStore } from '../store/index.js';
import { agentVersion } from '../version.js';
import { print, printJson } from './print.js';
import { startProgress } from '../progress.js';
import { parseDayRange } from './period.js';

export interface ExportCommandOptions extends GlobalOptions {
  from?: string;
  to?: string;
  framework?: string;
  out?: string;
  signingKey?: string;
  asCollected?: boolean;
  sample?: string;
  seed?: string;
  json?: boolean;
}

export async function exportCommand(options: ExportCommandOptions): Promise<number> {
  const { from, to } = parseDayRange(options.from, options.to);
  if (!options.out) throw new CliError('--out: required (bundle.tar.gz, or a new directory)');
  const setup = await readerSetup(options);
  const frameworks = pickFramework(setup.frameworks, options.framework);
  const samples = samplesOf(options, setup);
  const configPath = setup.loaded?.path;
  const config = setup.loaded?.config;
  const keyPath = options.signingKey ?? (config?.signing?.privateKeyPath ? resolve(dirname(configPath!), config.signing.privateKeyPath) : undefined);
  if (!keyPath) throw new CliError('--signing-key: required (or signing.privateKeyPath in the config); make one with `evidence-agent keygen --out <file>`');
  let pem: string;
  try {
    pem = readFileSync(keyPath, 'utf8');
  } catch (error) {
    throw new CliError(`signing key: cannot read ${keyPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const sections = (config?.collectors ?? {}) as Record<string, { schedule?: string } | undefined>;
  const storePath = readStorePath(options);
  if (!existsSync(storePath)) throw new CliError(`no evidence store at ${storePath}: run \`evidence-agent collect\` (or \`evidence-agent demo\`) first, or pass --db`);
  // Written to: the export is recorded in the store's chain with the key that signed it.
  const store = openStore(storePath);
  const progress = startProgress('export', 0, '', { quiet: options.quiet === true });
  try {
    const result = await exportBundle(store, {
      onProgress: (step, done, total) => {
        progress.setTotal(total);
        progress.update(done, step);
      },
      from,
      to,
      timeZone: config?.timezone ?? 'UTC',
      frameworks,
      collectors: setup.collectors,
      cadenceDays: collectorCadence(setup.collectors, sections),
      signingKey: loadPrivateKey(pem, keyPath),
      agentVersion: agentVersion(),
      out: options.out,
      asCollected: options.asCollected === true,
      organization: config?.organization?.name,
      ...(samples ? { samples } : {}),
    });
    progress.stop();
    const recorded = await recordExport(store, result, { at: new Date(), agentVersion: agentVersion(), mappingVersion: setup.mappingVersion, configDigest: setup.loaded?.digest ?? 'no-config' }).catch((error: unknown) => {
      // The bundle is whole and in place; only the store's record of it is missing.
      throw new CliError(`wrote ${result.path} (key ${result.fingerprint}), but could not record the export in ${storePath}: ${(error as Error).message}`, 1);
    });
    if (options.json) {
      printJson({ path: result.path, files: result.files, bytes: result.bytes, runs: result.runs, from, to, fingerprint: result.fingerprint, store: storePath, recordedAsRun: recorded.seq });
      return 0;
    }
    print(`wrote ${result.path}: ${result.files} files, ${(result.bytes / 1024).toFixed(0)} KiB, ${result.runs} runs from ${from} to ${to}`);
    print(`signed with Ed25519 key ${result.fingerprint}; recorded in ${storePath} as run ${recorded.seq}`);
    print(`verify offline: evidence-agent verify ${result.path} --fingerprint ${result.fingerprint}   (or --db ${storePath}: the key this store recorded)`);
    return 0;
  } catch (error) {
    if (error instanceof ExportError || error instanceof SigningKeyError) throw new CliError(error.message);
    throw error;
  } finally {
    progress.stop();
    await store.close();
  }
}

/** --sample population=N[,…] with --seed: the samples the bundle carries. */
function samplesOf(options: ExportCommandOptions, setup: AgentSetup): BundleSamples | undefined {
  if (options.sample === undefined) {
    if (options.seed !== undefined) throw new CliError('--seed: only with --sample population=N[,…]');
    return undefined;
  }
  if (options.seed === undefined || options.seed === '') throw new CliError('--seed: required with --sample (any text; the same seed draws the same samples)');
  try {
    return { seed: options.seed, requests: parseSampleRequests(options.sample, sampleablePopulations(setup.collectors, lifecycleOf(setup).eventChecks)) };
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

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
  print('set signing.privateKeyPath in the config to sign exports with it; give auditors the .pub file or its fingerprint (verify <bundle> --public-key or --fingerprint)');
  return 0;
}
