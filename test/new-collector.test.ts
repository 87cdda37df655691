// `npm run new-collector <id>` on a copy of the project: the scaffolded collector is registered, its
// check is mapped, and the project's own contract, mapping and generated collector tests pass on the
// result unchanged.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scaffoldCollector } from '../scripts/new-collector.js';

const ROOT = process.cwd();

function projectCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'evidence-agent-scaffold-'));
  for (const path of [
    'src',
    'collectors',
    'sandbox',
    'mappings',
    'test/helpers',
    'test/collectors/_template.test.ts',
    'test/fixtures/_template',
    'test/contract.test.ts',
    'test/mappings.test.ts',
    'package.json',
    'tsconfig.json',
    'vitest.config.ts',
  ]) {
    cpSync(join(ROOT, path), join(copy, path), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

describe('npm run new-collector', () => {
  it('scaffolds a collector that passes the contract, mapping and its own tests unchanged', () => {
    const copy = projectCopy();
    const written = scaffoldCollector(copy, 'acme-hr')
      .map((f) => f.slice(copy.length + 1))
      .sort();
    expect(written).toEqual([
      'collectors/acme-hr/README.md',
      'collectors/acme-hr/index.ts',
      'collectors/acme-hr/schema.ts',
      'collectors/index.ts',
      'mappings/soc1-itgc.yaml',
      'mappings/soc2-tsc-2017.yaml',
      'test/collectors/acme-hr.test.ts',
      'test/fixtures/acme-hr/accounts.json',
    ]);
    const registry = readFileSync(join(copy, 'collectors/index.ts'), 'utf8');
    expect(registry).toContain("import { acmeHr } from './acme-hr/index.js';\nimport { awsCloudTrail } from './aws-cloudtrail/index.js';");
    expect(registry).toContain('[\n  acmeHr,\n  awsCloudTrail,');
    expect(readFileSync(join(copy, 'collectors/acme-hr/index.ts'), 'utf8')).toContain("id: 'acme_hr_account_mfa_enabled'");
    expect(readdirSync(join(copy, 'collectors/acme-hr')).join()).not.toMatch(/template/);

    // The project's own tests, run on the scaffolded copy exactly as shipped.
    const vitest = pathToFileURL(join(ROOT, 'node_modules/vitest/vitest.mjs')).pathname;
    const run = spawnSync(process.execPath, [vitest, 'run', 'test/contract.test.ts', 'test/mappings.test.ts', 'test/collectors/acme-hr.test.ts'], {
      cwd: copy,
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(run.stdout + run.stderr).toMatch(/Test Files {2}3 passed \(3\)/);
    expect(run.status).toBe(0);
  }, 60_000);

  it('refuses an id that is not kebab-case or already taken', () => {
    const copy = projectCopy();
    expect(() => scaffoldCollector(copy, 'AcmeHR')).toThrow('"AcmeHR" is not a collector id: use kebab-case, e.g. acme-hr');
    expect(() => scaffoldCollector(copy, 'github')).toThrow('collectors/github/ already exists');
  });
});
