// The bundle's index.html: self-contained (inline styles, no scripts, no network), a control × day
// heatmap per framework, the gaps and failing intervals, the failing events with their reviews, the
// manual controls, and links to the files. A cell says how many resources failed of how many were
// judged, its colour the worst severity; a failing day that also has a gap is hatched. The gap count and
// list come from the same day records as coverage.csv.
import type { Severity } from '../collector.js';
import type { ControlDay, CoverageReport, DayState, EventFailureEntry } from '../reports/coverage.js';
import { reviewLine } from '../reports/reviews.js';

const COLORS: Record<DayState, string> = {
  evidenced: '#2e7d32',
  excepted: '#f9a825',
  failing: '#c62828',
  not_evidenced: '#9e9e9e',
};
const LABELS: Record<DayState, string> = {
  evidenced: 'evidenced, passing',
  excepted: 'failing under an accepted exception',
  failing: 'failing',
  not_evidenced: 'not evidenced (gap)',
};
/** A failing cell's colour: the worst severity among its failures, darker when worse. */
const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#4a0000',
  high: '#b71c1c',
  medium: '#e53935',
  low: '#ef9a9a',
};
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
/** Hatching over a cell whose day also has a gap (a failing or excepted day with missing evidence). */
const GAP_HATCH = 'repeating-linear-gradient(45deg,rgba(158,158,158,.9) 0 2px,transparent 2px 5px)';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function cell(controlId: string, d: ControlDay): string {
  const color = d.state === 'failing' && d.severity ? SEVERITY_COLORS[d.severity] : COLORS[d.state];
  const hatched = d.gap && d.state !== 'not_evidenced';
  const style = `background-color:${color}${hatched ? `;background-image:${GAP_HATCH}` : ''}${d.severity === 'low' ? ';color:#212121' : ''}`;
  const counts = d.state === 'failing' ? `${d.failed} of ${d.judged} judged failing, worst severity ${d.severity ?? 'unknown'}` : `${d.judged} judged`;
  const detail = [...d.failing, ...d.excepted, ...d.causes].slice(0, 5).join('; ');
  const title = `${controlId} ${d.day}: ${LABELS[d.state]}${hatched ? ', and a gap' : ''}; ${counts}${detail ? ` — ${detail}` : ''}`;
  return (
    `<td class="cell" data-state="${d.state}" data-day="${d.day}" data-gap="${d.gap}" data-failed="${d.failed}" data-judged="${d.judged}"` +
    `${d.severity ? ` data-severity="${d.severity}"` : ''} style="${style}" title="${escape(title)}">${d.state === 'failing' ? `${d.failed}/${d.judged}` : ''}</td>`
  );
}

function eventLine(e: EventFailureEntry): string {
  const outcome = e.exception ? `excepted (${e.exception})` : e.review ? `${reviewLine(e.review)}: ${e.review.note}` : 'not reviewed';
  return (
    `<tr data-reviewed="${e.review !== null}"><td>${e.day}</td><td>${escape(e.controls.join(', '))}</td><td>${escape(e.checkId)}</td><td>${escape(e.resourceId)}</td>` +
    `<td>${escape(e.severity)}</td><td>${escape(e.message)}</td><td class="review">${escape(outcome)}</td></tr>`
  );
}

export interface HtmlReportInput {
  title: string;
  period: { from: string; to: string; timeZone: string };
  fingerprint: string;
  coverage: CoverageReport[];
  files: string[];
}

