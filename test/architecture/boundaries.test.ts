// The house's import rules are lint errors: each fixture breaks one rule where it applies (linted as if
// it were that file, through ESLint's Node API and the project's eslint.config.js) and must fail with
// that rule's reason; the same import where it is allowed passes.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** The messages of no-restricted-imports for `code` linted as the file at `filePath`. */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (eslint.config.js)', () => {
  it('a collector imports no store', async () => {
    const messages = await restrictedImports(
      'collectors/github/fixture-store.ts',
      "import { openStore } from '../../src/store/index.js';\nexport const x = openStore;\n",
    );
    expect(messages).toEqual([expect.stringContaining('a collector returns evidence; the runner stores it')]);
  });

  it('a collector imports no command line, runner or agent', async () => {
    const code = [
      "import { print } from '../../src/commands/print.js';",
      "import { runScope } from '../../src/runner.js';",
      "import { openAgent } from '../../src/agent.js';",
      'export const x = [print, runScope, openAgent];',
      '',
    ].join('\n');
    const messages = await restrictedImports('collectors/aws-iam/checks/fixture-cli.ts', code);
    expect(messages).toEqual([
      expect.stringContaining('a collector knows no command line'),
      expect.stringContaining('a collector is run by the runner'),
      expect.stringContaining('a collector is run by the runner'),
    ]);
  });

  it('a collector imports no other collector, from any depth; its own files and the shared plumbing are fine', async () => {
    const other = await restrictedImports(
      'collectors/github/fixture-other.ts',
      "import { EVIDENCE } from '../aws-iam/schema.js';\nexport const x = EVIDENCE;\n",
    );
    expect(other).toEqual([expect.stringContaining('a collector imports no other collector')]);
    const deeper = await restrictedImports(
      'collectors/aws-cloudtrail/checks/fixture-other.ts',
      "import { github } from '../../github/index.js';\nexport const x = github;\n",
    );
    expect(deeper).toEqual([expect.stringContaining('a collector imports no other collector')]);
    const own = await restrictedImports(
      'collectors/aws-cloudtrail/checks/fixture-own.ts',
      "import { awsCloudTrailOptionsSchema } from '../schema.js';\nimport { accountScopes } from '../../_aws/account.js';\nexport const x = [awsCloudTrailOptionsSchema, accountScopes];\n",
    );
    expect(own).toEqual([]);
  });

  it('nothing outside src/store imports better-sqlite3; src/store and bench/ may', async () => {
    const code = "import Database from 'better-sqlite3';\nexport const x = Database;\n";
    expect(await restrictedImports('src/reports/fixture-driver.ts', code)).toEqual([expect.stringContaining('only src/store/ opens the database')]);
    expect(await restrictedImports('collectors/github/fixture-driver.ts', code)).toEqual([expect.stringContaining('only src/store/ opens the database')]);
    expect(await restrictedImports('scripts/fixture-driver.ts', code)).toEqual([expect.stringContaining('only src/store/ opens the database')]);
    expect(await restrictedImports('src/store/fixture-driver.ts', code)).toEqual([]);
    expect(await restrictedImports('bench/fixture-driver.ts', code)).toEqual([]);
  });

  it('src/ names no collector except through the registry, which only src/agent.ts assembles', async () => {
    const byName = "import { manual } from '../../collectors/manual/index.js';\nexport const x = manual;\n";
    expect(await restrictedImports('src/commands/fixture-attest.ts', byName)).toEqual([expect.stringContaining('the core names no collector')]);
    const registry = "import { builtinCollectors } from '../../collectors/index.js';\nexport const x = builtinCollectors;\n";
    expect(await restrictedImports('src/commands/fixture-demo.ts', registry)).toEqual([expect.stringContaining('only src/agent.ts assembles the registry')]);
    expect(
      await restrictedImports('src/agent.ts', "import { builtinCollectors } from '../collectors/index.js';\nexport const x = builtinCollectors;\n"),
    ).toEqual([]);
    expect(await restrictedImports('src/agent.ts', "import { github } from '../collectors/github/index.js';\nexport const x = github;\n")).toEqual([
      expect.stringContaining('the core names no collector'),
    ]);
  });

  it('reports import no collector', async () => {
    const code = "import type { Attestation } from '../../collectors/manual/schema.js';\nexport type X = Attestation;\n";
    expect(await restrictedImports('src/reports/fixture-attestations.ts', code)).toEqual([expect.stringContaining('the core names no collector')]);
  });
});
