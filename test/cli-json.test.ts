// --json on every command that prints a result: the same facts as the text, as one JSON document on
// stdout (warnings and logs stay on stderr). digest --json is --format json.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from './helpers/cli-in-process.js';

const MODULE = `export default ({ z, evidenceOf, finding }) => ({
  id: 'people-feed', title: 'People feed', optionsSchema: z.strictObject({}), permissions: ['none'], defaultSchedule: '0 4 * * *',
  checks: [{ id: 'people_feed_person_listed_ok', title: 'Listed', severity: 'low', description: 'Each person is listed.', remediation: 'List them.',
    resourceTypes: ['people.person'], evaluate: (view) => evidenceOf(view, 'people.person').map((p) => finding(p, 'pass', p.resourceId + ' listed')) }],
  scopes: () => [{ key: 'people', settings: {} }],
  collect: async () => ({ evidence: [{ type: 'people.person', resourceId: 'ana', schemaVersion: 1, data: {} }], errors: [] }),
});
`;

let dir: string;
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ea-cli-json-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--json', () => {
  it('demo, keygen, export and digest print one JSON document', async () => {
    const db = join(dir, 'demo', 'demo.db');
    const demo = await cliInProcess(['demo', '--days', '1', '--db', db, '--json']);
    expect(demo.code).toBe(0);
    const summary = json(demo.stdout);
    expect(summary).toMatchObject({ days: 1, runs: { total: 4, ok: expect.any(Number), failed: 0 }, integrity: { ok: true }, store: { path: db } });
    expect(existsSync((summary.bundle as { path: string }).path)).toBe(true);
    expect((summary.controls as Record<string, unknown>)['soc2']).toMatchObject({ controls: expect.any(Number) });

    const key = join(dir, 'signing.pem');
    const keygen = await cliInProcess(['keygen', '--out', key, '--json']);
    expect(json(keygen.stdout)).toEqual({ privateKey: key, publicKey: `${key}.pub`, fingerprint: expect.stringMatching(/^SHA256:/) });

    const day = new Date().toISOString().slice(0, 10);
    const exported = await cliInProcess([
      'export',
      '--db',
      db,
      '--from',
      day,
      '--to',
      day,
      '--out',
      join(dir, 'bundle.tar.gz'),
      '--signing-key',
      key,
      '--json',
    ]);
    expect(exported.code).toBe(0);
    expect(json(exported.stdout)).toMatchObject({
      path: join(dir, 'bundle.tar.gz'),
      from: day,
      to: day,
      fingerprint: json(keygen.stdout).fingerprint,
      store: db,
      recordedAsRun: expect.any(Number),
    });

    const viaFlag = await cliInProcess(['digest', '--db', db, '--json']);
    const viaFormat = await cliInProcess(['digest', '--db', db, '--format', 'json']);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toBe(viaFormat.stdout);
    expect(json(viaFlag.stdout)).toHaveProperty('headline');
    const both = await cliInProcess(['digest', '--db', db, '--json', '--format', 'md']);
    expect(both).toMatchObject({ code: 2, stderr: 'evidence-agent: --json and --format md: choose one (--json is --format json)\n' });
  }, 120_000);

  it('collect and attest print the runs they recorded', async () => {
    mkdirSync(join(dir, 'agent', 'collectors'), { recursive: true });
    writeFileSync(join(dir, 'agent', 'collectors', 'people.mjs'), MODULE);
    const config = join(dir, 'agent', 'agent.yaml');
    writeFileSync(config, `store: { path: ${join(dir, 'agent', 'evidence.db')} }\ncollectors:\n  people-feed: { module: ./collectors/people.mjs }\n`);
    const collect = await cliInProcess(['collect', '--config', config, '--json']);
    expect(collect.code).toBe(0);
    const result = json(collect.stdout) as { runs: { collector: string; scope: string; status: string; seq: number; hash: string }[]; unrecorded: string[] };
    expect(result.runs.map((r) => [r.collector, r.scope, r.status])).toEqual([['people-feed', 'people', 'ok']]);
    expect(result.runs[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.unrecorded).toEqual([]);

    const file = join(dir, 'review.txt');
    writeFileSync(file, 'Q4 access review: 2 accounts removed\n');
    const attest = await cliInProcess([
      'attest',
      '--config',
      config,
      '--control',
      'CC6.2',
      '--file',
      file,
      '--note',
      'Q4 access review',
      '--by',
      'grc-lead',
      '--json',
    ]);
    expect(attest.code).toBe(0);
    expect(json(attest.stdout)).toMatchObject({
      recorded: true,
      framework: 'soc2',
      control: 'CC6.2',
      attestedBy: 'grc-lead',
      file: { name: 'review.txt', bytes: 37 },
      run: result.runs[0]!.seq + 1,
    });
  }, 60_000);
});
