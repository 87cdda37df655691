// How the agent opens its evidence store: the one factory every command, the daemon and the bench go
// through (src/agent.ts), and the guards around it: real evidence never goes into a demo store, and a
// demo replaces only a previous demo store.
import { existsSync, rmSync, statSync } from 'node:fs';
import { EXPORT_COLLECTOR } from './bundle/export-record.js';
import { CliError } from './cli-error.js';
import { DIGEST_COLLECTOR } from './digest/stream.js';
import { REVIEW_COLLECTOR } from './reports/reviews.js';
import { DEMO_CONFIG_DIGEST, isPostgresUrl, openStore } from './store/index.js';
import type { EvidenceStore, RunRecord, StoreIdentity, StoreKind } from './store/types.js';

/**
 * The store at `path`: read-only (nothing migrates or checkpoints the file being read), or writable,
 * created as `kind` when it does not exist yet. A second store implementation plugs in here.
 */
export function openEvidenceStore(path: string, options: { readonly?: boolean; kind?: StoreKind; untouched?: boolean } = {}): EvidenceStore {
  return openStore(path, options);
}

/**
 * Real evidence never goes into a demo store: the chain would mix simulated and real runs. The store's
 * kind is the one recorded when it was created (digests or exports written into it later change
 * nothing); a store from before kinds were recorded is a demo store when any run is the demo's.
 */
export async function refuseDemoStore(path: string): Promise<void> {
  if (!isPostgresUrl(path) && !existsSync(path)) return;
  // A new PostgreSQL database gets its schema here, as collect would give it next.
  const store = openEvidenceStore(path, { readonly: !isPostgresUrl(path) });
  try {
    const identity = await store.identity();
    if (!identity.intact) {
      throw new CliError(
        `${path}: its identity record (whether it holds demo or real evidence) does not match its hash: run \`evidence-agent verify --db ${path}\`, and collect into another file (--db or store.path) meanwhile`,
      );
    }
    if (identity.kind === 'demo') {
      throw new CliError(
        `${path} is a demo store (simulated runs of the sandbox account): collect real evidence into another file (--db or store.path); a new file starts a clean store`,
      );
    }
  } finally {
    await store.close();
  }
}

/**
 * A demo replaces only a previous demo store. A file that is not a store is refused when it is opened
 * (read-only: nothing is written to it); a store for real evidence, or one holding a real run (a store
 * from before kinds were recorded, where real runs followed the demo), is refused here.
 */
export async function prepareDemoStore(path: string): Promise<void> {
  // An empty file is an empty database: the store is created in it, nothing is lost. What is not a
  // file (a directory) is reported when the store is opened.
  const file = existsSync(path) ? statSync(path) : undefined;
  if (!file?.isFile() || file.size === 0) return;
  const store = openEvidenceStore(path, { readonly: true });
  let identity: StoreIdentity;
  let runs: RunRecord[];
  try {
    identity = await store.identity();
    runs = await store.listRuns();
  } finally {
    await store.close();
  }
  // Digests, exports and reviews made from the demo's evidence are about the demo: they do not make it a real store.
  const real = runs.find(
    (run) =>
      run.configDigest !== DEMO_CONFIG_DIGEST && run.collector !== DIGEST_COLLECTOR && run.collector !== EXPORT_COLLECTOR && run.collector !== REVIEW_COLLECTOR,
  );
  if (identity.kind === 'real' || !identity.intact || (real && !identity.recorded)) {
    throw new CliError(
      `${path} ${
        real
          ? `holds real evidence (run ${real.seq}, ${real.collector} ${real.scope})`
          : `is a store for real evidence (${identity.recorded ? 'recorded when it was created' : 'it holds no run of the demo'})`
      }: the demo will not write into it; pass --db to choose another file`,
    );
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}
