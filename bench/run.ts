// `npm run bench` (quick, CI-sized with --smoke) and `npm run bench -- --full`: every figure beside its
// bound, the machine it ran on, and bench/results.json for comparison between runs.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { rawInsertSeconds } from './raw-baseline.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cloudTrailCalls, discoveryCalls, FULL, githubRequests, iamCalls, ingest, QUICK, storage } from './scenarios.js';
import type { Row, Sizes } from './scenarios.js';
import { IDENTITY_CENTER_FULL, IDENTITY_CENTER_SMOKE, identityCenterCalls } from './identity-center.js';

// `--fleet`: the fleet-size day (bench/fleet.ts), a bench of its own.
if (process.argv.includes('--fleet')) {
  await import('./fleet.js');
  process.exit();
}

const SMOKE: Sizes = {
  iamUsers: 60,
  iamRoles: 30,
  iamGroups: 10,
  iamPolicies: 20,
  cloudTrailEventsPerDay: 200,
  githubRepositories: 20,
  githubMergedChanges: 60,
  ingestDocuments: 1_000,
  storageResources: 200,
  storageRuns: 5,
};

const mode = process.argv.includes('--full') ? 'full' : process.argv.includes('--smoke') ? 'smoke' : 'quick';
const sizes = mode === 'full' ? FULL : mode === 'smoke' ? SMOKE : QUICK;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};
const started = Date.now();
const rows: Row[] = [];
for (const scenario of [
  () => iamCalls(sizes),
  () => cloudTrailCalls(sizes),
  () => discoveryCalls(),
  () => githubRequests(sizes),
  () => identityCenterCalls(mode === 'smoke' ? IDENTITY_CENTER_SMOKE : IDENTITY_CENTER_FULL),
  () => ingest(sizes, rawInsertSeconds),
  () => storage(sizes),
]) {
  const row = await scenario();
  rows.push(row);
  process.stderr.write(`  ${row.figure}: ${row.value}\n`);
}
// The built CLI, for the export as operators run it (tsc: a few seconds).
const CLI = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.mjs', import.meta.url));
const run = (command: string, args: string[], env: Record<string, string> = {}) => {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
  if (result.status !== 0) throw new Error(`${[command, ...args].join(' ')} failed: ${result.stderr}`);
  return result.stdout;
};
run('npm', ['run', 'build', '--silent']);

