// The CLI starts fast because commands load lazily: `--version`, `--help` and the container's
// healthcheck must not pull the AWS SDK, Octokit, SQLite or the collectors in at start. This walks the
// static (non-type) imports from each entry point and fails on a heavy package or a command module
// reached from it. (The start-up time itself is measured by the bench: `npm run bench`.)
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const HEAVY = /^(@aws-sdk|@smithy|@octokit|better-sqlite3|nodemailer|tar-stream|prom-client|pino|zod|node-cron|csv-)/;

/** Every module and package statically imported from `entry`, following relative imports. */
function staticGraph(entry: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    const source = readFileSync(file, 'utf8');
    // `import x from '…'`, `import { a } from '…'`, `export … from '…'`, `import '…'`; not `import type`.
    for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(resolve(ROOT, entry));
  return { modules, packages };
}

describe('what the CLI loads at start', () => {
  for (const entry of ['src/cli.ts', 'src/commands/healthcheck.ts']) {
    it(`${entry} reaches no heavy package and no command module statically`, () => {
      const { modules, packages } = staticGraph(entry);
      expect([...packages].filter((p) => HEAVY.test(p))).toEqual([]);
      const commands = [...modules].filter(
        (m) =>
          m.includes('/src/commands/') &&
          !m.endsWith(entry.split('/').pop()!) &&
          !m.endsWith('/commands/options.ts') &&
          !m.endsWith('/commands/print.ts') &&
          !m.endsWith('/commands/period.ts'),
      );
      expect(commands.map((m) => m.slice(ROOT.length + 1))).toEqual([]);
    });
  }

  it('the walker sees what a command module imports (it would catch a static import of one)', () => {
    const { packages } = staticGraph('src/commands/collect.ts');
    expect([...packages].some((p) => HEAVY.test(p))).toBe(true);
  });
});
