// `evidence-agent export --from --to --out <bundle.tar.gz|dir> [--framework] [--signing-key]`: the
// period bundle for auditors, signed, and recorded in the store (a run of the export stream naming the
// bundle and its signing key); `evidence-agent keygen` (keygen.ts) makes the signing key.
import { existsSync } from 'node:fs';
import { openAgent, pickFramework } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { exportBundle, ExportError } from '../bundle/export.js';
import { recordExport } from '../bundle/export-record.js';
import { readSigningKeyFile } from '../bundle/key-file.js';
import { loadPrivateKey, SigningKeyError } from '../bundle/signing.js';
import { CliError } from '../cli-error.js';
import { collectorCadence } from '../reports/cadence.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { requestedSamples } from '../sampling/bundle-samples.js';
import { sampleablePopulations } from '../sampling/populations.js';
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
  const agent = await openAgent(options, 'read');
  const frameworks = pickFramework(agent.frameworks, options.framework);
  const samples = requestedSamples(options.sample, options.seed, () => sampleablePopulations(agent.collectors, lifecycleOf(agent).eventChecks));
  const key = readSigningKeyFile(options.signingKey, agent.loaded);
  const config = agent.loaded?.config;
  const sections = (config?.collectors ?? {}) as Record<string, { schedule?: string } | undefined>;
  const storePath = agent.storePath;
  if (!existsSync(storePath))
    throw new CliError(`no evidence store at ${storePath}: run \`evidence-agent collect\` (or \`evidence-agent demo\`) first, or pass --db`);
  // Written to: the export is recorded in the store's chain with the key that signed it.
  const store = await agent.openStore('append');
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
      collectors: agent.collectors,
      cadenceDays: collectorCadence(agent.collectors, sections),
      signingKey: loadPrivateKey(key.pem, key.path),
      agentVersion: agentVersion(),
      out: options.out,
      asCollected: options.asCollected === true,
      organization: config?.organization?.name,
      ...(samples ? { samples } : {}),
    });
    progress.stop();
    const recorded = await recordExport(store, result, {
      at: new Date(),
      agentVersion: agentVersion(),
      mappingVersion: agent.mappingVersion,
      configDigest: agent.loaded?.digest ?? 'no-config',
    }).catch((error: unknown) => {
      // The bundle is whole and in place; only the store's record of it is missing.
      throw new CliError(`wrote ${result.path} (key ${result.fingerprint}), but could not record the export in ${storePath}: ${(error as Error).message}`, 1);
    });
    if (options.json) {
      printJson({
        path: result.path,
        files: result.files,
        bytes: result.bytes,
        runs: result.runs,
        from,
        to,
        fingerprint: result.fingerprint,
        store: storePath,
        recordedAsRun: recorded.seq,
      });
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
