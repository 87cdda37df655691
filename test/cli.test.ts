// End to end through the real CLI process: demo, collect against the sandbox via the standard
// AWS_ENDPOINT_URL override and the default credential chain, read commands, verify, errors.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { spawnCli } from './helpers/cli-process.js';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && key !== 'EVIDENCE_AGENT_CONFIG'));

function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Promise<Result> {
  return spawnCli(args, { cwd, env: { ...CLEAN_ENV, LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env } });
}

const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-cli-'));
const demoDb = join(dir, 'demo.db');
// The demo's clock, not the machine's: a Wednesday, so its five days reach back into the week before,
// whose digest it prints (a demo ending on a Sunday has no complete week in it, and no digest). In the
// past of any machine this runs on (CI fakes its clock as early as November 2026): the read commands show
// the store as of the machine's clock, which must not be before the demo's runs.
const DEMO_NOW = '2026-01-07T12:00:00Z';
const DEMO_LAST_DAY = '2026-01-07';

describe('evidence-agent demo and the read commands', () => {
  let demo: Result;
  beforeAll(async () => {
    demo = await cli(['demo', '--days', '5', '--now', DEMO_NOW, '--db', demoDb]);
  }, 60_000);

  it('prints a short summary and leaves a store that verifies', async () => {
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/Runs: 20 \(20 ok, 0 partial, 0 failed, 0 aborted\)/);
    expect(demo.stdout).toMatch(/aws-iam: \d+\.\d API calls per run, \d+ evidence documents per snapshot/);
    expect(demo.stdout).toMatch(/aws-cloudtrail: \d+\.\d API calls per run, \d+ evidence documents per snapshot/);
    expect(demo.stdout).toMatch(/github: \d+\.\d API calls per run, \d+ evidence documents per snapshot/);
    expect(demo.stdout).toMatch(/aws-organization: \d+\.\d API calls per run, \d+ evidence documents per snapshot/);
    expect(demo.stdout).toMatch(/github_repo_default_branch_protected\s+high\s+\d+\s+[1-9]/);
    expect(demo.stdout).toMatch(/aws_cloudtrail_trail_kms_encryption_enabled\s+medium\s+\d+\s+[1-9]/);
    expect(demo.stdout).toMatch(/aws_iam_user_console_mfa_enabled\s+high\s+\d+\s+[1-9]/);
    expect(demo.stdout).toMatch(/soc2: \d+ of 61 evidenced by automated checks/);
    const verify = await cli(['verify', '--db', demoDb]);
    expect(verify.code).toBe(0);
    // 20 collector runs and the export, plus the digest when the simulated days reach the last complete week.
    const runs = demo.stdout.includes('# Evidence digest') ? 22 : 21;
    expect(verify.stdout).toMatch(new RegExp(`^ok: .* ${runs} runs and \\d+ evidence documents verified; chain intact`));
  });

  it('ends with a signed period export that verifies offline with the key its store recorded, and not with another key', async () => {
    const match = /Period export: (\S+\.tar\.gz) \(\d+ files, signed with Ed25519 key (SHA256:[A-Za-z0-9+/]{43})\)/.exec(demo.stdout);
    expect(match).not.toBeNull();
    expect(demo.stdout).toContain(`verify it offline: evidence-agent verify ${match![1]} --db ${demoDb}`);
    const verified = await cli(['verify', match![1]!, '--db', demoDb]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(
      /the manifest signature \(key SHA256:\S+, trusted by the store \S+ \(export run \d+\)\) verified\nnote: the store recorded exporting this very bundle: export run \d+\n$/,
    );
    expect(verified.stdout).toContain(`(key ${match![2]}, trusted by the store ${demoDb} (export run `);
    // Without a trusted key, an intact bundle proves only who made it.
    const untrusted = await cli(['verify', match![1]!]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stdout).toContain(`FAILED: manifest.sig: signed by ${match![2]}, which is not a trusted key; pass --public-key or --fingerprint`);

    const keygen = await cli(['keygen', '--out', join(dir, 'other.pem')]);
    expect(keygen.code).toBe(0);
    expect(keygen.stdout).toMatch(/fingerprint SHA256:[A-Za-z0-9+/]{43}\n/);
    const wrongKey = await cli(['verify', match![1]!, '--public-key', join(dir, 'other.pem.pub')]);
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stdout).toMatch(
      /^FAILED: manifest\.sig: signed by SHA256:\S+, which is not a trusted key; pass --public-key or --fingerprint \(trusted here: SHA256:\S+ from --public-key /,
    );

    const today = DEMO_LAST_DAY;
    const exported = await cli([
      'export',
      '--from',
      today,
      '--to',
      today,
      '--framework',
      'soc1',
      '--out',
      join(dir, 'today'),
      '--signing-key',
      join(dir, 'other.pem'),
      '--db',
      demoDb,
    ]);
    expect(exported.code).toBe(0);
    expect((await cli(['verify', join(dir, 'today'), '--public-key', join(dir, 'other.pem.pub')])).code).toBe(0);
    const unsigned = await cli(['export', '--from', today, '--to', today, '--out', join(dir, 'unsigned.tar.gz'), '--db', demoDb]);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toMatch(/--signing-key: required .* `evidence-agent keygen --out <file>`/);
  }, 60_000);

  it('prints the digest of the last simulated week, keeps it, and sends one to a directory', async () => {
    expect(demo.stdout).toMatch(/^# Evidence digest 2026-W01 \(2025-12-29 to 2026-01-04, UTC\)$/m);
    expect(demo.stdout).toContain('## Changes merged without independent approval');
    const listed = JSON.parse((await cli(['digest', '--list', '--format', 'json', '--db', demoDb])).stdout) as { label: string; hash: string }[];
    expect(listed).toHaveLength(1);

    const config = join(dir, 'digest.yaml');
    writeFileSync(
      config,
      `digest:\n  deliver:\n    directory: ${join(dir, 'digests')}\n    slack:\n      webhookUrl: http://127.0.0.1:9/services/T0/B0/secret-part\n`,
    );
    const sent = await cli(['digest', '--week', listed[0]!.label, '--send', '--config', config, '--db', demoDb]);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain(`digest delivered (directory): ${join(dir, 'digests', `digest-${listed[0]!.label}.md`)}`);
    expect(sent.stderr).toMatch(/digest NOT delivered \(slack\): failed after 3 attempts: fetch failed/);
    expect(sent.stderr + sent.stdout).not.toContain('secret-part');
    // The next digest reports the failed delivery; --dry-run keeps nothing.
    const next = await cli(['digest', '--week', listed[0]!.label, '--dry-run', '--format', 'json', '--config', config, '--db', demoDb]);
    expect((JSON.parse(next.stdout) as { deliveryProblems: string[] }).deliveryProblems).toEqual([expect.stringMatching(/^slack: failed after 3 attempts/)]);
    expect(JSON.parse((await cli(['digest', '--list', '--format', 'json', '--db', demoDb])).stdout)).toHaveLength(2);
    expect((await cli(['verify', '--db', demoDb])).code).toBe(0);
  }, 30_000);

  it('lists the runs with their API call counts', async () => {
    const runs = await cli(['runs', '--json', '--db', demoDb]);
    // The demo's digest and export are runs of their own streams; other tests may have added more.
    const parsed = (JSON.parse(runs.stdout) as { status: string; apiCalls: number; collector: string; scope: string }[]).filter(
      (r) => r.collector !== 'digest' && r.collector !== 'export',
    );
    expect(parsed).toHaveLength(20);
    for (const collector of ['aws-iam', 'aws-cloudtrail', 'aws-organization', 'github'])
      expect(parsed.filter((run) => run.collector === collector)).toHaveLength(5);
    for (const run of parsed) {
      // aws-organization reads the organisation from its management account.
      expect(run).toMatchObject({
        status: 'ok',
        scope: run.collector === 'github' ? 'example-co' : run.collector === 'aws-organization' ? '444455556666' : '111122223333',
      });
      expect(run.apiCalls).toBeGreaterThanOrEqual(run.collector === 'aws-iam' ? 7 : 4);
    }
  });

  it('filters failing findings, with controls, as JSON', async () => {
    const result = await cli(['findings', '--status', 'fail', '--json', '--db', demoDb]);
    expect(result.code).toBe(0);
    const findings = JSON.parse(result.stdout) as { status: string; checkId: string; resourceId: string; controls: Record<string, string[]> }[];
    expect(findings.length).toBeGreaterThan(5);
    expect(new Set(findings.map((f) => f.status))).toEqual(new Set(['fail']));
    const noMfa = findings.find((f) => f.checkId === 'aws_iam_user_console_mfa_enabled');
    expect(noMfa?.controls.soc2).toContain('CC6.1');
    const byControl = JSON.parse((await cli(['findings', '--control', 'CC6.1', '--json', '--db', demoDb])).stdout) as {
      controls: Record<string, string[]>;
    }[];
    expect(byControl.every((f) => Object.values(f.controls).some((ids) => ids.includes('CC6.1')))).toBe(true);
  });

  it('exits 1 with --fail-on when failing findings reach the severity', async () => {
    expect((await cli(['findings', '--fail-on', 'critical', '--db', demoDb])).code).toBe(0);
    expect((await cli(['findings', '--fail-on', 'high', '--db', demoDb])).code).toBe(1);
  });

  it('shows every SOC 2 control with its state', async () => {
    const result = await cli(['controls', '--framework', 'soc2', '--json', '--db', demoDb]);
    const controls = JSON.parse(result.stdout) as { id: string; state: string; checks: string[] }[];
    expect(controls).toHaveLength(61);
    expect(controls.find((c) => c.id === 'CC6.1')).toMatchObject({ state: 'failing' });
    expect(controls.find((c) => c.id === 'CC1.1')).toMatchObject({ state: 'manual', checks: [] });
  });

  it('lists the populations offered, and writes the access changes of a period as CSV with its gaps on stderr', async () => {
    const list = await cli(['population', '--json', '--db', demoDb]);
    const listed = JSON.parse(list.stdout) as { id: string; collector: string; title: string }[];
    expect(listed.slice(0, 6)).toEqual([
      { id: 'aws-access-changes', collector: 'aws-cloudtrail', title: 'AWS access changes (IAM write events)' },
      { id: 'aws-org-accounts-cloudtrail', collector: 'aws-cloudtrail', title: 'AWS accounts joined or left the organisation' },
      { id: 'aws-org-accounts', collector: 'aws-iam', title: 'AWS accounts joined or left the organisation' },
      { id: 'aws-identity-center-changes', collector: 'aws-organization', title: 'AWS Identity Center and Organizations access changes' },
      { id: 'github-changes', collector: 'github', title: 'GitHub changes to default branches (merged pull requests and direct pushes)' },
      { id: 'principals-added-removed', collector: 'snapshots', title: 'Principals added or removed between snapshots (accounts and memberships)' },
    ]);
    // Then the events each event check failed, with their review state.
    expect(listed.slice(6).map((p) => p.id)).toEqual([
      'failing-aws_cloudtrail_root_not_used',
      'failing-aws_cloudtrail_console_signin_mfa_used',
      'failing-aws_cloudtrail_logging_not_stopped',
      'failing-github_pull_request_independently_approved',
      'failing-github_pull_request_checks_passed',
      'failing-github_repo_direct_pushes_absent',
    ]);
    // The period starts before the demo's first read (90 days back): that span is a stated gap.
    const from = new Date(Date.parse(DEMO_NOW) - 120 * 86_400_000).toISOString().slice(0, 10);
    const result = await cli(['population', 'aws-access-changes', '--from', from, '--to', DEMO_LAST_DAY, '--db', demoDb]);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\r\n');
    expect(header).toBe(
      'scope,occurredAt,region,eventId,eventName,outcome,actor,actorType,sessionIssuer,sourceIp,targetType,target,change,record,sourceSha256',
    );
    for (const row of rows) expect(row).toMatch(/,[0-9a-f]{64}$/);
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row).toMatch(/^111122223333,\d{4}-\d\d-\d\dT[\d:.]+Z,us-east-1,[0-9a-f-]{36},[A-Z]\w+,succeeded,arn:aws:iam::/);
    expect(rows.some((row) => row.includes(',AddUserToGroup,') && row.includes(',user,'))).toBe(true);
    expect(result.stderr).toMatch(
      new RegExp(
        `warning: aws-cloudtrail 111122223333 eu-west-1, us-east-1: events from ${from}T00:00:00.000Z to \\S+ are missing \\(before the first read\\)`,
      ),
    );

    const json = JSON.parse((await cli(['population', 'aws-access-changes', '--from', from, '--to', DEMO_LAST_DAY, '--json', '--db', demoDb])).stdout) as {
      rows: unknown[];
      streams: { scope: string; rows: number; coverage: { partition: string; gaps: unknown[] }[] }[];
    };
    expect(json.rows).toHaveLength(rows.length);
    expect(json.streams.map((s) => [s.scope, s.rows, s.coverage.map((c) => c.partition)])).toEqual([['111122223333', rows.length, ['eu-west-1', 'us-east-1']]]);
  });

  it('refuses an unknown population or a period without a start, with exit 2', async () => {
    const unknown = await cli(['population', 'all-changes', '--from', '2026-01-01', '--db', demoDb]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'evidence-agent: unknown population "all-changes" (known: aws-access-changes, aws-org-accounts-cloudtrail, aws-org-accounts, aws-identity-center-changes, github-changes, principals-added-removed, ' +
        'failing-aws_cloudtrail_root_not_used, failing-aws_cloudtrail_console_signin_mfa_used, failing-aws_cloudtrail_logging_not_stopped, ' +
        'failing-github_pull_request_independently_approved, failing-github_pull_request_checks_passed, failing-github_repo_direct_pushes_absent)\n',
    );
    const noFrom = await cli(['population', 'aws-access-changes', '--db', demoDb]);
    expect(noFrom.code).toBe(2);
    expect(noFrom.stderr).toMatch(/--from: required/);
    const backwards = await cli(['population', 'aws-access-changes', '--from', '2026-06-30', '--to', '2026-01-01', '--db', demoDb]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/--to: expected a time after --from/);
  });

  it('names the tampered document and exits 1', async () => {
    const copy = join(dir, 'tampered.db');
    const source = new Database(demoDb, { readonly: true });
    await source.backup(copy);
    source.close();
    const raw = new Database(copy);
    const blob = raw
      .prepare(
        `SELECT b.hash, b.content FROM blobs b JOIN manifest m ON m.blob_hash = b.hash
         WHERE m.type = 'aws.iam.user' ORDER BY m.resource_id LIMIT 1`,
      )
      .get() as { hash: string; content: Buffer };
    raw.exec('DROP TRIGGER blobs_no_update');
    const bytes = Buffer.from(blob.content);
    bytes[10] = bytes[10]! ^ 0xff;
    raw.prepare('UPDATE blobs SET content = ? WHERE hash = ?').run(bytes, blob.hash);
    raw.close();
    const result = await cli(['verify', '--db', copy]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^FAILED: evidence aws\.iam\.user arn:aws:iam::111122223333:user\/\S+ \(blob sha256:[0-9a-f]{16}…, first stored by run \d+\): /,
    );
    expect(result.stdout).toMatch(/\(1 more problem\(s\); --json lists them all\)/);
    const json = JSON.parse((await cli(['verify', '--json', '--db', copy])).stdout) as {
      ok: boolean;
      problems: { kind: string; record: string }[];
    };
    expect(json.ok).toBe(false);
    expect(json.problems.map((p) => p.kind)).toEqual(['blob', 'schema']);
  });

  it('refuses to write the demo into a store with real evidence', async () => {
    const realDb = join(dir, 'real.db');
    const sandbox = await startSandbox();
    try {
      const config = join(dir, 'real.yaml');
      writeFileSync(config, 'collectors:\n  aws-iam:\n    credentialReport: { pollIntervalMs: 5 }\n');
      const collected = await cli(['collect', '--config', config, '--db', realDb], {
        AWS_ENDPOINT_URL: sandbox.endpoint,
        AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS',
        AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
      });
      expect(collected.code).toBe(0);
    } finally {
      await sandbox.close();
    }
    const result = await cli(['demo', '--days', '1', '--db', realDb]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds real evidence .* pass --db to choose another file/);
  });
});

