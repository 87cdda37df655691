// `evidence-agent export --from --to --out <bundle.tar.gz|dir> [--framework] [--signing-key]`: the
// period bundle for auditors, signed, and recorded in the store (a run of the export stream naming the
// bundle and its signing key); `evidence-agent keygen` (keygen.ts) makes the signing key.
import { openAgent, pickFramework, storeExists } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { exportAndRecord, exportSummary } from '../bundle/export-period.js';
import { readSigningKeyFile } from '../bundle/key-file.js';
import { CliError } from '../cli-error.js';
import { collectorCadence } from '../reports/cadence.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { requestedSamples } from '../sampling/bundle-samples.js';
import { sampleablePopulations } from '../sampling/populations.js';
import { agentVersion } from '../version.js';
import { print, printJson } from './print.js';
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
  if (!storeExists(storePath))
    throw new CliError(`no evidence store at ${storePath}: run \`evidence-agent collect\` (or \`evidence-agent demo\`) first, or pass --db`);
  // Written to: the export is recorded in the store's chain with the key that signed it.
  const store = await agent.openStore('append');
  try {
    const exported = await exportAndRecord(
      store,
      {
        from,
        to,
        timeZone: config?.timezone ?? 'UTC',
        frameworks,
        collectors: agent.collectors,
        cadenceDays: collectorCadence(agent.collectors, sections),
        key,
        agentVersion: agentVersion(),
        out: options.out,
        asCollected: options.asCollected === true,
        organization: config?.organization?.name,
        ...(samples ? { samples } : {}),
      },
      {
        agentVersion: agentVersion(),
        mappingVersion: agent.mappingVersion,
        configDigest: agent.loaded?.digest ?? 'no-config',
        storePath,
        quiet: options.quiet === true,
      },
    );
    const summary = exportSummary(exported, from, to, storePath);
    if (options.json) printJson(summary.json);
    else for (const line of summary.lines) print(line);
    return 0;
  } finally {
    await store.close();
  }
}
