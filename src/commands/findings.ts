// `evidence-agent findings`: the findings of the latest snapshots (or as of --at), with every event
// failure not yet reviewed, filterable by status (`reviewed`: event failures someone reviewed), framework
// and control; --fail-on turns failing findings into exit code 1 for pipelines.
import { openStoreForReading, pickFramework, readerSetup } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import type { FindingStatus, Severity } from '../collector.js';
import { CliError } from '../cli-error.js';
import { currentState } from '../reports/current-state.js';
import type { CurrentFinding } from '../reports/current-state.js';
import { lifecycleOf } from '../reports/event-findings.js';
import { reviewLine } from '../reports/reviews.js';
import { renderTable } from '../reports/table.js';
import { SEVERITIES, STATUSES, parseAsOf, parseChoice } from './options.js';
import { print, printJson, printWarnings } from './print.js';

export interface FindingsOptions extends GlobalOptions {
  status?: string;
  framework?: string;
  control?: string;
  at?: string;
  json?: boolean;
  failOn?: string;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const STATUS_RANK: Record<FindingStatus | 'reviewed', number> = { fail: 0, error: 1, reviewed: 2, pass: 3, not_applicable: 4 };
/** The statuses --status takes: a check's, and `reviewed` for a failing event someone reviewed. */
export const FINDING_STATUSES = [...STATUSES, 'reviewed'] as const;

/** What a finding shows as: `reviewed` for a failing event someone reviewed (no longer counted as failing). */
export const shownStatus = (f: Pick<CurrentFinding, 'status' | 'review'>): FindingStatus | 'reviewed' => (f.status === 'fail' && f.review ? 'reviewed' : f.status);

export async function findingsCommand(options: FindingsOptions): Promise<number> {
  const status = options.status ? parseChoice('--status', options.status, FINDING_STATUSES) : undefined;
  const failOn = options.failOn ? parseChoice('--fail-on', options.failOn, SEVERITIES) : undefined;
  const at = options.at ? parseAsOf('--at', options.at) : undefined;
  const setup = await readerSetup(options);
  const frameworks = pickFramework(setup.frameworks, options.framework);
  if (options.control && !frameworks.some((f) => f.checksByControl.has(options.control!))) {
    throw new CliError(
      `--control: "${options.control}" is not a control of ${frameworks.map((f) => f.id).join(' or ')} (see \`evidence-agent controls\`)`,
    );
  }
  const titles = new Map(setup.collectors.flatMap((c) => c.checks.map((check) => [check.id, check.title] as const)));

  const store = openStoreForReading(options);
  try {
    const state = await currentState(store, at, lifecycleOf(setup));
    printWarnings(state.warnings, options.json);
    const rows = state.findings
      .map((finding) => ({
        ...finding,
        title: titles.get(finding.checkId) ?? finding.checkId,
        controls: Object.fromEntries(frameworks.map((f) => [f.id, f.controlsByCheck.get(finding.checkId) ?? []])),
      }))
      .filter((f) => !status || shownStatus(f) === status)
      .filter((f) => !options.framework || Object.values(f.controls).some((ids) => ids.length > 0))
      .filter((f) => !options.control || Object.values(f.controls).some((ids) => ids.includes(options.control!)))
      .sort(
        (a, b) =>
          STATUS_RANK[shownStatus(a)] - STATUS_RANK[shownStatus(b)] ||
          SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
          a.checkId.localeCompare(b.checkId) ||
          a.resourceId.localeCompare(b.resourceId),
      );
    if (options.json) printJson(rows);
    else if (rows.length === 0) print('No findings match.');
    else {
      print(
        renderTable(
          ['status', 'severity', 'check', 'resource', 'message'],
          rows.map((f) => [
            f.exception ? `fail (excepted: ${f.exception.id})` : f.review ? `reviewed (${reviewLine(f.review).replace('reviewed ', '')})` : f.status,
            f.severity,
            f.checkId,
            f.resourceId,
            f.message,
          ]),
        ),
      );
      const failing = rows.filter((f) => shownStatus(f) === 'fail').length;
      const excepted = rows.filter((f) => f.exception).length;
      const reviewed = rows.filter((f) => shownStatus(f) === 'reviewed').length;
      const unreviewed = rows.filter((f) => shownStatus(f) === 'fail' && !f.exception && f.occurredAt !== null).length;
      print(
        `\n${rows.length} finding(s), ${failing} failing${excepted ? ` (${excepted} under an accepted exception)` : ''}${reviewed ? `, ${reviewed} reviewed` : ''}.` +
          (unreviewed ? `\n${unreviewed} failing event(s) stay open until reviewed: evidence-agent review <event id> --note "what you found"` : ''),
      );
    }
    const breaches = failOn
      ? rows.filter((f) => shownStatus(f) === 'fail' && !f.exception && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn])
      : [];
    return breaches.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
