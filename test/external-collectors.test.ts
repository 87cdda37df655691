// A collector module the user ships, loaded from a temporary directory by the config: it runs end to end
// (store, chain, verify) and its checks, cited by a custom control set, show in coverage and in the
// export bundle. Broken modules (syntax error, no collect, a check id clash with a built-in, bad
// options) are refused with one line naming the module and the problem; the daemon's setup keeps them
// as collectors whose runs fail with that reason while the others run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configuredCollectors, loadAgentConfig, setupOf } from '../src/agent.js';
import { generateSigningKey } from '../src/bundle/signing.js';
import { collectCommand } from '../src/commands/collect.js';
import { coverageCommand } from '../src/commands/coverage.js';
import { digestCommand } from '../src/commands/digest.js';
import { exportCommand } from '../src/commands/export.js';
import { ConfigError } from '../src/config/index.js';
import { silentLogger } from '../src/logging.js';
import { runCollectors } from '../src/runner.js';
import { openStore } from '../src/store/index.js';
import type { RunRecord } from '../src/store/index.js';
import { captured } from './helpers/cli-in-process.js';
import { cliArgv } from './helpers/cli-process.js';

/** A working module: people from a JSON file, a check that each has a manager. */
const HR_FEED = `
import { readFile } from 'node:fs/promises';
export default ({ z, evidenceOf, finding }) => ({
  id: 'hr-feed',
  title: 'HR feed (test)',
  optionsSchema: z.strictObject({ file: z.string().min(1, 'expected the path of the people JSON file') }),
  permissions: ['read the HR export file'],
  defaultSchedule: '0 4 * * *',
  checks: [{
    id: 'hr_feed_person_manager_assigned',
    title: 'Every person has a manager',
    severity: 'medium',
    description: 'Each person in the HR feed has a manager who reviews their access.',
    remediation: 'Assign a manager in the HR system.',
    resourceTypes: ['hr.person'],
    evaluate: (view) => evidenceOf(view, 'hr.person').map((p) =>
      finding(p, p.data.manager ? 'pass' : 'fail', p.data.manager ? \`\${p.resourceId} has a manager\` : \`\${p.resourceId} has no manager\`)),
  }],
  scopes: () => [{ key: 'people', settings: {} }],
  collect: async (ctx) => {
    const people = JSON.parse(await readFile(ctx.options.file, 'utf8'));
    return { evidence: people.map((p) => ({ type: 'hr.person', resourceId: p.email, schemaVersion: 1, data: p })), errors: [] };
  },
});
`;

const CONTROL_SET = `framework: acme
title: Acme controls
version: "1.0.0"
controls:
  - id: AC-07
    title: Every employee has an accountable manager
    owner: people-team@acme.example
    description: HR assigns a manager to every employee; the manager approves access requests.
    checks: [hr_feed_person_manager_assigned]
  - id: AC-03
    title: Quarterly access review
    criteria: [CC6.2]
`;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-ext-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** The store path is relative to the working directory, so the test names it through ${STORE}. */
function configWith(section: string, extra = ''): string {
  return `store:\n  path: \${STORE}\ncollectors:\n${section}${extra}`;
}

const hrSection = (module = './collectors/hr-feed.mjs', more = '') => `  hr-feed:\n    module: ${module}\n    file: \${PEOPLE_FILE}\n${more}`;

