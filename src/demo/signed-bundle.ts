// The demo's period export: the simulated days, signed with a demo key kept next to the store (made
// once), written next to the store and replaced by the next demo, and recorded in the store's chain as
// any export is (so `verify --db` trusts it).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Collector } from '../collector.js';
import { exportBundle } from '../bundle/export.js';
import { recordExport } from '../bundle/export-record.js';
import { generateSigningKey, loadPrivateKey } from '../bundle/signing.js';
import type { Framework } from '../mapping/load.js';
import { collectorCadence } from '../reports/cadence.js';
import { DEMO_CONFIG_DIGEST } from '../store/index.js';
import type { EvidenceStore } from '../store/types.js';
import { agentVersion } from '../version.js';

export async function demoBundle(
  store: EvidenceStore,
  dbPath: string,
  schedule: readonly Date[],
  inputs: { frameworks: Framework[]; collectors: readonly Collector[]; mappingVersion: string; now: Date },
) {
  const { frameworks, collectors } = inputs;
  const dir = dirname(dbPath);
  const keyPath = join(dir, 'demo-signing-key.pem');
  if (!existsSync(keyPath)) {
    const pair = generateSigningKey();
    writeFileSync(keyPath, pair.privateKey, { mode: 0o600 });
    writeFileSync(`${keyPath}.pub`, pair.publicKey);
  }
  const from = schedule[0]!.toISOString().slice(0, 10);
  const to = schedule.at(-1)!.toISOString().slice(0, 10);
  const out = join(dir, `demo-bundle-${from}-to-${to}.tar.gz`);
  rmSync(out, { force: true });
  const bundle = await exportBundle(store, {
    from,
    to,
    timeZone: 'UTC',
    frameworks,
    collectors,
    cadenceDays: collectorCadence(collectors),
    signingKey: loadPrivateKey(readFileSync(keyPath, 'utf8'), keyPath),
    agentVersion: agentVersion(),
    out,
    organization: 'Example Co (the evidence-agent demo sandbox)',
  });
  // Recorded like any export: the store's chain names the bundle and its key, so `verify --db` trusts it.
  await recordExport(store, bundle, { at: inputs.now, agentVersion: agentVersion(), mappingVersion: inputs.mappingVersion, configDigest: DEMO_CONFIG_DIGEST });
  return bundle;
}
