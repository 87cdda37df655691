// The real daemon process with two collector modules, one of which does not load: the daemon starts,
// runs the good one, records every run of the broken one as failed with the load error (a gap, on its
// schedule), reports it in /readyz (a code; the cause in the log), and stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';
import { until } from './helpers/until.js';

const ROOT = process.cwd();
const GOOD = `export default ({ z, evidenceOf, finding }) => ({
  id: 'people-feed', title: 'People feed', optionsSchema: z.strictObject({}), permissions: ['none'], defaultSchedule: '0 4 * * *',
  checks: [{ id: 'people_feed_person_listed_ok', title: 'Listed', severity: 'low', description: 'Each person is listed.', remediation: 'List them.',
    resourceTypes: ['people.person'], evaluate: (view) => evidenceOf(view, 'people.person').map((p) => finding(p, 'pass', p.resourceId + ' listed')) }],
  scopes: () => [{ key: 'people', settings: {} }],
  collect: async () => ({ evidence: [{ type: 'people.person', resourceId: 'ana', schemaVersion: 1, data: {} }], errors: [] }),
});
`;

describe('the daemon with a broken collector module', () => {
  it('keeps running the others, records the broken one as failed runs and says why in /readyz', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-daemon-modules-'));
    mkdirSync(join(dir, 'collectors'));
    writeFileSync(join(dir, 'collectors/good.mjs'), GOOD);
    writeFileSync(join(dir, 'collectors/broken.mjs'), 'export default {');
    const db = join(dir, 'evidence.db');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    writeFileSync(
      join(dir, 'daemon.yaml'),
      `store: { path: ${db} }\nhttp: { host: 127.0.0.1, port: ${port} }\ndaemon: { graceSeconds: 1, jitterSeconds: 0 }\ncollectors:\n  people-feed: { module: ./collectors/good.mjs }\n  hr-feed: { module: ./collectors/broken.mjs }\n`,
    );
    const loader = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', loader, join(ROOT, 'src/cli.ts'), 'daemon', '--config', join(dir, 'daemon.yaml')], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // Catch-up at start runs both: the good one succeeds, the broken one is a failed run with the reason.
      const runs = await until('both runs', async () => {
        const store = openStore(db, { readonly: true });
        try {
          const all = await store.listRuns({});
          return all.length >= 2 ? all : undefined;
        } finally {
          await store.close();
        }
      });
      expect(runs.map((r) => [r.collector, r.scope, r.status]).sort()).toEqual([
        ['hr-feed', 'module', 'failed'],
        ['people-feed', 'people', 'ok'],
      ]);
      expect(runs.find((r) => r.collector === 'hr-feed')!.error).toMatch(
        /^ExternalModuleError: module \.\/collectors\/broken\.mjs: failed to load: SyntaxError/,
      );
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      // The port gets a code; the log gets the cause.
      const { reasons } = (await ready.json()) as { reasons: string[] };
      expect(reasons).toContain('collector_module_broken:hr-feed');
      expect(JSON.stringify(reasons)).not.toContain('SyntaxError');
      await until('the reason logged', async () => (/"msg":"not ready"/.test(output) ? true : undefined));
      expect(output).toMatch(/collector hr-feed: module \.\/collectors\/broken\.mjs: failed to load: SyntaxError[^\n]*"msg":"not ready"/);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(output).toContain('collector module not loaded: its runs are recorded as failed');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit).toBe(0);
  }, 40_000);
});
