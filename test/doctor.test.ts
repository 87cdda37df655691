// `evidence-agent doctor` against the sandbox (the real SDKs and Octokit over HTTP): every credential and
// permission checked scope by scope; a policy without one action names it; bad credentials are one line
// per scope; and the store is byte for byte the same after (a missing one is not created).
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { awsCloudTrail } from '../collectors/aws-cloudtrail/index.js';
import { awsIam } from '../collectors/aws-iam/index.js';
import { github } from '../collectors/github/index.js';
import { githubOptionsSchema } from '../collectors/github/schema.js';
import { generateSigningKey } from '../src/bundle/signing.js';
import { runDoctor } from '../src/doctor/run.js';
import type { DoctorReport } from '../src/doctor/run.js';
import { silentLogger } from '../src/logging.js';
import { agentSecrets } from '../src/redaction.js';
import { startSandbox } from '../sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../sandbox/index.js';
import { openStore } from '../src/store/index.js';
import { cliInProcess } from './helpers/cli-in-process.js';

// Fake access key ids in AWS's shape (the sandbox checks them); built from parts so no scanner takes them for real keys.
const AKIA = 'AKIA';
const KEY_ID = `${AKIA}DOCTORTESTKEY000`;
const TOKEN = 'doctor-test-token-not-real';
const sandboxes: Sandbox[] = [];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ea-doctor-'));
  writeFileSync(join(dir, 'signing.pem'), generateSigningKey().privateKey, { mode: 0o600 });
});
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = await startSandbox({ lookupEventsPerSecond: 0, access: { accessKeyId: KEY_ID }, ...options, github: { token: TOKEN, ...options.github } });
  sandboxes.push(started);
  return started;
}

function configFor(s: Sandbox, name: string, store = join(dir, `${name}.db`)): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    [
      `store: { path: ${store} }`,
      'signing: { privateKeyPath: ./signing.pem }',
      `digest: { deliver: { directory: ${join(dir, 'digests')} } }`,
      'collectors:',
      '  aws-iam: { accounts: [{ id: "111122223333" }] }',
      '  aws-cloudtrail: { accounts: [{ id: "111122223333" }], regions: [us-east-1] }',
      `  github: { baseUrl: "${s.githubBaseUrl}", auth: { token: "\${DOCTOR_GITHUB_TOKEN}" }, orgs: [example-co] }`,
      '',
    ].join('\n'),
  );
  return path;
}

async function doctor(s: Sandbox, config: string, accessKeyId = KEY_ID, token = TOKEN): Promise<DoctorReport> {
  return runDoctor(
    { config },
    {
      env: { DOCTOR_GITHUB_TOKEN: token },
      logger: silentLogger(),
      clientEnvironment: {
        aws: { endpoint: s.endpoint, credentials: { accessKeyId, secretAccessKey: 'doctor-test-secret-not-real' } },
        github: { retryAfterBaseMs: 1 },
      },
    },
  );
}

