// One period export as `evidence-agent export` runs it: the bundle written (a progress bar on a terminal),
// then recorded in the store's chain with the key that signed it; and what the command prints of it.
import { CliError } from '../cli-error.js';
import { startProgress } from '../progress.js';
import type { EvidenceStore } from '../store/types.js';
import { exportBundle, ExportError } from './export.js';
import type { ExportOptions, ExportResult } from './export.js';
import { recordExport } from './export-record.js';
import { loadPrivateKey, SigningKeyError } from './signing.js';

export interface RecordedExport {
  result: ExportResult;
  /** The run of the export stream that records this bundle. */
  recordedAsRun: number;
}

/** Writes the bundle signed with `key` and records it; a bad period, framework or key is a usage error (exit 2). */
export async function exportAndRecord(
  store: EvidenceStore,
  { key, ...options }: Omit<ExportOptions, 'onProgress' | 'signingKey'> & { key: { pem: string; path: string } },
  record: { agentVersion: string; mappingVersion: string; configDigest: string; storePath: string; quiet: boolean },
): Promise<RecordedExport> {
  const progress = startProgress('export', 0, '', { quiet: record.quiet });
  try {
    const result = await exportBundle(store, {
      ...options,
      signingKey: loadPrivateKey(key.pem, key.path),
      onProgress: (step, done, total) => {
        progress.setTotal(total);
        progress.update(done, step);
      },
    });
    progress.stop();
    const recorded = await recordExport(store, result, { at: new Date(), ...record }).catch((error: unknown) => {
      // The bundle is whole and in place; only the store's record of it is missing.
      throw new CliError(
        `wrote ${result.path} (key ${result.fingerprint}), but could not record the export in ${record.storePath}: ${(error as Error).message}`,
        1,
      );
    });
    return { result, recordedAsRun: recorded.seq };
  } catch (error) {
    if (error instanceof ExportError || error instanceof SigningKeyError) throw new CliError(error.message);
    throw error;
  } finally {
    progress.stop();
  }
}

/** The command's output: the JSON document, or three lines (what was written, how it was signed, how to verify it). */
export function exportSummary({ result, recordedAsRun }: RecordedExport, from: string, to: string, storePath: string) {
  return {
    json: {
      path: result.path,
      files: result.files,
      bytes: result.bytes,
      runs: result.runs,
      from,
      to,
      fingerprint: result.fingerprint,
      store: storePath,
      recordedAsRun,
    },
    lines: [
      `wrote ${result.path}: ${result.files} files, ${(result.bytes / 1024).toFixed(0)} KiB, ${result.runs} runs from ${from} to ${to}`,
      `signed with Ed25519 key ${result.fingerprint}; recorded in ${storePath} as run ${recordedAsRun}`,
      `verify offline: evidence-agent verify ${result.path} --fingerprint ${result.fingerprint}   (or --db ${storePath}: the key this store recorded)`,
    ],
  };
}