export function htmlReport(input: HtmlReportInput): string {
  const legend = [
    ...(['evidenced', 'excepted', 'not_evidenced'] as const).map(
      (s) => `<span class="key"><span class="cell" style="background:${COLORS[s]}"></span>${escape(LABELS[s])}</span>`,
    ),
    ...SEVERITIES.map((s) => `<span class="key"><span class="cell" style="background:${SEVERITY_COLORS[s]}"></span>failing, worst severity ${s}</span>`),
    `<span class="key"><span class="cell" style="background-color:${SEVERITY_COLORS.high};background-image:${GAP_HATCH}"></span>failing (or excepted) and a gap the same day</span>`,
    '<span class="key"><b>3/120</b>: 3 resources failing of 120 judged that day</span>',
  ].join(' ');
  const sections = input.coverage.map((report) => {
    const header = report.days.map((d, i) => `<th class="day" title="${d}">${i % 7 === 0 ? escape(d.slice(5)) : ''}</th>`).join('');
    const rows = report.controls
      .map((control) => {
        const cells = control.days.map((d) => cell(control.id, d)).join('');
        // Days passing (or excepted) with all their evidence.
        const passing = control.days.filter((d) => (d.state === 'evidenced' || d.state === 'excepted') && !d.gap).length;
        return `<tr data-control="${escape(control.id)}"><th class="control"><a href="controls/${escape(report.framework)}/${escape(control.id)}/findings.csv">${escape(control.id)}</a></th>${cells}<td class="counts" title="days passing or excepted, with all their evidence">${passing}/${report.days.length}</td></tr>`;
      })
      .join('\n');
    const gapDays = report.controls.reduce((sum, control) => sum + control.gapDays, 0);
    const gaps = report.controls.flatMap((control) =>
      control.gaps.map(
        (g) =>
          `<li><b>${escape(control.id)}</b> ${g.from}..${g.to}: ${escape(g.details.slice(0, 3).join('; '))}${g.details.length > 3 ? ` (+${g.details.length - 3} more)` : ''}</li>`,
      ),
    );
    const failing = report.controls.flatMap((control) =>
      control.failing.map(
        (f) =>
          `<li><b>${escape(control.id)}</b> ${f.from}..${f.to}: ${escape(f.details.slice(0, 3).join('; '))}${f.details.length > 3 ? ` (+${f.details.length - 3} more)` : ''}</li>`,
      ),
    );
    const unreviewed = report.eventFailures.filter((e) => !e.review && !e.exception).length;
    const events =
      report.eventFailures.length === 0
        ? '<p>None: no event of the period failed a check.</p>'
        : `<table class="events"><thead><tr><th>day</th><th>controls</th><th>check</th><th>event</th><th>severity</th><th>what happened</th><th>review</th></tr></thead><tbody>${report.eventFailures.map(eventLine).join('')}</tbody></table>`;
    const before =
      report.beforePeriod.length === 0
        ? ''
        : `<h3>Before the period (${report.beforePeriod.length})</h3><p>Failing events that runs in the period read but that occurred before it: not deviations in this period.</p>` +
          `<table class="events before"><thead><tr><th>day</th><th>controls</th><th>check</th><th>event</th><th>severity</th><th>what happened</th><th>review</th></tr></thead><tbody>${report.beforePeriod.map(eventLine).join('')}</tbody></table>`;
    return `<section id="${escape(report.framework)}">
<h2>${escape(report.framework.toUpperCase())}: ${report.controls.length} controls evidenced automatically, ${report.manual.length} manual</h2>
<table class="heatmap" data-framework="${escape(report.framework)}"><thead><tr><th></th>${header}<th>days</th></tr></thead><tbody>
${rows}
</tbody></table>
<h3 data-control-days="${gapDays}">Gaps (${gapDays} control-days)</h3><ul class="gaps">${gaps.join('') || '<li>None: every day of every automated control was evidenced.</li>'}</ul>
<h3>Failing intervals (${failing.length})</h3><ul class="failing">${failing.join('') || '<li>None.</li>'}</ul>
<h3>Failing events (${report.eventFailures.length}, ${unreviewed} not reviewed)</h3><p>Each on the day it occurred, with who reviewed it (evidence of monitoring, CC7.3/CC7.4).</p>${events}
${before}
<h3>Manual evidence</h3><p>${report.manual.map((m) => escape(m.id)).join(', ') || 'None.'}</p>
</section>`;
  });
  const files = input.files
    .filter((f) => !f.startsWith('evidence/') && !f.startsWith('controls/'))
    .map((f) => `<li><a href="${escape(f)}">${escape(f)}</a></li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(input.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#212121}
table.heatmap{border-collapse:collapse;margin:8px 0}
.heatmap td.cell{min-width:10px;height:14px;padding:0 1px;border:1px solid #fff;font-size:9px;line-height:14px;color:#fff;text-align:center;white-space:nowrap}
.heatmap th.day{font-weight:normal;font-size:10px;text-align:left;white-space:nowrap;width:10px;max-width:10px;overflow:visible}
.heatmap th.control{text-align:left;padding-right:8px;font-weight:normal;white-space:nowrap}
.heatmap td.counts{padding-left:8px;font-size:12px;color:#616161}
table.events{border-collapse:collapse;font-size:12px}table.events td,table.events th{border-bottom:1px solid #e0e0e0;padding:2px 6px;text-align:left;vertical-align:top}
.key{margin-right:16px;white-space:nowrap}.key .cell{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
</style></head>
<body>
<h1>${escape(input.title)}</h1>
<p>Period ${input.period.from} to ${input.period.to} (${escape(input.period.timeZone)}). Manifest signed with Ed25519 key ${escape(input.fingerprint)}; check it with <code>evidence-agent verify &lt;bundle&gt; --fingerprint ${escape(input.fingerprint)}</code>, once you know that key to be the organization's.</p>
<p>${legend}</p>
${sections.join('\n')}
<h2>Files</h2><ul>${files.join('')}</ul>
</body></html>
`;
}
