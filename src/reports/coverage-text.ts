// The coverage report as text (`evidence-agent coverage`): a line per control with its days, then its gaps
// and failing intervals, the controls left to manual evidence, and the failing events.
import { terminalLine } from '../terminal-text.js';
import type { CoverageReport } from './coverage.js';
import { reviewLine } from './reviews.js';

const more = (items: readonly string[]) => (items.length > 1 ? ` (+${items.length - 1} more)` : '');
/** The first detail of a gap or failing interval, on its line (API text: a newline in it stays shown). */
const first = (items: readonly string[]) => terminalLine(items[0] ?? '');

export function coverageText(report: CoverageReport): string {
  const lines = [`${report.framework}: ${report.from} to ${report.to} (${report.days.length} days, ${report.timeZone})`];
  for (const control of report.controls) {
    const c = control.counts;
    // A failing or excepted day with a gap was not evidenced in full: it is counted apart, never hidden.
    const withGap = (state: string) => control.days.filter((d) => d.state === state && d.gap).length;
    const [failingGaps, exceptedGaps] = [withGap('failing'), withGap('excepted')];
    lines.push(
      `  ${control.id.padEnd(12)} ${report.days.length - control.gapDays}/${report.days.length} days evidenced: ` +
        `${c.evidenced} passing, ${c.failing} failing${failingGaps ? ` (${failingGaps} with a gap)` : ''}, ` +
        `${c.excepted} excepted${exceptedGaps ? ` (${exceptedGaps} with a gap)` : ''}, ${c.not_evidenced} not evidenced`,
    );
    for (const gap of control.gaps) lines.push(`      gap ${gap.from}..${gap.to}: ${first(gap.details)}${more(gap.details)}`);
    for (const failing of control.failing) lines.push(`      failing ${failing.from}..${failing.to}: ${first(failing.details)}${more(failing.details)}`);
  }
  lines.push(`  manual evidence (${report.manual.length} controls no check covers): ${report.manual.map((m) => m.id).join(', ')}`);
  if (report.eventFailures.length > 0) {
    const open = report.eventFailures.filter((e) => !e.review && !e.exception).length;
    lines.push(`  failing events (${report.eventFailures.length}, ${open} not reviewed):`);
    for (const e of report.eventFailures) {
      lines.push(
        `      ${e.day} ${e.checkId} ${e.resourceId}: ${e.exception ? `excepted (${e.exception})` : e.review ? `${reviewLine(e.review)}: ${e.review.note}` : 'not reviewed'}`,
      );
    }
  }
  if (report.beforePeriod.length > 0) {
    lines.push(
      `  before the period (${report.beforePeriod.length} failing events read in it that occurred earlier; no deviation in it): ${report.beforePeriod
        .map((e) => `${e.day} ${e.checkId} ${e.resourceId}`)
        .slice(0, 5)
        .join(', ')}${report.beforePeriod.length > 5 ? ` (+${report.beforePeriod.length - 5} more)` : ''}`,
    );
  }
  return lines.join('\n');
}
