// The digest as Markdown (a terminal, a GitHub issue) and as email-safe HTML (inline styles, no script,
// an inline SVG of the failing trend). Every category appears: an empty one says so in one line. Text
// from the APIs goes in through `md` (escaped text) and `mdCode` (a code span when safe): see escape.ts.
import { countText } from './build.js';
import type { Digest } from './build.js';
import { htmlEscape as escape, inlineMarkdownToHtml, markdownCode as mdCode, markdownText as md } from './escape.js';

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
  // A week nothing was seen in has no state to report: its sections say so instead of "none".
  const observed = <T>(title: string, items: readonly T[], empty: string, line: (item: T) => string) =>
    d.noData ? section(title, items, `No data: ${d.noData}.`, line, 'no data') : section(title, items, empty, line);
  const lines = [
    `# Evidence digest ${md(d.label)} (${d.from} to ${d.to}, ${md(d.timeZone)})`,
    '',
    d.noData
      ? `**No data for this week**: ${d.noData}. Nothing is known of the estate's state in it · ${h.gaps} coverage gaps`
      : `**${countText(h.failing)} failing** · ${countText(h.newFailures)} new · ${countText(h.resolved)} resolved · ${countText(h.overdue)} overdue · ${h.gaps} coverage gaps · ${countText(h.driftedResources)} drifted resources`,
    '',
    ...observed(
      'New failures',
      d.newFailures,
      'No new failure this week.',
      (f) =>
        `**${f.severity}** ${f.checkId} on ${mdCode(f.resourceId)} (${md(f.collector)} ${md(f.scope)}) since ${day(f.since)}${controls(f.controls)}: ${md(f.message)}`,
    ),
    ...observed(
      'Resolved',
      d.resolved,
      'Nothing that failed last week was fixed this week.',
      (f) => `${f.checkId} on ${mdCode(f.resourceId)}: ${md(f.fixedBy)}`,
    ),
    ...observed(
      'Still failing',
      d.stillFailing,
      'Nothing failed both last week and this week.',
      (f) =>
        `${f.overdue ? '**OVERDUE** ' : ''}${f.severity} ${f.checkId} on ${mdCode(f.resourceId)}: ${f.awaitingReview ? 'not reviewed' : 'failing'} for ${f.ageDays} days (${f.awaitingReview ? 'review ' : ''}SLA ${f.slaDays}) since ${day(f.since)}`,
    ),
    ...observed(
      'Drift that still passes',
      d.drift,
      'No passing resource changed.',
      (r) => `${md(r.type)} ${mdCode(r.resourceId)}: ${r.changes.map((change) => `${md(change.path)} ${md(change.before)} → ${md(change.after)}`).join('; ')}`,
    ),
    ...section(
      'Coverage gaps',
      d.coverage.flatMap((c) => c.gaps.map((g) => ({ ...g, framework: c.framework }))),
      'Every automated control was evidenced every day.',
      (g) => `${g.framework.toUpperCase()} ${g.control} ${g.from}..${g.to}: ${md(g.cause)}`,
    ),
    ...d.coverage.map(
      (c) => `${c.framework.toUpperCase()}: ${c.evidencedControlDays} of ${c.controlDays} control-days evidenced (${c.controls} automated controls).`,
    ),
    '',
    ...section(
      'Collectors that missed runs',
      d.missedRuns,
      'Every collector ran every day.',
      (m) => `${md(m.collector)} ${md(m.scope)}: no successful run on ${m.days.join(', ')} (${md(m.cause)})`,
    ),
    ...observed('New resources', d.newResources, 'No new resource.', (r) => `${md(r.type)} ${mdCode(r.resourceId)} (${md(r.collector)} ${md(r.scope)})`),
    ...observed(
      'Removed resources',
      d.removedResources,
      'No resource removed.',
      (r) => `${md(r.type)} ${mdCode(r.resourceId)} (${md(r.collector)} ${md(r.scope)})`,
    ),
    ...section(
      'Exceptions expiring within 14 days',
      d.expiringExceptions,
      'No exception expires in the next 14 days.',
      (e) => `${md(e.id)}: ${md(e.check)} on ${mdCode(e.resource)} expires ${e.expires} (${e.daysLeft} days; approved by ${md(e.approver)})`,
    ),
    ...section(
      'Attestations expired or expiring within 14 days',
      d.expiringAttestations ?? [],
      'No attestation expires in the next 14 days.',
      (a) =>
        `${a.daysLeft < 0 ? '**EXPIRED** ' : ''}${md(a.framework)} ${md(a.control)}: ${md(a.note)} (${md(a.file.name)}, attested by ${md(a.attestedBy)} on ${day(a.attestedAt)}) ${a.daysLeft < 0 ? 'expired' : 'expires'} ${day(a.validUntil)}`,
    ),
    ...d.populations.flatMap((p) =>
      section(md(p.title), p.notable, 'None this week.', (line) => md(line), `${p.notable.length} of ${p.rows} in the population`),
    ),
    ...observed(
      'Notable events (failing event checks)',
      d.eventFailures,
      'No event check failed this week.',
      (e) => `**${e.severity}** ${md(e.title)} (${md(e.scope)}, ${day(e.occurredAt)}): ${md(e.message)} (${md(e.reviewed ?? 'not reviewed')})`,
    ),
    ...section('Delivery problems of the previous digest', d.deliveryProblems, 'The previous digest was delivered everywhere.', (p) => md(p)),
    `Failing findings at the end of each of the last eight weeks: ${d.trend.map((t) => `${t.week}: ${countText(t.failing)}`).join(', ')}.`,
    '',
    chainHeadLine(d.chainHead, d.signingKeys),
    '',
  ];
  return lines.join('\n');
}

