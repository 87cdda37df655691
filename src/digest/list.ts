// The digests sent, as `digest --list` shows them: one row each for JSON, a table for the terminal.
import { renderTable } from '../reports/table.js';
import type { RunRecord } from '../store/types.js';
import { countText } from './build.js';

export function digestListRows(runs: readonly RunRecord[]) {
  return runs.map((r) => ({
    run: r.seq,
    label: String(r.meta['label']),
    generatedAt: r.startedAt,
    headline: r.meta['headline'],
    deliveries: r.meta['deliveries'],
    hash: r.hash,
  }));
}

export function digestListTable(runs: readonly RunRecord[]): string {
  return renderTable(
    ['RUN', 'WEEK', 'GENERATED', 'FAILING', 'NEW', 'DELIVERED'],
    runs.map((r) => {
      const h = r.meta['headline'] as { failing: number | null; newFailures: number | null };
      const deliveries = (r.meta['deliveries'] as { target: string; ok: boolean }[]) ?? [];
      return [
        String(r.seq),
        String(r.meta['label']),
        r.startedAt.slice(0, 16),
        countText(h.failing),
        countText(h.newFailures),
        deliveries.map((d) => `${d.target}${d.ok ? '' : ' (failed)'}`).join(', ') || 'not sent',
      ];
    }),
  );
}
