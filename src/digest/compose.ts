// The digest of a period, from a store and the agent's parts: built, then rendered three ways. The CLI's
// `digest`, the daemon's weekly job and the demo all make it here.
import type { Collector } from '../collector.js';
import type { LoadedConfig } from '../registry-load.js';
import type { Framework } from '../mapping/load.js';
import { collectorCadence } from '../reports/cadence.js';
import { dayOf } from '../reports/days.js';
import { lifecycleOf } from '../reports/event-findings.js';
import type { EvidenceStore } from '../store/types.js';
import { buildDigest, DEFAULT_SLA_DAYS } from './build.js';
import type { Rendered } from './deliver.js';
import { listDigests } from './record.js';
import { digestHtml, digestMarkdown } from './render.js';
import { previousWeek, weekDays } from './week.js';

export interface DigestPeriod {
  label: string;
  from: string;
  to: string;
  timeZone: string;
}

/** What a digest reads besides the store: the config (when there is one), the collectors, the frameworks it reports on. */
export interface DigestInputs {
  loaded: Pick<LoadedConfig, 'config' | 'brokenModules'> | undefined;
  collectors: readonly Collector[];
  frameworks: readonly Framework[];
}

/** The last complete ISO week before `now`, in the configured time zone: what the weekly digest covers. */
export function lastWeekPeriod(timeZone: string, now = new Date()): DigestPeriod {
  const label = previousWeek(dayOf(now, timeZone));
  return { label, ...weekDays(label)!, timeZone };
}

/** The digest of a period from a store: built, rendered three ways. */
export async function renderDigest(store: EvidenceStore, period: DigestPeriod, inputs: DigestInputs): Promise<Rendered> {
  const config = inputs.loaded?.config;
  const sections = (config?.collectors ?? {}) as Record<string, { schedule?: string } | undefined>;
  const previous = (await listDigests(store)).at(-1);
  const digest = await buildDigest(store, {
    ...period,
    frameworks: [...inputs.frameworks],
    collectors: inputs.collectors,
    cadenceDays: collectorCadence(inputs.collectors, sections),
    slaDays: config?.digest?.slaDays ?? DEFAULT_SLA_DAYS,
    lifecycle: lifecycleOf(inputs),
    previousDeliveryProblems: (previous?.meta['deliveryProblems'] as string[] | undefined) ?? [],
  });
  return { digest, markdown: digestMarkdown(digest), html: digestHtml(digest), json: `${JSON.stringify(digest, null, 2)}\n` };
}
