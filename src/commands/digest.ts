// `evidence-agent digest [--week 2026-W47 | --from --to] [--format md|html|json] [--send] [--list]`:
// the weekly evidence digest, printed; with --send delivered as configured and kept as evidence in the
// store. Without --send (or with --dry-run) it is a preview: printed, never kept, so `digest --list`
// shows only digests that were sent, the record that the weekly review had its input.
import { openStoreForReading, pickFramework, readerSetup, readStorePath } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { CliError } from '../cli-error.js';
import { countText } from '../digest/build.js';
import { lastWeekPeriod, renderDigest } from '../digest/compose.js';
import { deliverDigest } from '../digest/deliver.js';
import type { DigestDelivery } from '../digest/deliver.js';
import { listDigests, recordDigest } from '../digest/record.js';
import { weekDays, weekOf } from '../digest/week.js';
import { dayOf } from '../reports/days.js';
import { renderTable } from '../reports/table.js';
import { openStore } from '../store/index.js';
import { agentVersion } from '../version.js';
import { checkSupportedWeek, parseDayRange } from './period.js';
import { parseChoice } from './options.js';
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
  const setup = await readerSetup(options, process.env, true);
  const loaded = setup.loaded;
  if (options.json && options.format !== undefined && options.format !== 'json') throw new CliError(`--json and --format ${options.format}: choose one (--json is --format json)`);
  if (options.list) return listCommand(options);
  const format = options.json ? 'json' : parseChoice('--format', options.format ?? 'md', ['md', 'html', 'json'] as const);
  const timeZone = loaded?.config.timezone ?? 'UTC';
  const period = digestPeriod(options, timeZone);
  if (options.send && options.dryRun) throw new CliError('--send and --dry-run: choose one (--dry-run shows the digest without sending or keeping it)');
  if (options.send && !loaded?.config.digest?.deliver) throw new CliError('--send: the config has no digest.deliver (directory, slack or email)');
  const deliver = loaded?.config.digest?.deliver as DigestDelivery | undefined;
  if (options.send && !deliver?.directory && !deliver?.slack && !deliver?.email) {
    throw new CliError('--send: digest.deliver names no target; add a directory, slack or email under digest.deliver in the config');
  }

  // A preview only reads: the store is opened read-only and nothing is kept.
  const store = options.send ? openStore(readStorePath(options)) : openStoreForReading(options);
  try {
    const rendered = await renderDigest(store, period, { ...setup, frameworks: pickFramework(setup.frameworks, options.framework) });
    const outcomes = options.send ? await deliverDigest(rendered, deliver!) : [];
    if (options.send) {
      await recordDigest(store, rendered.digest, rendered.markdown, outcomes, {
        at: new Date(),
        agentVersion: agentVersion(),
        mappingVersion: setup.mappingVersion,
        configDigest: loaded?.digest ?? 'no-config',
      });
    }
    printDocument(format === 'md' ? rendered.markdown : format === 'html' ? rendered.html : rendered.json);
    for (const outcome of outcomes) printError(`digest ${outcome.ok ? 'delivered' : 'NOT delivered'} (${outcome.target}): ${outcome.detail}`);
    return outcomes.some((o) => !o.ok) ? 1 : 0;
  } finally {
    await store.close();
  }
}

export function digestPeriod(options: { week?: string; from?: string; to?: string }, timeZone: string, now = new Date()) {
  if (options.week && (options.from || options.to)) throw new CliError('--week and --from/--to: choose one');
  if (options.from || options.to) {
    const { from, to } = parseDayRange(options.from, options.to);
    return { label: `${from}..${to}`, from, to, timeZone };
  }
  const label = options.week ?? lastWeekPeriod(timeZone, now).label;
  checkSupportedWeek('--week', label);
  const days = weekDays(label);
  if (!days) throw new CliError(`--week: expected an ISO week such as ${weekOf(dayOf(now, timeZone)).label}, got "${label}"`);
  return { label, ...days, timeZone };
}

async function listCommand(options: DigestCommandOptions): Promise<number> {
  const store = openStoreForReading(options);
  try {
    const runs = await listDigests(store);
    const rows = runs.map((r) => ({
      run: r.seq,
      label: String(r.meta['label']),
      generatedAt: r.startedAt,
      headline: r.meta['headline'],
      deliveries: r.meta['deliveries'],
      hash: r.hash,
    }));
    if (options.format === 'json' || options.json) printJson(rows);
    else if (rows.length === 0) print('No digest sent yet: evidence-agent digest --send sends one and keeps it (a preview is not kept).');
    else {
      print(
        renderTable(
          ['RUN', 'WEEK', 'GENERATED', 'FAILING', 'NEW', 'DELIVERED'],
          runs.map((r) => {
            const h = r.meta['headline'] as { failing: number | null; newFailures: number | null };
            const deliveries = (r.meta['deliveries'] as { target: string; ok: boolean }[]) ?? [];
            return [String(r.seq), String(r.meta['label']), r.startedAt.slice(0, 16), countText(h.failing), countText(h.newFailures), deliveries.map((d) => `${d.target}${d.ok ? '' : ' (failed)'}`).join(', ') || 'not sent'];
          }),
        ),
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