const rows = (report: DoctorReport, area: string) => report.checks.filter((c) => c.area === area).map((c) => [c.check, c.status]);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('doctor against the sandbox', () => {
  it('checks every credential and permission and finds nothing wrong; a missing store is not created', async () => {
    const s = await sandbox();
    const config = configFor(s, 'ok');
    const report = await doctor(s, config);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(rows(report, 'aws-iam 111122223333')).toEqual([
      ['credentials', 'ok'],
      ['iam:GetAccountAuthorizationDetails', 'ok'],
      ['iam:GenerateCredentialReport', 'ok'],
      ['iam:GetCredentialReport', 'ok'],
      ['iam:GetAccountPasswordPolicy', 'ok'],
      ['iam:GetAccountSummary', 'ok'],
      ['iam:ListVirtualMFADevices', 'ok'],
      ['account:ListRegions', 'ok'],
      ['access-analyzer:ListAnalyzers', 'ok'],
      ['access-analyzer:ListFindings', 'ok'],
    ]);
    expect(rows(report, 'aws-cloudtrail 111122223333')).toEqual([
      ['credentials', 'ok'],
      ['account:ListRegions', 'skip'],
      ['cloudtrail:DescribeTrails', 'ok'],
      ['cloudtrail:GetTrailStatus', 'ok'],
      ['cloudtrail:GetEventSelectors', 'ok'],
      ['cloudtrail:LookupEvents', 'ok'],
      ['logs:DescribeMetricFilters', 'ok'],
      ['cloudwatch:DescribeAlarmsForMetric', 'ok'],
      ['sns:ListSubscriptionsByTopic', 'ok'],
    ]);
    // Every permission a collector declares (its shipped policy) has a check: one added without a probe fails here.
    for (const collector of [awsIam, awsCloudTrail, github]) {
      const names = report.checks.filter((c) => c.area.startsWith(`${collector.id} `)).map((c) => c.check);
      expect(new Set(names), collector.id).toEqual(new Set(['credentials', ...collector.permissions]));
    }
    // A fine-grained token (no X-OAuth-Scopes): five permissions proved by a read, the rest not checked.
    const gh = report.checks.filter((c) => c.area === 'github example-co');
    expect(gh[0]).toMatchObject({ check: 'credentials', status: 'ok', detail: 'organization example-co read with a fine-grained token' });
    expect(
      gh
        .filter((c) => c.status === 'ok')
        .map((c) => c.check)
        .sort(),
    ).toEqual(['administration=read', 'credentials', 'members=read', 'metadata=read', 'organization_administration=read', 'organization_hooks=read']);
    expect(gh.filter((c) => c.status === 'skip')).toHaveLength(6);
    expect(report.checks.find((c) => c.area === 'signing')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^an Ed25519 private key, fingerprint SHA256:/),
    });
    expect(report.checks.find((c) => c.area === 'store')).toMatchObject({ status: 'ok', detail: expect.stringContaining('not created yet') });
    expect(existsSync(join(dir, 'ok.db'))).toBe(false);
    expect(existsSync(join(dir, 'digests'))).toBe(false);
  });

  it('leaves an existing store byte for byte as it was (and adds no file next to it)', async () => {
    const s = await sandbox();
    const storeDir = mkdtempSync(join(dir, 'store-'));
    const db = join(storeDir, 'evidence.db');
    const store = openStore(db);
    await store.close();
    const before = { hash: sha256(db), files: readdirSync(storeDir).sort() };
    const report = await doctor(s, configFor(s, 'existing', db));
    expect(report.checks.find((c) => c.area === 'store')).toMatchObject({ status: 'ok', detail: 'a store of real evidence, 0 run(s), writable' });
    expect({ hash: sha256(db), files: readdirSync(storeDir).sort() }).toEqual(before);
  });

  it('names the permission a policy lacks (AccessDenied for one action), and lists it as missing', async () => {
    const s = await sandbox({
      access: { accessKeyId: KEY_ID, deniedActions: ['iam:ListVirtualMFADevices', 'cloudtrail:GetEventSelectors'] },
      github: { deniedPermissions: ['organization_hooks'] },
    });
    const report = await doctor(s, configFor(s, 'denied'));
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([
      {
        area: 'aws-cloudtrail 111122223333',
        check: 'cloudtrail:GetEventSelectors',
        status: 'fail',
        detail: 'denied (AccessDeniedException): grant cloudtrail:GetEventSelectors, as config/aws-cloudtrail-policy.json does',
      },
      {
        area: 'aws-iam 111122223333',
        check: 'iam:ListVirtualMFADevices',
        status: 'fail',
        detail: 'denied (AccessDenied): grant iam:ListVirtualMFADevices, as config/aws-iam-policy.json does',
      },
      {
        area: 'github example-co',
        check: 'organization_hooks=read',
        status: 'fail',
        detail:
          'denied: GET /orgs/example-co/hooks?per_page=1: HTTP 403: Resource not accessible by personal access token (needs the permission organization_hooks=read); grant organization_hooks=read to the token (collectors/github/README.md)',
      },
    ]);
    expect(report.missing).toEqual([
      { area: 'aws-cloudtrail 111122223333', permissions: ['cloudtrail:GetEventSelectors'] },
      { area: 'aws-iam 111122223333', permissions: ['iam:ListVirtualMFADevices'] },
      { area: 'github example-co', permissions: ['organization_hooks=read'] },
    ]);
  });

  it('names a denied read of the alarm and Access Analyzer permissions (every service of the shipped policies)', async () => {
    const denied = ['access-analyzer:ListFindings', 'logs:DescribeMetricFilters', 'cloudwatch:DescribeAlarmsForMetric', 'sns:ListSubscriptionsByTopic'];
    const s = await sandbox({ access: { accessKeyId: KEY_ID, deniedActions: denied } });
    const report = await doctor(s, configFor(s, 'denied-new'));
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual([
      {
        area: 'aws-cloudtrail 111122223333',
        permissions: ['logs:DescribeMetricFilters', 'cloudwatch:DescribeAlarmsForMetric', 'sns:ListSubscriptionsByTopic'],
      },
      { area: 'aws-iam 111122223333', permissions: ['access-analyzer:ListFindings'] },
    ]);
    for (const check of report.checks.filter((c) => c.status === 'fail')) {
      expect(check.detail).toMatch(new RegExp(`^denied \\(\\w+\\): grant ${check.check}, as config/aws-[a-z]+-policy\\.json does$`));
    }
  });

  it('says bad credentials in one line per scope, without trying the permissions', async () => {
    const s = await sandbox();
    const report = await doctor(s, configFor(s, 'bad'), `${AKIA}WRONGKEY00000000`, 'wrong-token');
    expect(report.checks.filter((c) => c.area !== 'config' && c.area !== 'store' && c.area !== 'signing' && c.area !== 'digest')).toEqual([
      {
        area: 'aws-cloudtrail 111122223333',
        check: 'credentials',
        status: 'fail',
        detail: 'STS GetCallerIdentity: InvalidClientTokenId: The security token included in the request is invalid.',
      },
      {
        area: 'aws-iam 111122223333',
        check: 'credentials',
        status: 'fail',
        detail: 'STS GetCallerIdentity: InvalidClientTokenId: The security token included in the request is invalid.',
      },
      {
        area: 'github example-co',
        check: 'credentials',
        status: 'fail',
        detail: 'GET /orgs/example-co: HTTP 401: Bad credentials: the token is not valid (expired, revoked or mistyped)',
      },
    ]);
    expect(report.missing).toEqual([]);
  });

  it('reports a classic token by its scopes', async () => {
    const s = await sandbox({ github: { tokenScopes: ['repo', 'admin:org'] } });
    const report = await doctor(s, configFor(s, 'classic'));
    expect(rows(report, 'github example-co')).toEqual([
      ['credentials', 'ok'],
      ['read:org', 'ok'],
      ['repo', 'ok'],
      ['admin:org_hook', 'fail'],
      ['admin:org', 'ok'],
    ]);
  });

  it('as the CLI: a table (or --json), exit 1 on a problem, exit 0 when none', async () => {
    const s = await sandbox({ access: { accessKeyId: KEY_ID, deniedActions: ['iam:GetAccountSummary'] } });
    const config = configFor(s, 'cli');
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: s.endpoint,
      AWS_ACCESS_KEY_ID: KEY_ID,
      AWS_SECRET_ACCESS_KEY: 'doctor-test-secret-not-real',
      DOCTOR_GITHUB_TOKEN: TOKEN,
      AWS_MAX_ATTEMPTS: '1',
    });
    try {
      const text = await cliInProcess(['doctor', '--config', config]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(
        /^FAIL {4}aws-iam 111122223333 +iam:GetAccountSummary +denied \(AccessDenied\): grant iam:GetAccountSummary, as config\/aws-iam-policy\.json does$/m,
      );
      expect(text.stdout).toContain('Missing permissions');
      expect(text.stdout).toMatch(/^ {2}aws-iam 111122223333: iam:GetAccountSummary$/m);
      expect(text.stdout).toMatch(/1 problem\(s\)\. Nothing was written to the store\.\n$/);
      const json = await cliInProcess(['doctor', '--config', config, '--json']);
      expect(json.code).toBe(1);
      expect((JSON.parse(json.stdout) as DoctorReport).missing).toEqual([{ area: 'aws-iam 111122223333', permissions: ['iam:GetAccountSummary'] }]);
      // A config that does not validate: each wrong field one failing line, exit 1.
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, 'collectors:\n  aws-iam: { accounts: [{ id: "12" }] }\n');
      const bad = await cliInProcess(['doctor', '--config', broken]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/^FAIL +config +config +collectors\.aws-iam\.accounts\[0\]\.id: expected a 12-digit AWS account id/m);
      // Nothing wrong: exit 0, and what was not checked is said.
      const fine = await sandbox();
      process.env.AWS_ENDPOINT_URL = fine.endpoint;
      const good = await cliInProcess(['doctor', '--config', configFor(fine, 'cli-ok')]);
      expect(good.stdout).toMatch(/No problem found \(7 not checked, see skip\)\. Nothing was written to the store\.\n$/);
      expect(good.code).toBe(0);
    } finally {
      process.env = saved;
    }
  });
});

