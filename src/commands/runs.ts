// `evidence-agent runs`: the run history, newest last.
import { openAgent } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { renderTable } from '../reports/table.js';
import { parseIntegerOption } from './options.js';
import { print, printJson } from './print.js';

export interface RunsOptions extends GlobalOptions {
  collector?: string;
  limit?: string;
  json?: boolean;
}

export async function runsCommand(options: RunsOptions): Promise<number> {
  const limit = options.limit ? parseIntegerOption('--limit', options.limit, 1, 1_000_000) : undefined;
  const agent = await openAgent(options, 'store');
  const store = await agent.openStore('read');
  try {
    const runs = await store.listRuns({ collector: options.collector, limit });
    if (options.json) {
      printJson(runs);
      return 0;
    }
    if (runs.length === 0) {
      print('No runs recorded yet.');
      return 0;
    }
    print(
      renderTable(
        ['run', 'started (UTC)', 'collector', 'scope', 'status', 'api calls', 'evidence', '+/~/-', 'pass/fail/error', 'redacted', 'error'],
        runs.map((r) => [
          String(r.seq),
          r.startedAt.slice(0, 19).replace('T', ' '),
          r.collector,
          r.scope,
          r.status,
          String(r.apiCalls),
          String(r.evidenceCount),
          `${r.changes.added}/${r.changes.changed}/${r.changes.removed}`,
          `${r.findingCounts.pass}/${r.findingCounts.fail}/${r.findingCounts.error}`,
          // Secret values redacted from what the run stored (its chained meta); blank where not recorded.
          typeof r.meta.redacted === 'number' ? String(r.meta.redacted) : '',
          r.error ? r.error.slice(0, 80) : '',
        ]),
      ),
    );
    return 0;
  } finally {
    await store.close();
  }
}
