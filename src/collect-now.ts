// One collection, now (`evidence-agent collect`): each configured collector in turn, as runCollectors runs
// them, under a progress bar (on a terminal) that names the one running.
import { startProgress } from './progress.js';
import { runCollectors } from './runner.js';
import type { ConfiguredCollector, RunBatch, RunContext } from './runner.js';

export async function collectNow(collectors: readonly ConfiguredCollector[], context: RunContext, options: { quiet: boolean }): Promise<RunBatch> {
  const scopeCount = collectors.reduce((sum, c) => sum + scopesOf(c), 0);
  const progress = startProgress('collect', scopeCount, 'runs', { quiet: options.quiet });
  const batch: RunBatch = { runs: [], unrecorded: [] };
  try {
    for (const configured of collectors) {
      progress.update(batch.runs.length + batch.unrecorded.length, configured.collector.id);
      const { runs, unrecorded } = await runCollectors([configured], context);
      batch.runs.push(...runs);
      batch.unrecorded.push(...unrecorded);
    }
  } finally {
    progress.stop();
  }
  return batch;
}

/** How many runs a collector makes (its scopes); none when they cannot be listed (the runner logs why). */
function scopesOf(configured: ConfiguredCollector): number {
  try {
    return configured.collector.scopes(configured.options).length;
  } catch {
    return 0;
  }
}
