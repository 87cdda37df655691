// The command line's commands and options, and how an error becomes one line on stderr and an exit code
// (2 usage/config, 1 not ok; a stack trace only with --verbose). Kept apart from the entry point so tests
// can run a command in-process.
import { Argument, Command, CommanderError, Option } from 'commander';
import { CliError } from './cli-error.js';
import { ConfigError } from './config/errors.js';
import { MappingError } from './mapping/error.js';
import { agentSecrets } from './redaction.js';
import { StoreFileError } from './store/store-file.js';
import { agentVersion } from './version.js';
import { terminalLine, terminalText } from './terminal-text.js';

// Each command's module is imported when that command runs, never at start: `--version`, `--help` and
// the healthcheck load no AWS SDK, Octokit or SQLite (test/cli-startup.test.ts keeps it so).
function lazy<F extends (...args: never[]) => Promise<number>>(load: () => Promise<F>): (...args: Parameters<F>) => Promise<number> {
  return async (...args) => (await load())(...args);
}
const attestCommand = lazy(() => import('./commands/attest.js').then((m) => m.attestCommand));
const collectCommand = lazy(() => import('./commands/collect.js').then((m) => m.collectCommand));
const controlsCommand = lazy(() => import('./commands/controls.js').then((m) => m.controlsCommand));
const coverageCommand = lazy(() => import('./commands/coverage.js').then((m) => m.coverageCommand));
const daemonCommand = lazy(() => import('./commands/daemon.js').then((m) => m.daemonCommand));
const healthcheckCommand = lazy(() => import('./commands/healthcheck.js').then((m) => m.healthcheckCommand));
const doctorCommand = lazy(() => import('./commands/doctor.js').then((m) => m.doctorCommand));
const demoCommand = lazy(() => import('./commands/demo.js').then((m) => m.demoCommand));
const digestCommand = lazy(() => import('./commands/digest.js').then((m) => m.digestCommand));
const exportCommand = lazy(() => import('./commands/export.js').then((m) => m.exportCommand));
const keygenCommand = lazy(() => import('./commands/keygen.js').then((m) => m.keygenCommand));
const findingsCommand = lazy(() => import('./commands/findings.js').then((m) => m.findingsCommand));
const populationCommand = lazy(() => import('./commands/population.js').then((m) => m.populationCommand));
const sampleCommand = lazy(() => import('./commands/sample.js').then((m) => m.sampleCommand));
const migrateCommand = lazy(() => import('./commands/migrate.js').then((m) => m.migrateCommand));
const reviewCommand = lazy(() => import('./commands/review.js').then((m) => m.reviewCommand));
const runsCommand = lazy(() => import('./commands/runs.js').then((m) => m.runsCommand));
const verifyCommand = lazy(() => import('./commands/verify.js').then((m) => m.verifyCommand));

