// The digest as Markdown (a terminal, a GitHub issue) and as email-safe HTML (inline styles, no script,
// an inline SVG of the failing trend). Every category appears: an empty one says so in one line.
import type { Digest } from './build.js';

const MAX_ITEMS = 25;

function section<T>(title: string, items: readonly T[], empty: string, line: (item: T) => string, count = `${items.length}`): string[] {
  const lines = [`## ${title} (${count})`, ''];
  if (items.length === 0) return [...lines, empty, ''];
  for (const item of items.slice(0, MAX_ITEMS)) lines.push(`- ${line(item)}`);
  if (items.length > MAX_ITEMS) lines.push(`- … and ${items.length - MAX_ITEMS} more (see the JSON digest)`);
  return [...lines, ''];
}

const controls = (list: string[]) => (list.length > 0 ? ` [${list.join(', ')}]` : '');
const day = (iso: string) => iso.slice(0, 10);

export function digestMarkdown(d: Digest): string {
  const h = d.headline;
  const lines = [
    `# Evidence digest ${d.label} (${d.from} to ${d.to}, ${d.timeZone})`,
    '',
    `**${h.failing} failing** · ${h.newFailures} new · ${h.resolved} resolved · ${h.overdue} overdue · ${h.gaps} coverage gaps · ${h.driftedResources} drifted resources`,
    '',
    ...section('New failures', d.newFailures, 'No new failure this week.', (f) => `**${f.severity}** ${f.checkId} on \`${f.resourceId}\` (${f.collector} ${f.scope}) since ${day(f.since)}${controls(f.controls)}: ${f.message}`),
    ...section('Resolved', d.resolved, 'Nothing that failed last week was fixed this week.', (f) => `${f.checkId} on \`${f.resourceId}\`: ${f.fixedBy}`),
    ...section('Still failing', d.stillFailing, 'Nothing failed both last week and this week.', (f) =>
      `${f.overdue ? '**OVERDUE** ' : ''}${f.severity} ${f.checkId} on \`${f.resourceId}\`: ${f.awaitingReview ? 'not reviewed' : 'failing'} for ${f.ageDays} days (${f.awaitingReview ? 'review ' : ''}SLA ${f.slaDays}) since ${day(f.since)}`,
    ),
    ...section('Drift that still passes', d.drift, 'No passing resource changed.', (r) =>
      `${r.type} \`${r.resourceId}\`: ${r.changes.map((c) => `${c.path} ${c.before} → ${c.after}`).join('; ')}`,
    ),
    ...section('Coverage gaps', d.coverage.flatMap((c) => c.gaps.map((g) => ({ ...g, framework: c.framework }))), 'Every automated control was evidenced every day.', (g) =>
      `${g.framework.toUpperCase()} ${g.control} ${g.from}..${g.to}: ${g.cause}`,
    ),
    ...d.coverage.map((c) => `${c.framework.toUpperCase()}: ${c.evidencedControlDays} of ${c.controlDays} control-days evidenced (${c.controls} automated controls).`),
    '',
    ...section('Collectors that missed runs', d.missedRuns, 'Every collector ran every day.', (m) => `${m.collector} ${m.scope}: no successful run on ${m.days.join(', ')} (${m.cause})`),
    ...section('New resources', d.newResources, 'No new resource.', (r) => `${r.type} \`${r.resourceId}\` (${r.collector} ${r.scope})`),
    ...section('Removed resources', d.removedResources, 'No resource removed.', (r) => `${r.type} \`${r.resourceId}\` (${r.collector} ${r.scope})`),
    ...section('Exceptions expiring within 14 days', d.expiringExceptions, 'No exception expires in the next 14 days.', (e) =>
      `${e.id}: ${e.check} on \`${e.resource}\` expires ${e.expires} (${e.daysLeft} days; approved by ${e.approver})`,
    ),
    ...section('Attestations expired or expiring within 14 days', d.expiringAttestations ?? [], 'No attestation expires in the next 14 days.', (a) =>
      `${a.daysLeft < 0 ? '**EXPIRED** ' : ''}${a.framework} ${a.control}: ${a.note} (${a.file.name}, attested by ${a.attestedBy} on ${day(a.attestedAt)}) ${a.daysLeft < 0 ? 'expired' : 'expires'} ${day(a.validUntil)}`,
    ),
    ...d.populations.flatMap((p) => section(p.title, p.notable, 'None this week.', (line) => line, `${p.notable.length} of ${p.rows} in the population`)),
    ...section('Notable events (failing event checks)', d.eventFailures, 'No event check failed this week.', (e) => `**${e.severity}** ${e.title} (${e.scope}, ${day(e.occurredAt)}): ${e.message} (${e.reviewed ?? 'not reviewed'})`),
    ...section('Delivery problems of the previous digest', d.deliveryProblems, 'The previous digest was delivered everywhere.', (p) => p),
    `Failing findings at the end of each of the last eight weeks: ${d.trend.map((t) => `${t.week}: ${t.failing}`).join(', ')}.`,
    '',
    chainHeadLine(d.chainHead),
    '',
  ];
  return lines.join('\n');
}

/** Kept off the volume with the digest, the head lets `verify --head` detect runs removed or rewritten since. */
export function chainHeadLine(head: Digest['chainHead']): string {
  if (!head) return 'Chain head: the store held no run when this digest was made.';
  return `Chain head when this digest was made: run ${head.seq}, sha256:${head.hash}. Check the store against it later with \`evidence-agent verify --head ${head.seq}:${head.hash}\`.`;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small bar chart of the trend, inline SVG (email clients that drop SVG still show the numbers). */
function trendSvg(trend: Digest['trend']): string {
  const max = Math.max(1, ...trend.map((t) => t.failing));
  const bars = trend
    .map((t, i) => {
      const height = Math.round((t.failing / max) * 60);
      return `<rect x="${i * 30 + 5}" y="${70 - height}" width="20" height="${height}" fill="#c62828"><title>${t.week}: ${t.failing}</title></rect><text x="${i * 30 + 15}" y="82" font-size="9" text-anchor="middle">${t.failing}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${trend.length * 30 + 10}" height="88" role="img" aria-label="failing findings over eight weeks">${bars}</svg>`;
}

/** Email-safe HTML from the Markdown: headings, bold, code, lists; inline styles only. */
export function digestHtml(d: Digest): string {
  const body = digestMarkdown(d)
    .split('\n')
    .map((line) => {
      const inline = escape(line)
        .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
        .replace(/`(.+?)`/g, '<code style="background:#f1f1f1;padding:0 3px">$1</code>');
      if (line.startsWith('# ')) return `<h1 style="font-size:20px;margin:0 0 8px">${inline.slice(2)}</h1>`;
      if (line.startsWith('## ')) return `<h2 style="font-size:16px;margin:16px 0 4px;border-bottom:1px solid #ddd">${inline.slice(3)}</h2>`;
      if (line.startsWith('- ')) return `<div style="margin:2px 0 2px 12px">• ${inline.slice(2)}</div>`;
      return line ? `<p style="margin:4px 0">${inline}</p>` : '';
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence digest ${escape(d.label)}</title></head>
<body style="font:14px/1.45 Arial,Helvetica,sans-serif;color:#212121;max-width:900px;margin:16px">
${body}
<h2 style="font-size:16px;margin:16px 0 4px;border-bottom:1px solid #ddd">Trend</h2>
${trendSvg(d.trend)}
</body></html>
`;
}