describe('an external collector module from a temp directory', () => {
  it('runs end to end and appears in coverage and in the export bundle', async () => {
    const dir = workspace({
      'collectors/hr-feed.mjs': HR_FEED,
      'people.json': JSON.stringify([
        { email: 'ana@acme.example', manager: 'bo@acme.example' },
        { email: 'cy@acme.example', manager: null },
      ]),
      'controls/acme.yaml': CONTROL_SET,
      'config.yaml': configWith(hrSection(), 'controlSets: [./controls/acme.yaml]\n'),
    });
    process.env.PEOPLE_FILE = join(dir, 'people.json');
    process.env.STORE = join(dir, 'evidence.db');
    const config = join(dir, 'config.yaml');
    try {
      const collected = await captured(() => collectCommand({ config }));
      expect(collected.stderr).toBe('');
      expect(collected.stdout).toMatch(/hr-feed people: ok/);
      expect(collected.code).toBe(0);

      const store = openStore(join(dir, 'evidence.db'), { readonly: true });
      let run: RunRecord | undefined;
      try {
        expect((await store.verify()).ok).toBe(true);
        [run] = await store.listRuns({ collector: 'hr-feed' });
        // Two people and the mappings in force.
        expect(run).toMatchObject({ status: 'ok', evidenceCount: 3, findingCounts: { pass: 1, fail: 1, error: 0, not_applicable: 0 } });
      } finally {
        await store.close();
      }

      // `collect` ran on the machine's clock: the day to report on is the day it recorded.
      const today = run!.startedAt.slice(0, 10);
      const coverage = await captured(() => coverageCommand({ config, from: today, to: today, framework: 'acme', json: true }));
      const report = JSON.parse(coverage.stdout) as {
        framework: string;
        controls: { id: string; days: { state: string; failing: string[] }[] }[];
        manual: { id: string }[];
      };
      expect(report.framework).toBe('acme');
      expect(report.controls.find((c) => c.id === 'AC-07')?.days).toEqual([
        expect.objectContaining({ state: 'failing', failing: ['hr_feed_person_manager_assigned cy@acme.example'] }),
      ]);

      const key = join(dir, 'signer.pem');
      writeFileSync(key, generateSigningKey().privateKey);
      const out = join(dir, 'bundle');
      const exported = await captured(() => exportCommand({ config, from: today, to: today, out, signingKey: key }));
      expect(exported.code).toBe(0);
      const findings = readFileSync(join(out, 'controls/acme/AC-07/findings.csv'), 'utf8');
      expect(findings).toContain('cy@acme.example');
      expect(readFileSync(join(out, 'coverage.csv'), 'utf8')).toMatch(/acme,AC-07,/);
      expect(readFileSync(join(out, 'assessment-results.json'), 'utf8')).toContain('ACME AC-07: Every employee has an accountable manager');

      const digest = await captured(() => digestCommand({ config, from: today, to: today, format: 'json', dryRun: true }));
      const weekly = JSON.parse(digest.stdout) as {
        coverage: { framework: string; controls: number }[];
        newFailures: { checkId: string; controls: string[] }[];
      };
      // AC-07 by the module's check, AC-03 by the checks of CC6.2 (whose collectors have not run: gaps).
      expect(weekly.coverage.find((c) => c.framework === 'acme')).toMatchObject({ controls: 2 });
      expect(weekly.newFailures).toContainEqual(expect.objectContaining({ checkId: 'hr_feed_person_manager_assigned', controls: ['ACME AC-07'] }));
    } finally {
      delete process.env.PEOPLE_FILE;
      delete process.env.STORE;
    }
  });

  it('warns when no control cites its checks', async () => {
    const dir = workspace({ 'collectors/hr-feed.mjs': HR_FEED, 'people.json': '[]', 'config.yaml': configWith(hrSection()) });
    process.env.PEOPLE_FILE = join(dir, 'people.json');
    process.env.STORE = join(dir, 'evidence.db');
    try {
      const collected = await captured(() => collectCommand({ config: join(dir, 'config.yaml') }));
      expect(collected.stderr).toBe(
        'evidence-agent: warning: no control cites hr_feed_person_manager_assigned: they evidence nothing until a control set (controlSets:) names them\n',
      );
      expect(collected.code).toBe(0);
    } finally {
      delete process.env.PEOPLE_FILE;
      delete process.env.STORE;
    }
  });

  it('resolves an npm package name from the config folder', async () => {
    const dir = workspace({
      'node_modules/acme-hr-collector/package.json': JSON.stringify({ name: 'acme-hr-collector', type: 'module', exports: { '.': { import: './index.js' } } }),
      'node_modules/acme-hr-collector/index.js': HR_FEED,
      'config.yaml': configWith(hrSection('acme-hr-collector')),
    });
    const loaded = await loadAgentConfig({ config: join(dir, 'config.yaml') }, { PEOPLE_FILE: '/dev/null', STORE: 'unused.db' });
    expect(loaded.collectors.map((c) => c.id)).toContain('hr-feed');
    expect(loaded.config.collectors['hr-feed']).toMatchObject({ file: '/dev/null', module: 'acme-hr-collector', timeoutSeconds: 900 });
  });
});

