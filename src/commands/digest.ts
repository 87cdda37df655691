// `evidence-agent digest [--week 2026-W47 | --from --to] [--format md|html|json] [--send] [--list]`:
// the weekly evidence digest, printed; with --send delivered as configured and kept as evidence in the
// store. Without --send (or with --dry-run) it is a preview: printed, never kept, so `digest --list`
// shows only digests that were sent, the record that the weekly review had its input.
import { openAgent, pickFramework } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { renderDigest } from '../digest/compose.js';
import { deliverDigest } from '../digest/deliver.js';
import type { DigestDelivery } from '../digest/deliver.js';
import { digestListRows, digestListTable } from '../digest/list.js';
import { listDigests, recordDigest } from '../digest/record.js';
import { agentVersion } from '../version.js';
import { digestPeriod, parseChoice } from './options.js';
import { print, printDocument, printError, printJson } from './print.js';

export interface DigestCommandOptions extends GlobalOptions {
  week?: string;
  from?: string;
  to?: string;
  format?: string;
  framework?: string;
  send?: boolean;
  list?: boolean;
  dryRun?: boolean;
  /** The same as --format json. */
  json?: boolean;
}

export async function digestCommand(options: DigestCommandOptions): Promise<number> {
  // The digest is delivered with the config's webhook and SMTP secrets: they must be real.
  const agent = await openAgent(options, 'deliver');
  const loaded = agent.loaded;
  if (options.json && options.format !== undefined && options.format !== 'json')
    throw new CliError(`--json and --format ${options.format}: choose one (--json is --format json)`);
  if (options.list) {
    const store = await agent.openStore('read');
    try {
      const runs = await listDigests(store);
      if (options.format === 'json' || options.json) printJson(digestListRows(runs));
      else
        print(runs.length === 0 ? 'No digest sent yet: evidence-agent digest --send sends one and keeps it (a preview is not kept).' : digestListTable(runs));
      return 0;
    } finally {
      await store.close();
    }
  }
  const format = options.json ? 'json' : parseChoice('--format', options.format ?? 'md', ['md', 'html', 'json'] as const);
  const period = digestPeriod(options, loaded?.config.timezone ?? 'UTC');
  if (options.send && options.dryRun) throw new CliError('--send and --dry-run: choose one (--dry-run shows the digest without sending or keeping it)');
  if (options.send && !loaded?.config.digest?.deliver) throw new CliError('--send: the config has no digest.deliver (directory, slack or email)');
  const deliver = loaded?.config.digest?.deliver as DigestDelivery | undefined;
  if (options.send && !deliver?.directory && !deliver?.slack && !deliver?.email) {
    throw new CliError('--send: digest.deliver names no target; add a directory, slack or email under digest.deliver in the config');
  }

  // A preview only reads: the store is opened read-only and nothing is kept.
  const store = await agent.openStore(options.send ? 'append' : 'read');
  try {
    const rendered = await renderDigest(store, period, {
      loaded,
      collectors: agent.collectors,
      frameworks: pickFramework(agent.frameworks, options.framework),
    });
    const outcomes = options.send ? await deliverDigest(rendered, deliver!) : [];
    if (options.send) {
      const context = { at: new Date(), agentVersion: agentVersion(), mappingVersion: agent.mappingVersion, configDigest: loaded?.digest ?? 'no-config' };
      await recordDigest(store, rendered.digest, rendered.markdown, outcomes, context);
    }
    printDocument(format === 'md' ? rendered.markdown : format === 'html' ? rendered.html : rendered.json);
    for (const outcome of outcomes) printError(`digest ${outcome.ok ? 'delivered' : 'NOT delivered'} (${outcome.target}): ${outcome.detail}`);
    return outcomes.some((o) => !o.ok) ? 1 : 0;
  } finally {
    await store.close();
  }
}
