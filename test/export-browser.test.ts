// The bundle's index.html in headless Chromium (Debian's chromium through playwright-core): one heatmap
// cell per control per day, a gap that is visible as a grey cell, no request leaving the page, and a
// screenshot kept in test-artifacts/ for a person to look at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exportBundle } from '../src/bundle/export.js';
import { generateSigningKey, loadPrivateKey } from '../src/bundle/signing.js';
import type { CollectResult, Collector } from '../src/collector.js';
import { loadBuiltinFrameworks } from '../src/mapping/load.js';
import { openStore } from '../src/store/index.js';
import { builtinCollectors } from '../collectors/index.js';
import { runOnDay } from './helpers/period-history.js';
import { chromiumOrSkip } from './helpers/browser.js';
import { tempDbPath } from './helpers/store-fixtures.js';

const ARTIFACTS = resolve('test-artifacts');

/** A collector standing in for aws-iam: its findings feed the real SOC 2 mapping; it fails on day 3. */
const stand = builtinCollectors.find((c) => c.id === 'aws-iam')!;
const collector: Collector<{ timeoutSeconds: number }> = {
  ...(stand as unknown as Collector<{ timeoutSeconds: number }>),
  optionsSchema: z.object({ timeoutSeconds: z.number() }),
  checks: [stand.checks.find((c) => c.id === 'aws_iam_root_mfa_enabled')!] as never,
  scopes: () => [{ key: '111122223333', settings: {} }],
  collect: async (ctx): Promise<CollectResult> => {
    if (ctx.now().getUTCDate() === 4) throw new Error('AccessDenied');
    return {
      evidence: [
        {
          type: 'aws.iam.root-credentials',
          resourceId: 'arn:aws:iam::111122223333:root',
          schemaVersion: 1,
          data: { accountId: '111122223333', accountMfaEnabled: ctx.now().getUTCDate() < 8 },
        },
      ],
      errors: [],
    };
  },
};

let browser: Browser | undefined;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-agent-browser-'));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('bundle index.html in a browser', () => {
  it('shows one heatmap cell per control per day, and the gap', async (context) => {
    const executablePath = chromiumOrSkip((note) => context.skip(note));
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    const store = openStore(tempDbPath());
    try {
      for (let n = 0; n < 10; n++) {
        await runOnDay(store, collector, n);
      }
      const frameworks = loadBuiltinFrameworks(new Set(builtinCollectors.flatMap((c) => c.checks.map((k) => k.id))));
      const out = join(dir, 'bundle');
      await exportBundle(store, {
        from: '2026-01-01',
        to: '2026-01-10',
        timeZone: 'UTC',
        frameworks: frameworks.filter((f) => f.id === 'soc2'),
        collectors: [collector],
        cadenceDays: () => 1,
        signingKey: loadPrivateKey(generateSigningKey().privateKey, 'k'),
        agentVersion: 'test',
        out,
      });

      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      const rows = page.locator('table.heatmap[data-framework="soc2"] tbody tr');
      const controls = await rows.count();
      expect(controls).toBeGreaterThan(0);
      for (let i = 0; i < controls; i++) expect(await rows.nth(i).locator('td.cell').count()).toBe(10);
      const gap = page.locator('td.cell[data-state="not_evidenced"][data-day="2026-01-04"]').first();
      await expect(gap.isVisible()).resolves.toBe(true);
      const styleOf = (cell: unknown) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(cell).backgroundColor;
      expect(await gap.evaluate(styleOf)).toBe('rgb(158, 158, 158)');
      expect(await page.locator('td.cell[data-state="failing"]').count()).toBeGreaterThan(0);
      await expect(page.locator('ul.gaps li').first().textContent()).resolves.toContain('2026-01-04..2026-01-04');
      // Self-contained: nothing but the page itself was requested.
      expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'bundle-index.png'), fullPage: true });
      await page.close();
    } finally {
      await store.close();
    }
  }, 60_000);
});
