// The worked example examples/hr-leavers/, from a temp directory: the module and the Acme control set
// copied next to a config, a store already holding an IAM account and a GitHub org, then collect,
// findings, coverage --framework acme and the export, all in this process.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadAgentConfig, readerSetup, setupOf } from '../src/agent.js';
import { generateSigningKey } from '../src/bundle/signing.js';
import { collectCommand } from '../src/commands/collect.js';
import { coverageCommand } from '../src/commands/coverage.js';
import { exportCommand } from '../src/commands/export.js';
import { findingsCommand } from '../src/commands/findings.js';
import { openStore } from '../src/store/index.js';
import { captured } from './helpers/cli-in-process.js';
import { runStart } from './helpers/store-fixtures.js';

const DAY_MS = 86_400_000;
// The commands run in this process on a clock of the test's choosing (only Date is faked; it moves on
// with real time): half an hour after a Monday midnight, the estate stored on the Sunday before.
const NOW = Date.parse('2026-12-07T00:30:00Z');
const dayFrom = (offset: number) => new Date(NOW + offset * DAY_MS).toISOString().slice(0, 10);

let dir: string;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW, shouldAdvanceTime: true });
  dir = mkdtempSync(join(tmpdir(), 'evidence-agent-hr-leavers-'));
  process.env.STORE = join(dir, 'evidence.db');
});
afterEach(() => {
  vi.useRealTimers();
  delete process.env.STORE;
});

/** One stored snapshot of an AWS account (IAM users) and one of a GitHub org (members), collected an hour ago. */
async function storeEstate(): Promise<void> {
  const store = openStore(join(dir, 'evidence.db'));
  const at = new Date(NOW - 3_600_000);
  const user = (name: string) => ({
    type: 'aws.iam.user',
    resourceId: `arn:aws:iam::111122223333:user/${name}`,
    schemaVersion: 1,
    data: { userName: name, tags: {} },
  });
  const member = (login: string) => ({ type: 'github.member', resourceId: login, schemaVersion: 1, data: { login, role: 'member', twoFactorEnabled: true } });
  for (const [collector, scope, evidence] of [
    ['aws-iam', '111122223333', [user('dana'), user('gus')]],
    ['github', 'example-co', [member('gus-example'), member('Fay-Example')]],
  ] as const) {
    const intent = await store.startRun(runStart(at, { collector, scope }));
    await store.finishRun(intent, { finishedAt: at, status: 'ok', error: null, apiCalls: 1, evidence: [...evidence], findings: [], meta: {} });
  }
  await store.close();
}

describe('examples/hr-leavers', () => {
  it('ships a config that loads with its module and control set', async () => {
    const loaded = await loadAgentConfig({ config: 'examples/hr-leavers/config.yaml' }, { GITHUB_TOKEN: 'test-secret-not-real-token' });
    expect(loaded.config.collectors['hr-leavers']).toMatchObject({ file: './leavers.example.json', graceDays: 1, schedule: '30 6 * * *' });
    expect(
      setupOf(loaded)
        .frameworks.find((f) => f.id === 'acme')
        ?.controls.map((c) => c.id),
    ).toEqual(['AC-05', 'AC-03', 'AC-09']);
    // An auditor reading a store has the config but not the collectors' secrets.
    await expect(loadAgentConfig({ config: 'examples/hr-leavers/config.yaml' }, {})).rejects.toThrow('environment variable GITHUB_TOKEN is not set');
    const reader = await readerSetup({ config: 'examples/hr-leavers/config.yaml' }, {});
    expect(reader.collectors.map((c) => c.id)).toContain('hr-leavers');
    expect(reader.frameworks.map((f) => f.id)).toEqual(['soc1', 'soc2', 'acme']);
  });

  it('joins the HR leavers with the stored IAM users and org members, and shows in coverage and export', async () => {
    cpSync('examples/hr-leavers/hr-leavers.js', join(dir, 'hr-leavers.js'));
    cpSync('examples/hr-leavers/controls', join(dir, 'controls'), { recursive: true });
    writeFileSync(
      join(dir, 'leavers.json'),
      JSON.stringify({
        leavers: [
          { email: 'dana@example.com', name: 'Dana', leftOn: dayFrom(-10), awsUserNames: ['dana'], githubLogins: ['dana-example'] },
          { email: 'eli@example.com', name: 'Eli', leftOn: dayFrom(-3), githubLogins: ['eli-example'] },
          { email: 'fay@example.com', name: 'Fay', leftOn: dayFrom(10), githubLogins: ['fay-example'] },
        ],
      }),
    );
    writeFileSync(
      join(dir, 'config.yaml'),
      'store:\n  path: ${STORE}\ncontrolSets: [controls/acme.yaml]\ncollectors:\n  hr-leavers:\n    module: ./hr-leavers.js\n    file: ./leavers.json\n',
    );
    await storeEstate();
    const config = join(dir, 'config.yaml');

    const collected = await captured(() => collectCommand({ config }));
    expect(collected.stdout).toMatch(/^run 3 hr-leavers hr: ok, .*findings 1 pass \/ 1 fail \/ 0 error$/m);
    expect(collected.code).toBe(0);

    const findings = await captured(() => findingsCommand({ config, framework: 'acme', json: true }));
    const rows = (JSON.parse(findings.stdout) as { checkId: string; resourceId: string; status: string; message: string }[]).filter(
      (f) => f.checkId === 'hr_leavers_leaver_access_removed',
    );
    expect(rows.map((r) => [r.resourceId, r.status, r.message])).toEqual([
      ['dana@example.com', 'fail', `dana@example.com (left ${dayFrom(-10)}) still has access: aws-iam 111122223333 arn:aws:iam::111122223333:user/dana`],
      ['eli@example.com', 'pass', `eli@example.com (left ${dayFrom(-3)}) has no IAM user and no GitHub membership`],
      ['fay@example.com', 'not_applicable', `fay@example.com leaves on ${dayFrom(10)}`],
    ]);

    const today = dayFrom(0);
    const coverage = await captured(() => coverageCommand({ config, from: today, to: today, framework: 'acme' }));
    expect(coverage.stdout).toContain('acme: ');
    expect(coverage.stdout).toMatch(/AC-05\s+1\/1 days evidenced: 0 passing, 1 failing/);
    expect(coverage.stdout).toContain('failing ' + `${today}..${today}: hr_leavers_leaver_access_removed dana@example.com`);

    const key = join(dir, 'signer.pem');
    writeFileSync(key, generateSigningKey().privateKey);
    const out = join(dir, 'bundle');
    expect((await captured(() => exportCommand({ config, from: today, to: today, framework: 'acme', out, signingKey: key }))).code).toBe(0);
    expect(readFileSync(join(out, 'controls/acme/AC-05/findings.csv'), 'utf8')).toContain('dana@example.com');
  });
});
