// The bundle's index.html: self-contained (inline styles, no scripts, no network), a control × day
// heatmap per framework, the gaps and failing intervals, the manual controls, and links to the files.
import type { CoverageReport, DayState } from '../reports/coverage.js';

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

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface HtmlReportInput {
  title: string;
  period: { from: string; to: string; timeZone: string };
  fingerprint: string;
  coverage: CoverageReport[];
  files: string[];
}

export function htmlReport(input: HtmlReportInput): string {
  const legend = (Object.keys(COLORS) as DayState[])
    .map((s) => `<span class="key"><span class="cell" style="background:${COLORS[s]}"></span>${escape(LABELS[s])}</span>`)
    .join(' ');
  const sections = input.coverage.map((report) => {
    const header = report.days.map((d, i) => `<th class="day" title="${d}">${i % 7 === 0 ? escape(d.slice(5)) : ''}</th>`).join('');
    const rows = report.controls
      .map((control) => {
        const cells = control.days
          .map((d) => {
            const detail = [...d.failing, ...d.excepted, ...d.causes].slice(0, 5).join('; ');
            return `<td class="cell" data-state="${d.state}" data-day="${d.day}" style="background:${COLORS[d.state]}" title="${escape(`${control.id} ${d.day}: ${LABELS[d.state]}${detail ? ` — ${detail}` : ''}`)}"></td>`;
          })
          .join('');
        const c = control.counts;
        return `<tr data-control="${escape(control.id)}"><th class="control"><a href="controls/${escape(report.framework)}/${escape(control.id)}/findings.csv">${escape(control.id)}</a></th>${cells}<td class="counts">${c.evidenced + c.excepted}/${report.days.length}</td></tr>`;
      })
      .join('\n');
    const gaps = report.controls.flatMap((control) =>
      control.gaps.map((g) => `<li><b>${escape(control.id)}</b> ${g.from}..${g.to}: ${escape(g.details.slice(0, 3).join('; '))}${g.details.length > 3 ? ` (+${g.details.length - 3} more)` : ''}</li>`),
    );
    const failing = report.controls.flatMap((control) =>
      control.failing.map((f) => `<li><b>${escape(control.id)}</b> ${f.from}..${f.to}: ${escape(f.details.slice(0, 3).join('; '))}${f.details.length > 3 ? ` (+${f.details.length - 3} more)` : ''}</li>`),
    );
    return `<section id="${escape(report.framework)}">
<h2>${escape(report.framework.toUpperCase())}: ${report.controls.length} controls evidenced automatically, ${report.manual.length} manual</h2>
<table class="heatmap" data-framework="${escape(report.framework)}"><thead><tr><th></th>${header}<th>days</th></tr></thead><tbody>
${rows}
</tbody></table>
<h3>Gaps (${gaps.length})</h3><ul class="gaps">${gaps.join('') || '<li>None: every day of every automated control was evidenced.</li>'}</ul>
<h3>Failing intervals (${failing.length})</h3><ul class="failing">${failing.join('') || '<li>None.</li>'}</ul>
<h3>Manual evidence</h3><p>${report.manual.map((m) => escape(m.id)).join(', ') || 'None.'}</p>
</section>`;
  });
  const files = input.files.filter((f) => !f.startsWith('evidence/') && !f.startsWith('controls/')).map((f) => `<li><a href="${escape(f)}">${escape(f)}</a></li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(input.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#212121}
table.heatmap{border-collapse:collapse;margin:8px 0}
.heatmap td.cell{width:10px;height:14px;padding:0;border:1px solid #fff}
.heatmap th.day{font-weight:normal;font-size:10px;text-align:left;white-space:nowrap;width:10px;max-width:10px;overflow:visible}
.heatmap th.control{text-align:left;padding-right:8px;font-weight:normal;white-space:nowrap}
.heatmap td.counts{padding-left:8px;font-size:12px;color:#616161}
.key{margin-right:16px}.key .cell{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
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