// Each in a child process of its own, so the time and memory measured are that scenario's alone.
const child = (script: string, args: string[], node: string[] = []): unknown => {
  const result = spawnSync(process.execPath, [...node, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  if (result.status !== 0) throw new Error(`${script} ${args[0]} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
};
const report = (row: Row) => {
  rows.push(row);
  process.stderr.write(`  ${row.figure}: ${row.value}\n`);
};

// Start-up of the built CLI as a shell runs it: a process per run, the best of N (the machine's other
// load only ever adds time). Commands load lazily, so `--version` and `--help` cost little more than Node.
const bestOfMs = (args: string[], times = 15, exitCode = 0): number => {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (result.status !== exitCode) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    best = Math.min(best, ms);
  }
  return best;
};
{
  const bare = bestOfMs(['-e', '0']);
  for (const flag of ['--version', '--help']) {
    const ms = bestOfMs([CLI, flag]);
    report({
      figure: `evidence-agent ${flag}`,
      estate: `best of 15 processes (bare node: ${bare.toFixed(0)} ms)`,
      value: `${ms.toFixed(0)} ms`,
      target: '<= 300 ms',
      met: ms <= 300,
    });
  }
  // The container's HEALTHCHECK, every 30 s: the whole probe with nothing listening (connection refused, exit 1).
  const probe = bestOfMs([CLI, 'healthcheck', '--url', 'http://127.0.0.1:9/healthz'], 15, 1);
  report({
    figure: 'evidence-agent healthcheck',
    estate: `best of 15 processes (bare node: ${bare.toFixed(0)} ms)`,
    value: `${probe.toFixed(0)} ms`,
    target: '<= 300 ms',
    met: probe <= 300,
  });
}

// A year of daily snapshots at full size; a month (quick) or a week (smoke) otherwise: built, then its
// coverage and its export each run by a fresh process, as the CLI runs them.
const periodDays = mode === 'full' ? 365 : mode === 'smoke' ? 7 : 30;
const periodDir = mkdtempSync(join(tmpdir(), 'evidence-agent-bench-period-'));
try {
  const store = join(periodDir, 'period.db');
  const { from, to } = child('./period-child.ts', ['build', store, String(sizes.storageResources), String(periodDays)]) as { from: string; to: string };
  const estate = `${sizes.storageResources} resources, ${periodDays} daily snapshots (${Math.round(statSync(store).size / 2 ** 20)} MiB store)`;
  const coverage = child('./period-child.ts', ['coverage', store, from, to]) as { seconds: number };
  report({
    figure: 'coverage of the period, all SOC 2 controls',
    estate,
    value: `${coverage.seconds.toFixed(2)} s`,
    target: '<= 2 s',
    met: coverage.seconds <= 2,
  });
  // The export as an operator runs it: the built CLI in a process of its own, its peak RSS the kernel's
  // high-water mark. V8 grows its heap lazily when the machine has memory to spare, so it is measured
  // with the heap capped at 96 MiB, as a memory-limited container caps it, and uncapped beside it.
  const cliExport = (heapCapMiB: number | null) => {
    const key = join(periodDir, 'signing.pem');
    if (!existsSync(key)) run(process.execPath, [CLI, 'keygen', '--out', key]);
    const out = join(periodDir, 'bundle.tar.gz');
    rmSync(out, { force: true });
    const peakFile = join(periodDir, 'peak-rss');
    const started = performance.now();
    run(
      process.execPath,
      [
        ...(heapCapMiB ? [`--max-old-space-size=${heapCapMiB}`] : []),
        '--import',
        PEAK_RSS,
        CLI,
        'export',
        '--db',
        store,
        '--from',
        from,
        '--to',
        to,
        '--framework',
        'soc2',
        '--out',
        out,
        '--signing-key',
        key,
      ],
      { PEAK_RSS_FILE: peakFile },
    );
    const result = { seconds: (performance.now() - started) / 1000, bytes: statSync(out).size, peakRss: Number(readFileSync(peakFile, 'utf8')) };
    rmSync(out, { force: true });
    return result;
  };
  const capped = cliExport(96);
  const uncapped = cliExport(null);
  report({
    figure: 'export of the period',
    estate,
    value:
      `${capped.seconds.toFixed(1)} s, ${(capped.bytes / 2 ** 20).toFixed(1)} MiB bundle; peak RSS ${Math.round(capped.peakRss / 2 ** 20)} MiB ` +
      `with a 96 MiB heap (${Math.round(uncapped.peakRss / 2 ** 20)} MiB uncapped, ${uncapped.seconds.toFixed(1)} s)`,
    target: 'report seconds; peak RSS <= 256 MiB',
    met: capped.peakRss <= 256 * 2 ** 20,
  });
} finally {
  rmSync(periodDir, { recursive: true, force: true });
}
// The daemon over a simulated year at full size; two months (quick) or 8 days (smoke) otherwise.
for (const row of child('./daemon-year-child.ts', [String(mode === 'full' ? 365 : mode === 'smoke' ? 8 : 60)], ['--expose-gc']) as Row[]) report(row);

const widths = ['figure', 'estate', 'value', 'target'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k as keyof Row]).length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(`evidence-agent bench (${mode}): ${machine.cores} cores, ${machine.cpu}, ${machine.node}`);
console.log(line(['figure', 'estate', 'value', 'target']) + '  met');
for (const row of rows) console.log(line([row.figure, row.estate, row.value, row.target]) + `  ${row.met ? 'yes' : 'NO'}`);
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ mode, machine, at: new Date().toISOString(), sizes, rows }, null, 2)}\n`);
// The smoke run (CI) proves the bench still runs; its tiny estate is not held to the targets.
process.exitCode = mode === 'smoke' || rows.every((r) => r.met) ? 0 : 1;