type Action<O> = (options: O) => Promise<number>;

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('evidence-agent')
    .description('Collects tamper-evident SOC 2 / SOC 1 audit evidence from AWS and GitHub into SQLite.')
    .version(agentVersion())
    .option('-c, --config <file>', 'config file (default: $EVIDENCE_AGENT_CONFIG, else ./config/evidence-agent.yaml)')
    .option('--db <file>', "evidence store (default: the config's store.path, else ./data/evidence.db)")
    .option('-v, --verbose', 'debug logs, and stack traces on errors')
    .option('-q, --quiet', 'no progress bars (drawn only when stderr is a terminal)')
    .addOption(
      new Option('--log-format <format>', 'logs on stderr as JSON lines or human lines (default: human on a terminal, else JSON; $LOG_FORMAT)').choices([
        'json',
        'pretty',
      ]),
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  // Global options may come before or after the subcommand.
  const run =
    <O>(action: Action<O>) =>
    async (_: unknown, command: Command) => {
      setExitCode(await action(command.optsWithGlobals() as O));
    };

  program
    .command('collect')
    .description('run every configured collector once (the demo estate when no config exists)')
    .option('--collector <id>', 'only this collector')
    .option('--json', 'the runs recorded, as JSON (as runs --json shows them)')
    .action(run(collectCommand));
  program
    .command('attest')
    .description('record manual evidence for a control (a review, a test, an acknowledgement): the file is kept in the store')
    .option('--control <id>', 'the control evidenced: a SOC 2 criterion (CC6.2), a SOC 1 objective or a custom control id')
    .option('--file <path>', 'the evidence file (at most 50 MB)')
    .option('--note <text>', 'what was done, in one line')
    .option('--valid-for <duration>', 'how long it evidences the control: 90d, 12w, 3m', '90d')
    .option('--by <who>', 'who attests (default: the user running the command)')
    .option('--json', 'machine-readable output')
    .action(run(attestCommand));
  program
    .command('review [id]')
    .description('record the review of a failing event (a root sign-in, a StopLogging, a self-approved merge): it stays open until reviewed')
    .option('--note <text>', 'what the review found, in one line')
    .option('--by <who>', 'who reviewed it (default: the user running the command)')
    .option('--file <path>', 'record the reviews of a YAML file instead (reviews: [{ id, note, by }])')
    .action(async (id: string | undefined, _: unknown, command: Command) => {
      setExitCode(await reviewCommand(id, command.optsWithGlobals()));
    });
  program
    .command('daemon')
    .description('run the configured collectors and the digest on their schedules, with /healthz, /readyz and /metrics')
    .action(run(daemonCommand));
  program
    .command('healthcheck')
    .description("probe the daemon's /healthz (the container HEALTHCHECK)")
    .option('--url <url>', 'default: http://<http.host>:<http.port>/healthz from the config')
    .action(run(healthcheckCommand));
  program
    .command('doctor')
    .description(
      "check a deployment before it collects: config, store, each collector's credentials and permissions, signing key, digest delivery (writes nothing to the store; exit 1 on any problem)",
    )
    .option('--send-test', 'send a test message to each digest target (Slack, email, a file in the directory)')
    .option('--json', 'machine-readable report')
    .action(run(doctorCommand));
  program
    .command('demo')
    .description('collect a simulated history of the built-in sandbox estate (no credentials needed)')
    .option('--days <n>', 'simulated days, one snapshot a day (1-366)', '30')
    .option(
      '--now <time>',
      'end the simulated history at this instant instead of now (ISO 8601, or YYYY-MM-DD for the end of that UTC day): a reproducible demo',
    )
    .option('--json', 'the summary as JSON (runs, checks, controls, integrity, digest, bundle)')
    .action(run(demoCommand));
  program
    .command('runs')
    .description('list recorded runs, oldest first')
    .option('--collector <id>', 'only runs of this collector')
    .option('--limit <n>', 'only the latest n runs')
    .option('--json', 'machine-readable output')
    .action(run(runsCommand));
  program
    .command('findings')
    .description('findings of the latest snapshot of every collector and scope, and every failing event not yet reviewed')
    .addOption(
      new Option('--status <status>', 'only findings with this status (reviewed: failing events someone reviewed)').choices([
        'pass',
        'fail',
        'error',
        'not_applicable',
        'reviewed',
      ]),
    )
    .option('--framework <id>', 'only checks mapped to this framework (soc2, soc1)')
    .option('--control <id>', 'only checks mapped to this control (e.g. CC6.1)')
    .option('--at <date>', 'the state as of a date (YYYY-MM-DD, end of day UTC) or ISO timestamp')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a failing finding has at least this severity').choices(['low', 'medium', 'high', 'critical']))
    .option('--json', 'machine-readable output')
    .action(run(findingsCommand));
  program
    .command('controls')
    .description('controls of a framework with the state their checks show')
    .option('--framework <id>', 'soc2 or soc1 (default: both)')
    .option('--json', 'machine-readable output')
    .action(run(controlsCommand));
  program
    .command('coverage')
    .description('for every control and every day of a period: evidenced, failing, excepted or not evidenced')
    .option('--from <day>', 'first day of the period (YYYY-MM-DD, in the configured time zone)')
    .option('--to <day>', 'last day of the period, included')
    .option('--framework <id>', 'soc2 or soc1 (default: both)')
    .option('--json', 'machine-readable output')
    .option('--csv', 'one row per control and day')
    .option('--as-collected', 'judge each snapshot by the mappings stored with it, not the current ones')
    .action(run(coverageCommand));
  program
    .command('population [id]')
    .description('the rows of a population (e.g. aws-access-changes) over a period, as CSV; without an id, the populations offered')
    .option('--from <date>', 'first day of the period (YYYY-MM-DD, UTC) or ISO timestamp')
    .option('--to <date>', 'last day of the period, included (default: now)')
    .option('--scope <key>', 'only this stream (an account id, an org)')
    .option('--json', 'the rows with the coverage of the period, as JSON')
    .action(async (id: string | undefined, _: unknown, command: Command) => {
      setExitCode(await populationCommand(id, command.optsWithGlobals()));
    });
  program
    .command('sample [population]')
    .description('a reproducible random sample of a population over a period, for testing operating effectiveness (CSV; --xlsx writes a test sheet)')
    .option('--from <date>', 'first day of the period (YYYY-MM-DD, UTC) or ISO timestamp')
    .option('--to <date>', 'last day of the period, included')
    .option('--seed <text>', 'the seed: the same seed and population always draw the same rows')
    .option('--size <n>', 'how many rows (default: by --frequency)')
    .option('--frequency <f>', "how often the control operates: annual, quarterly, monthly, weekly, daily or recurring (default: the population's own)")
    .option('--scope <key>', 'only this stream (an account id, an org)')
    .option('--xlsx <file>', 'also write the test sheet (XLSX) to this file')
    .option('--pack <dir>', 'also write an evidence pack: per sampled item its source record, the findings on it and their proof in the chain')
    .option('--json', 'the sample with how it was drawn, as JSON')
    .action(async (id: string | undefined, _: unknown, command: Command) => {
      setExitCode(await sampleCommand(id, command.optsWithGlobals()));
    });
  program
    .command('digest')
    .description('the weekly evidence digest: new, resolved and overdue failures, drift, gaps, populations')
    .option('--week <week>', 'an ISO week such as 2026-W47 (default: the last complete week)')
    .option('--from <day>', 'or a period: first day')
    .option('--to <day>', 'last day, included')
    .option('--framework <id>', 'soc2 or soc1 (default: both)')
    .addOption(new Option('--format <format>', 'md, html or json (default: md)').choices(['md', 'html', 'json']))
    .option('--json', 'the same as --format json')
    .option('--send', 'deliver it as digest.deliver in the config says (directory, Slack, email) and keep it as evidence')
    .option('--dry-run', 'a preview, as without --send: print it, send and keep nothing')
    .option('--list', 'the digests sent and kept so far')
    .action(run(digestCommand));
  program
    .command('export')
    .description('write the signed period bundle for auditors (coverage, findings, populations, evidence, runs)')
    .option('--from <day>', 'first day of the period (YYYY-MM-DD, in the configured time zone)')
    .option('--to <day>', 'last day of the period, included')
    .option('--framework <id>', 'soc2 or soc1 (default: both)')
    .option('--out <path>', 'bundle.tar.gz, or a new directory')
    .option('--signing-key <file>', 'Ed25519 private key (PEM); default: signing.privateKeyPath of the config')
    .option('--as-collected', 'apply the mapping version recorded at collection instead of the current one')
    .option('--sample <population=N,…>', 'also draw these samples of the period (samples/: CSV, test sheet and evidence pack each, signed with the rest)')
    .option('--seed <text>', 'the seed of the samples (required with --sample)')
    .option('--json', 'machine-readable output')
    .action(run(exportCommand));
  program
    .command('keygen')
    .description('create an Ed25519 key pair for signing export bundles')
    .option('--out <file>', 'the private key file to write (the public key goes to <file>.pub)')
    .option('--json', 'machine-readable output')
    .action(run(keygenCommand));
  program
    .command('migrate')
    .description('copy the evidence store into an empty one of the other engine (SQLite file to PostgreSQL, or back), then verify both hold the same chain')
    .option('--from <store>', 'the store to copy: a SQLite file, or a postgres:// URL')
    .option('--to <store>', 'the empty target: a postgres:// URL (role and password from PGUSER, PGPASSWORD), or a SQLite file that does not exist')
    .option('--json', 'machine-readable result')
    .action(run(migrateCommand));
  program
    .command('verify [bundle]')
    .description(
      'without a bundle: recompute every hash in the store; with one: check it offline (files, records, indexes, chain) and that a key you trust signed it; with an evidence pack (sample --pack): its records, findings and chain, its head tied to --head or --db',
    )
    .option('--public-key <file>', "the bundle signer's public key (PEM): trusted, and the signature checked with it")
    .option(
      '--fingerprint <SHA256:…>',
      'a trusted signer by fingerprint, as keygen and export print it (repeatable; also signing.trustedFingerprints in the config, and with --db the keys the store recorded with its exports)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--head <hash>',
      'a run hash kept elsewhere (sha256:<hash> from a verify, or <seq>:sha256:<hash> from a digest or a sample): fails if that run is no longer in the chain (runs cut off or rewritten), or is not the head of the pack',
    )
    .option('--json', 'machine-readable report with every problem')
    .action(async (bundle: string | undefined, _: unknown, command: Command) => {
      setExitCode(await verifyCommand(bundle, command.optsWithGlobals()));
    });
  program
    .command('completion')
    .description('print a shell completion script: source <(evidence-agent completion bash), zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript } = await import('./completion.js');
      process.stdout.write(completionScript(shell, program));
    });
  return program;
}