/** Kept off the volume with the digest, the head lets `verify --head` detect runs removed or rewritten since. */
export function chainHeadLine(head: Digest['chainHead'], signingKeys: Digest['signingKeys'] = []): string {
  const keys =
    signingKeys.length === 0
      ? ' No export bundle has been signed from this store yet.'
      : ` Export bundles of this store are signed by ${signingKeys.map((k) => `${k.fingerprint} (last used by export run ${k.lastExportRun})`).join(', ')}: ` +
        `check a bundle with \`evidence-agent verify <bundle> --fingerprint ${signingKeys[0]!.fingerprint}\`.`;
  if (!head) return `Chain head: the store held no run when this digest was made.${keys}`;
  return `Chain head when this digest was made: run ${head.seq}, sha256:${head.hash}. Check the store against it later with \`evidence-agent verify --head ${head.seq}:${head.hash}\`.${keys}`;
}

/**
 * A small bar chart of the trend, inline SVG (email clients that drop SVG still show the numbers). A week
 * without data gets no bar, only a dashed outline labelled "no data": an empty bar would read as 0.
 */
function trendSvg(trend: Digest['trend']): string {
  const max = Math.max(1, ...trend.map((t) => t.failing ?? 0));
  const bars = trend
    .map((t, i) => {
      const label = `<text x="${i * 30 + 15}" y="82" font-size="${t.failing === null ? 7 : 9}" text-anchor="middle">${countText(t.failing)}</text>`;
      if (t.failing === null) {
        return `<rect x="${i * 30 + 5}" y="10" width="20" height="60" fill="none" stroke="#9e9e9e" stroke-dasharray="3,3"><title>${escape(`${t.week}: no data (${t.noData ?? 'no snapshot'})`)}</title></rect>${label}`;
      }
      const height = Math.round((t.failing / max) * 60);
      return `<rect x="${i * 30 + 5}" y="${70 - height}" width="20" height="${height}" fill="#c62828"><title>${t.week}: ${t.failing} failing</title></rect>${label}`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${trend.length * 30 + 10}" height="88" role="img" aria-label="failing findings over eight weeks">${bars}</svg>`;
}

/** Email-safe HTML from the Markdown: headings, bold, code, lists; inline styles only. */
export function digestHtml(d: Digest): string {
  const body = digestMarkdown(d)
    .split('\n')
    .map((line) => {
      if (line.startsWith('# ')) return `<h1 style="font-size:20px;margin:0 0 8px">${inlineMarkdownToHtml(line.slice(2))}</h1>`;
      if (line.startsWith('## '))
        return `<h2 style="font-size:16px;margin:16px 0 4px;border-bottom:1px solid #ddd">${inlineMarkdownToHtml(line.slice(3))}</h2>`;
      if (line.startsWith('- ')) return `<div style="margin:2px 0 2px 12px">• ${inlineMarkdownToHtml(line.slice(2))}</div>`;
      return line ? `<p style="margin:4px 0">${inlineMarkdownToHtml(line)}</p>` : '';
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