describe('a broken collector module', () => {
  const broken: Record<string, [string, RegExp]> = {
    'a syntax error': ['export default {', /collectors\.hr-feed\.module: module \.\/collectors\/hr-feed\.mjs: failed to load: .*(SyntaxError|syntax)/],
    'no collect()': [
      HR_FEED.replace('collect: async', 'gather: async'),
      /collectors\.hr-feed\.module: module \.\/collectors\/hr-feed\.mjs: does not meet the collector contract: collector hr-feed has no collect\(\)/,
    ],
    'a check id clash with a built-in': [
      HR_FEED.replace("id: 'hr-feed'", "id: 'aws-iam'").replace('hr_feed_person_manager_assigned', 'aws_iam_root_mfa_enabled'),
      /its id "aws-iam" is not its config key "hr-feed".*collector id "aws-iam" is already taken by a built-in collector; check id "aws_iam_root_mfa_enabled" is already defined by aws-iam/,
    ],
  };

  it.each(Object.entries(broken))('with %s is refused with one line naming the module and the problem', async (_, [source, message]) => {
    const dir = workspace({ 'collectors/hr-feed.mjs': source, 'config.yaml': configWith(hrSection()) });
    const error = await loadAgentConfig({ config: join(dir, 'config.yaml') }, { PEOPLE_FILE: '/dev/null', STORE: 'unused.db' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).lines).toHaveLength(1);
    expect((error as ConfigError).lines[0]).toMatch(message);
  });

  it('with bad options is refused naming collectors.<id>.<field>', async () => {
    const dir = workspace({
      'collectors/hr-feed.mjs': HR_FEED,
      'config.yaml': configWith('  hr-feed:\n    module: ./collectors/hr-feed.mjs\n    file: ""\n    flie: x\n'),
    });
    const error = (await loadAgentConfig({ config: join(dir, 'config.yaml') }, { STORE: 'unused.db' }).catch((e: unknown) => e)) as ConfigError;
    expect([...error.lines].sort()).toEqual([
      'collectors.hr-feed.file: expected the path of the people JSON file, got ""',
      'collectors.hr-feed.flie: unknown field; did you mean "file"?',
    ]);
  });

  it('makes collect exit 2 with the reason, writing nothing', () => {
    const dir = workspace({ 'collectors/hr-feed.mjs': 'export default {', 'config.yaml': configWith(hrSection()) });
    const result = spawnSync(process.execPath, cliArgv(['collect', '--config', join(dir, 'config.yaml')]), {
      env: { PATH: process.env.PATH, PEOPLE_FILE: '/dev/null', STORE: join(dir, 'evidence.db'), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^evidence-agent: config: collectors\.hr-feed\.module: module \.\/collectors\/hr-feed\.mjs: failed to load: .*(SyntaxError|syntax)/,
    );
    expect(existsSync(join(dir, 'evidence.db'))).toBe(false);
  });

  it('does not stop the daemon: its runs fail with the load error, the other collectors run', async () => {
    const dir = workspace({
      'collectors/hr-feed.mjs': 'export default {',
      'collectors/good.mjs': HR_FEED.replace("id: 'hr-feed'", "id: 'people-feed'").replace(
        'hr_feed_person_manager_assigned',
        'people_feed_person_manager_assigned',
      ),
      'people.json': '[{"email":"ana@acme.example","manager":"bo@acme.example"}]',
      'config.yaml': configWith(`${hrSection()}  people-feed:\n    module: ./collectors/good.mjs\n    file: \${PEOPLE_FILE}\n`),
    });
    const loaded = await loadAgentConfig(
      { config: join(dir, 'config.yaml') },
      { PEOPLE_FILE: join(dir, 'people.json'), STORE: join(dir, 'evidence.db') },
      { tolerateBrokenModules: true },
    );
    expect(loaded.brokenModules).toEqual([
      expect.objectContaining({ id: 'hr-feed', problem: expect.stringMatching(/failed to load: .*(SyntaxError|syntax)/) }),
    ]);
    const store = openStore(join(dir, 'evidence.db'));
    try {
      const { mappingVersion } = setupOf(loaded);
      const { runs } = await runCollectors(configuredCollectors(loaded), {
        store,
        logger: silentLogger(),
        agentVersion: 'test',
        mappingVersion,
        configDigest: loaded.digest,
      });
      expect(runs.map((r) => [r.collector, r.status])).toEqual([
        ['people-feed', 'ok'],
        ['hr-feed', 'failed'],
      ]);
      expect(runs[1]!.error).toMatch(/^ExternalModuleError: module \.\/collectors\/hr-feed\.mjs: failed to load: .*(SyntaxError|syntax)/);
    } finally {
      await store.close();
    }
  });
});