describe('evidence-agent collect', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => sandbox.close());

  it.each([
    ['AWS_ENDPOINT_URL', (endpoint: string) => ({ AWS_ENDPOINT_URL: endpoint })],
    [
      'AWS_ENDPOINT_URL_IAM, _STS, _ACCOUNT and _ACCESSANALYZER',
      // Access Analyzer (and account:ListRegions for its regions) are read by aws-iam too.
      (endpoint: string) => ({
        AWS_ENDPOINT_URL_IAM: endpoint,
        AWS_ENDPOINT_URL_STS: endpoint,
        AWS_ENDPOINT_URL_ACCOUNT: endpoint,
        AWS_ENDPOINT_URL_ACCESSANALYZER: endpoint,
      }),
    ],
  ])('collects an account through the default credential chain and the %s override', async (name, endpoints) => {
    const db = join(dir, `collect-${name.length}.db`);
    const config = join(dir, 'collect.yaml');
    writeFileSync(config, 'collectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n    credentialReport: { pollIntervalMs: 5 }\n');
    const before = sandbox.requests.total;
    const result = await cli(['collect', '--config', config, '--db', db], {
      ...endpoints(sandbox.endpoint),
      AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const match = /run 1 aws-iam 111122223333: ok, (\d+) API calls, (\d+) documents/.exec(result.stdout);
    expect(match).not.toBeNull();
    // The count stored with the run is what the sandbox actually received.
    expect(Number(match![1])).toBe(sandbox.requests.total - before);
  });

  it('stores the exceptions in force with the run, marks the failures they cover, and reports coverage', async () => {
    const db = join(dir, 'exceptions.db');
    const config = join(dir, 'with-exceptions.yaml');
    writeFileSync(
      config,
      'exceptions: exceptions.yaml\ncollectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n    credentialReport: { pollIntervalMs: 5 }\n',
    );
    writeFileSync(
      join(dir, 'exceptions.yaml'),
      `exceptions:\n  - id: RISK-12\n    check: aws_iam_user_no_direct_policies\n    resource: "arn:aws:iam::111122223333:user/*"\n` +
        `    reason: Service users keep their direct policies until the IAM redesign ships.\n    approver: ciso@example.com\n` +
        `    approved: 2026-01-01\n    expires: 2099-12-31\n`,
    );
    const env = { AWS_ENDPOINT_URL: sandbox.endpoint, AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS', AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests' };
    expect((await cli(['collect', '--config', config, '--db', db], env)).code).toBe(0);
    // `collect` runs on the machine's clock: the day to read is the day it recorded.
    const [run] = JSON.parse((await cli(['runs', '--json', '--db', db])).stdout) as { startedAt: string }[];
    const today = run!.startedAt.slice(0, 10);
    const failing = JSON.parse((await cli(['findings', '--status', 'fail', '--json', '--db', db])).stdout) as {
      checkId: string;
      exception: { id: string } | null;
    }[];
    const direct = failing.filter((f) => f.checkId === 'aws_iam_user_no_direct_policies');
    expect(direct.length).toBeGreaterThan(0);
    expect(direct.every((f) => f.exception?.id === 'RISK-12')).toBe(true);
    expect(failing.filter((f) => f.checkId !== 'aws_iam_user_no_direct_policies').every((f) => f.exception === null)).toBe(true);

    const coverage = JSON.parse((await cli(['coverage', '--from', today, '--to', today, '--framework', 'soc2', '--json', '--db', db])).stdout) as {
      days: string[];
      controls: { id: string; days: { state: string; excepted: string[] }[] }[];
      manual: { id: string }[];
    };
    expect(coverage.days).toEqual([today]);
    expect(coverage.controls.some((c) => c.days[0]!.excepted.some((e) => e.endsWith('(RISK-12)')))).toBe(true);
    expect(coverage.manual.map((m) => m.id)).toContain('CC1.1');
    const csv = await cli(['coverage', '--from', today, '--to', today, '--csv', '--db', db]);
    expect(csv.stdout.split('\r\n')[0]).toBe('framework,control,day,state,causes,failing,excepted,gap,failed,judged,severity,reviewed');

    writeFileSync(
      join(dir, 'exceptions.yaml'),
      'exceptions:\n  - id: RISK-13\n    check: aws_iam_user_no_direct_policies\n    resource: "*"\n    reason: too short\n',
    );
    const bad = await cli(['collect', '--config', config, '--db', db], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/exceptions\.yaml: exceptions\.0\.approver: /);
  });

  it('records an unreachable account as a failed run and exits 1', async () => {
    const db = join(dir, 'failed.db');
    const config = join(dir, 'failed.yaml');
    writeFileSync(config, 'collectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n');
    const result = await cli(['collect', '--config', config, '--db', db], {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9', // discard port: connection refused
      AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/run 1 aws-iam 111122223333: failed, \d+ API calls, 0 documents/);
    const runs = JSON.parse((await cli(['runs', '--json', '--db', db])).stdout) as { status: string; error: string }[];
    expect(runs).toEqual([expect.objectContaining({ status: 'failed', error: expect.stringMatching(/ECONNREFUSED/) })]);
  });

  it('flags the state as stale when the latest run failed after the snapshot shown', async () => {
    const db = join(dir, 'stale.db');
    const config = join(dir, 'stale.yaml');
    writeFileSync(
      config,
      `store: { path: "${db}" }\ncollectors:\n  aws-iam:\n    accounts: [{ id: "111122223333" }]\n    credentialReport: { pollIntervalMs: 5 }\n`,
    );
    const credentials = { AWS_ACCESS_KEY_ID: 'FAKEACCESSKEYFORTESTS', AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests' };
    expect((await cli(['collect', '--config', config], { ...credentials, AWS_ENDPOINT_URL: sandbox.endpoint })).code).toBe(0);
    expect((await cli(['collect', '--config', config], { ...credentials, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' })).code).toBe(1);
    // The read commands find the store through the config's store.path.
    const controls = await cli(['controls', '--framework', 'soc2', '--config', config]);
    expect(controls.code).toBe(0);
    expect(controls.stdout).toMatch(
      /^warning: aws-iam 111122223333: the latest run \(run 2, [^)]+\) failed \(.*ECONNREFUSED.*\); showing the snapshot of run 1 /,
    );
    expect(controls.stdout).toMatch(/CC6\.1\s+failing \(stale\)/);
    const findings = await cli(['findings', '--json', '--config', config]);
    expect(findings.stderr).toMatch(/^evidence-agent: warning: aws-iam 111122223333: the latest run \(run 2/);
    const parsed = JSON.parse(findings.stdout) as { laterRun: { seq: number; status: string } | null }[];
    expect(parsed.every((f) => f.laterRun?.seq === 2 && f.laterRun.status === 'failed')).toBe(true);
  });

  it('refuses a bad config with one line naming the field, exit 2, and writes nothing', async () => {
    const db = join(dir, 'never.db');
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'collectors:\n  aws-iam:\n    accounts:\n      - roleArn: foo\n');
    const result = await cli(['collect', '--config', config, '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('evidence-agent: config: collectors.aws-iam.accounts[0].roleArn: expected an IAM role ARN, got "foo"\n');
    expect(existsSync(db)).toBe(false);
  });
});

describe('collect without a config', () => {
  it('runs the demo estate on a machine with no AWS credentials', async () => {
    const home = mkdtempSync(join(tmpdir(), 'evidence-agent-home-'));
    const result = await cli(['collect'], { HOME: home }, home);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/no config .* collecting from the built-in demo estate instead/);
    expect(result.stdout).toMatch(/^evidence-agent demo: 30 simulated day\(s\)/);
    expect(existsSync(join(home, 'data', 'evidence.db'))).toBe(true);
    // ... and real evidence is then never written next to the simulated runs.
    writeFileSync(join(home, 'real.yaml'), 'collectors:\n  aws-iam: {}\n');
    const refused = await cli(['collect', '--config', 'real.yaml'], { HOME: home }, home);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/data\/evidence\.db is a demo store .* collect real evidence into another file/);
  }, 60_000);

  it('refuses to fall back to the demo when AWS credentials are set', async () => {
    const home = mkdtempSync(join(tmpdir(), 'evidence-agent-home-'));
    const result = await cli(['collect'], { HOME: home, AWS_PROFILE: 'production' }, home);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^evidence-agent: no config .* although AWS credentials are set \(AWS_PROFILE\)/);
    expect(existsSync(join(home, 'data'))).toBe(false);
  });
});

describe('runtime errors', () => {
  it('reports a store path that is a directory in one line, exit 2, and does not hang', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'evidence-agent-not-a-db-'));
    const started = Date.now();
    const result = await cli(['demo', '--days', '1', '--db', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `evidence-agent: ${folder} is a directory, not an evidence store file: pass --db (or store.path) a file, e.g. ${join(folder, 'evidence.db')}\n`,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('usage errors', () => {
  it.each([
    [['findings', '--db', join(dir, 'missing.db')], /no evidence store at .*missing\.db: run `evidence-agent collect`/],
    [['demo', '--days', '0', '--db', join(dir, 'x.db')], /--days: expected a whole number from 1 to 366, got "0"/],
    [['findings', '--status', 'passing', '--db', demoDb], /argument 'passing' is invalid/],
    [['controls', '--framework', 'iso27001', '--db', demoDb], /--framework: unknown framework "iso27001" \(known: soc1, soc2\)/],
    [['findings', '--at', '2026-02-30', '--db', demoDb], /--at: expected a date/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j exits 2 with one clear line', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