/** Problems of a config or exceptions file printed one per line; past this many, a count. */
const MAX_CONFIG_LINES = 10;
const count = (n: number) => n.toLocaleString('en-US');

async function report(error: unknown, verbose: boolean): Promise<number> {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are not errors.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof ConfigError) {
    // A file with thousands of bad entries: the first few say what is wrong, a count says how much.
    for (const line of error.lines.slice(0, MAX_CONFIG_LINES)) process.stderr.write(`evidence-agent: config: ${terminalLine(agentSecrets.redact(line))}\n`);
    const more = error.lines.length - MAX_CONFIG_LINES;
    if (more > 0) {
      process.stderr.write(
        `evidence-agent: config: … and ${count(more)} more problem(s): ${count(error.lines.length)} in all, the first ${MAX_CONFIG_LINES} above\n`,
      );
    }
    return 2;
  }
  let message = error instanceof Error ? error.message : String(error);
  // Loaded here, not at start: SQLite stays out of `--version` and `--help` (a command that failed on
  // the store has loaded it already).
  const { isDamagedStoreError, isStoreBusyError, lastOpenedStorePath } = await import('./store/open-database.js');
  // SQLite finding damaged pages mid-command says neither which file nor what to do.
  if (isDamagedStoreError(error)) {
    message = `${lastOpenedStorePath() ?? 'the evidence store'} is damaged (SQLite: ${message}): restore the store from a backup, then \`evidence-agent verify\``;
  } else if (isStoreBusyError(error)) {
    message = `${lastOpenedStorePath() ?? 'the evidence store'} is held by another writer (SQLite: ${message}): nothing was written to it; run this again once it is free`;
  }
  process.stderr.write(`evidence-agent: ${terminalLine(agentSecrets.redact(message.split('\n')[0]!))}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${terminalText(agentSecrets.redact(error.stack))}\n`);
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof MappingError || error instanceof StoreFileError) return 2;
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  // The AWS SDK's multi-line notice that its 2027 releases need Node 22 would open every command's
  // output on Node 20; the README states the Node 22 requirement for production instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return await report(error, argv.includes('--verbose') || argv.includes('-v'));
  }
}
