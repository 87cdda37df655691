// Lint config: typescript-eslint's recommended rules on every TypeScript file of the project, and the
// house's import boundaries (docs/architecture.md, "The rules"), each a lint error with its reason.
// test/architecture/boundaries.test.ts breaks each on purpose and expects the error.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The collector folders (collectors/<id>/); `_aws`, `_template` are shared plumbing, not collectors. */
const collectorIds = readdirSync(fileURLToPath(new globalThis.URL('./collectors/', import.meta.url)), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
  .map((entry) => entry.name)
  .sort();

const rawDriver = {
  name: 'better-sqlite3',
  message: 'only src/store/ opens the database (bench code that needs the raw driver lives under bench/): go through the store interface',
};
const anyCollector = {
  group: collectorIds.flatMap((id) => [`**/collectors/${id}`, `**/collectors/${id}/**`]),
  message: 'the core names no collector: reach collectors through the registry (openAgent().registry) and the contract (src/collector.ts)',
};
const builtinRegistry = {
  group: ['**/collectors/index', '**/collectors/index.js'],
  message: 'only src/agent.ts assembles the registry from the built-in collectors: take it from openAgent()',
};

/** What a collector may not import: the store, the command line, the runner, the agent's assembly, another collector. */
function collectorBoundaries(id) {
  const others = collectorIds.filter((other) => other !== id);
  return {
    paths: [rawDriver],
    patterns: [
      {
        group: ['**/src/store', '**/src/store/**'],
        message: 'a collector returns evidence; the runner stores it (read other streams through ctx.storedEvidence)',
      },
      {
        group: ['**/src/commands/**', '**/src/cli', '**/src/cli.js', '**/src/cli-program', '**/src/cli-program.js'],
        message: 'a collector knows no command line',
      },
      {
        group: ['**/src/runner', '**/src/runner.js', '**/src/agent', '**/src/agent.js', '**/src/agent-store.js'],
        message: 'a collector is run by the runner, never the other way round: use the context it is given',
      },
      {
        group: others.flatMap((other) => [`../${other}/**`, `../../${other}/**`, `../../../${other}/**`, `**/collectors/${other}/**`]),
        message:
          'a collector imports no other collector: share plumbing through collectors/_aws/ (or a new _shared folder), or read its stored evidence through ctx.storedEvidence',
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The core: no collector by name, no raw driver.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/agent.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [rawDriver], patterns: [anyCollector, builtinRegistry] }] },
  },
  { files: ['src/store/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [anyCollector, builtinRegistry] }] } },
  // The composition root: the built-in registry, never a collector's own files.
  { files: ['src/agent.ts'], rules: { 'no-restricted-imports': ['error', { paths: [rawDriver], patterns: [anyCollector] }] } },
  // Scripts and examples go through the store as the agent does.
  { files: ['scripts/**/*.ts', 'examples/**/*.{ts,js,mjs}'], rules: { 'no-restricted-imports': ['error', { paths: [rawDriver] }] } },
  ...collectorIds.map((id) => ({ files: [`collectors/${id}/**/*.ts`], rules: { 'no-restricted-imports': ['error', collectorBoundaries(id)] } })),
  // Shared collector plumbing: no store, CLI or runner either.
  { files: ['collectors/_*/**/*.ts'], rules: { 'no-restricted-imports': ['error', collectorBoundaries('_shared')] } },
);