describe('doctor: a GitHub App installation', () => {
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('compares what the installation was granted with what the collector needs', async () => {
    nock.disableNetConnect();
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const granted = Object.fromEntries(github.permissions.map((p) => [p.split('=')[0], 'read']));
    delete granted['secret_scanning_alerts'];
    const scope = nock('https://api.github.com')
      .post('/app/installations/7654321/access_tokens')
      .reply(201, { token: 'ghs_doctortestinstallationtoken', expires_at: '2099-01-01T00:00:00Z', permissions: granted, repository_selection: 'all' })
      .get('/orgs/acme')
      .matchHeader('authorization', 'token ghs_doctortestinstallationtoken')
      .reply(200, { login: 'acme', id: 1 });
    const options = githubOptionsSchema.parse({ auth: { appId: 123456, privateKey, installationId: 7654321 }, orgs: ['acme'] });
    const checks = await github.preflight!({
      options,
      scope: github.scopes(options)[0]!,
      logger: silentLogger(),
      now: () => new Date(),
      signal: AbortSignal.timeout(10_000),
      clientEnvironment: { github: { retryAfterBaseMs: 1 } },
      countApiCall: () => undefined,
      secrets: agentSecrets,
    });
    scope.done();
    expect(checks[0]).toEqual({ name: 'credentials', status: 'ok', detail: 'organization acme read with a GitHub App installation' });
    expect(checks.filter((c) => c.status === 'fail')).toEqual([
      {
        name: 'secret_scanning_alerts=read',
        status: 'fail',
        detail: "not granted to the installation: add secret_scanning_alerts (read-only) to the App's permissions (collectors/github/README.md)",
      },
    ]);
    expect(checks).toHaveLength(1 + github.permissions.length);
  });
});
