// No secret leaves the process in anything it writes. Known fake secrets are planted in the config
// (through ${VAR}), in the environment and in API replies (STS credentials, a GitHub App installation
// token, a webhook secret in clear, credentials echoed back in error messages, a Slack webhook that
// fails and echoes its URL); then the real CLI collects (debug logs), makes and sends a digest, and
// exports a bundle. Every byte written is searched for each secret and its base64 forms: the
// store (each row and column, deflated blobs inflated, plus the raw DB, WAL and SHM files), the
// bundle (decompressed), the digest files, and every command's stdout and stderr.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/bundle/signing.js';
import { startSandbox } from '../../sandbox/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import { startSecretFront } from './secret-front.js';
import type { SecretFront } from './secret-front.js';
import { spawnCli } from '../helpers/cli-process.js';

const ACCOUNT = '111122223333';

const appKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

/** Every planted secret, by what it stands for. */
const SECRETS = {
  awsSecretAccessKey: 'test-secret-not-real-aws-secret-access-key-0001',
  awsSessionToken: 'test-secret-not-real-aws-session-token-0002',
  assumedSecretAccessKey: 'test-secret-not-real-assumed-secret-key-0003',
  assumedSessionToken: 'test-secret-not-real-assumed-session-token-0004',
  externalId: 'test-secret-not-real-external-id-0005',
  githubToken: 'test-secret-not-real-github-token-0006',
  installationToken: 'test-secret-not-real-installation-token-0007',
  smtpPassword: 'test-secret-not-real-smtp-password-0008',
  slackWebhookPath: 'test-secret-not-real-slack-webhook-0009',
  webhookSecret: 'test-secret-not-real-webhook-secret-0010',
  githubAppPrivateKey: appKey,
  // The sandbox's own webhook URL carries a token in its query string (the receiver's credential).
  webhookUrlToken: 'token=8c1f0a7e2d',
};

/** The text to look for: the value, its JSON-escaped form, each line of a PEM body, and base64 at every alignment. */
function needles(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  for (const line of value.split('\n')) if (line.length >= 40 && !line.startsWith('-----')) forms.add(line);
  for (const form of [...forms]) {
    for (let offset = 0; offset < 3; offset++) {
      const tail = form.slice(offset);
      const full = Math.floor(tail.length / 3) * 4;
      forms.add(Buffer.from(tail).toString('base64').slice(0, full));
    }
  }
  return [...forms].filter((form) => form.length >= 8);
}

interface Written {
  /** What was written, and where. */
  where: string;
  bytes: Buffer;
}

/** A column value as text, and inflated when it is a deflated blob. */
function decoded(value: unknown): Buffer[] {
  if (typeof value === 'string') return [Buffer.from(value)];
  if (!Buffer.isBuffer(value)) return [];
  const out = [value];
  for (const inflate of [inflateSync, inflateRawSync, gunzipSync]) {
    try {
      out.push(inflate(value));
    } catch {
      // not that format
    }
  }
  return out;
}

/** Every row and column of every table of the store, blobs inflated. */
function storeContents(path: string): Written[] {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    return tables.flatMap(({ name }) =>
      db
        .prepare<[], Record<string, unknown>>(`SELECT * FROM "${name}"`)
        .all()
        .flatMap((row) => Object.entries(row).flatMap(([column, value]) => decoded(value).map((bytes) => ({ where: `store ${name}.${column}`, bytes })))),
    );
  } finally {
    db.close();
  }
}

/** Every file under a directory, a gzip file also decompressed. */
function filesUnder(dir: string): Written[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((name) => {
    const path = join(dir, name);
    if (!statSync(path).isFile()) return [];
    const bytes = readFileSync(path);
    const files: Written[] = [{ where: name, bytes }];
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) files.push({ where: `${name} (decompressed)`, bytes: gunzipSync(bytes) });
    return files;
  });
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let sandbox: Sandbox;
let front: SecretFront;
let smtp: SMTPServer;
let smtpPort: number;
const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-secrets-'));
const outputs: Written[] = [];

const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && key !== 'EVIDENCE_AGENT_CONFIG')),
  LOG_LEVEL: 'debug',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'SECRETSTESTACCESSKEY',
  AWS_SECRET_ACCESS_KEY: SECRETS.awsSecretAccessKey,
  AWS_SESSION_TOKEN: SECRETS.awsSessionToken,
  AWS_REGION: 'us-east-1',
  AWS_MAX_ATTEMPTS: '1',
  EVIDENCE_AGENT_EXTERNAL_ID: SECRETS.externalId,
  GITHUB_TOKEN: SECRETS.githubToken,
  GITHUB_APP_PRIVATE_KEY: SECRETS.githubAppPrivateKey,
  SMTP_PASSWORD: SECRETS.smtpPassword,
};

async function cli(name: string, args: string[]): Promise<Result> {
  const result = await spawnCli(args, {
    cwd: dir,
    env: { ...ENV, AWS_ENDPOINT_URL: front.origin, SLACK_WEBHOOK_URL: `${front.origin}/slack/services/T00000000/B00000000/${SECRETS.slackWebhookPath}` },
  });
  outputs.push({ where: `${name} stdout`, bytes: Buffer.from(result.stdout) }, { where: `${name} stderr`, bytes: Buffer.from(result.stderr) });
  return result;
}

function config(github: Record<string, unknown>): string {
  const account = { id: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/evidence-reader`, externalId: '${EVIDENCE_AGENT_EXTERNAL_ID}' };
  return JSON.stringify({
    store: { path: join(dir, 'evidence.db') },
    log: { level: 'debug' },
    signing: { privateKeyPath: join(dir, 'signing.pem') },
    digest: {
      deliver: {
        directory: join(dir, 'digests'),
        slack: { webhookUrl: '${SLACK_WEBHOOK_URL}' },
        email: {
          host: '127.0.0.1',
          port: smtpPort,
          user: 'evidence-agent',
          password: '${SMTP_PASSWORD}',
          from: 'agent@example.com',
          to: ['audit@example.com'],
        },
      },
    },
    collectors: {
      'aws-iam': { accounts: [account], credentialReport: { pollIntervalMs: 5, maxWaitSeconds: 30 } },
      // Without the event slice: LookupEvents is paced at 2 a second, and its records hold no credential.
      'aws-cloudtrail': { accounts: [account], regions: ['us-east-1', 'eu-west-1'], events: { enabled: false } },
      // Without the change population: its GraphQL queries are spaced a second apart against a real host.
      github: { baseUrl: `${front.origin}/api/v3`, orgs: ['example-co'], changes: { enabled: false }, ...github },
    },
  });
}

const results: Record<string, Result> = {};

describe('secrets planted in config, environment and API replies', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ lookupEventsPerSecond: 0 });
    front = await startSecretFront(sandbox.endpoint, SECRETS);
    smtp = new SMTPServer({
      authOptional: false,
      disabledCommands: ['STARTTLS'],
      onAuth: (_auth, _session, done) => done(null, { user: 'evidence-agent' }),
      onData: (stream, _s, done) => stream.on('end', () => done()).resume(),
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as { port: number }).port;
    // YAML is a superset of JSON: the config files are written as JSON.
    writeFileSync(join(dir, 'app.yaml'), config({ auth: { appId: 123456, privateKey: '${GITHUB_APP_PRIVATE_KEY}', installationId: 7654321 } }));
    writeFileSync(join(dir, 'token.yaml'), config({ auth: { token: '${GITHUB_TOKEN}' } }));

    writeFileSync(join(dir, 'signing.pem'), generateSigningKey().privateKey, { mode: 0o600 });
    results['collect'] = await cli('collect', ['collect', '--config', 'app.yaml']);
    results['collect-token'] = await cli('collect-token', ['collect', '--config', 'token.yaml', '--collector', 'github']);
    // `collect` ran on the machine's clock: the period to digest and export is the day it recorded.
    const db = new Database(join(dir, 'evidence.db'), { readonly: true });
    const span = db.prepare('SELECT min(started_at) AS first, max(started_at) AS last FROM runs').get() as { first: string; last: string };
    db.close();
    const [from, to] = [span.first.slice(0, 10), span.last.slice(0, 10)];
    results['digest'] = await cli('digest', ['digest', '--config', 'app.yaml', '--send', '--from', from, '--to', to]);
    results['export'] = await cli('export', ['export', '--config', 'app.yaml', '--from', from, '--to', to, '--out', join(dir, 'bundle.tar.gz')]);
  }, 120_000);

  afterAll(async () => {
    await front?.close();
    await sandbox?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('ran every command, and the planted replies reached the agent', () => {
    const codes = Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.code]));
    // The digest reports the failed Slack delivery with exit 1; everything else succeeds.
    expect(codes).toEqual({ collect: 0, 'collect-token': 0, digest: 1, export: 0 });
    // The echoed credentials became stored error messages (checked below to hold no secret).
    const messages = storeContents(join(dir, 'evidence.db'))
      .filter((w) => w.where === 'store findings.message')
      .map((w) => w.bytes.toString());
    expect(messages.filter((m) => m.includes('denied for session token [redacted]'))).not.toEqual([]);
    expect(messages.filter((m) => m.includes('Resource not accessible with token [redacted]'))).not.toEqual([]);
    expect(results['digest']!.stderr).toMatch(/NOT delivered \(slack\): failed after 3 attempts: Slack answered HTTP 500/);
    expect(results['digest']!.stderr).toMatch(/delivered \(email\)/);
    // Debug logs were written (stderr) by the collections.
    expect(results['collect']!.stderr).toMatch(/"level":"debug"/);
  });

  it('no secret, nor its base64, appears in the store, the bundle, the digests, the logs or the output', () => {
    const written = [...filesUnder(dir), ...storeContents(join(dir, 'evidence.db')), ...outputs];
    expect(written.some((w) => w.where.startsWith('bundle.tar.gz'))).toBe(true);
    expect(written.some((w) => w.where.startsWith('digests'))).toBe(true);
    const leaks: string[] = [];
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const needle of needles(value)) {
        for (const w of written) if (w.bytes.includes(needle)) leaks.push(`${name} in ${w.where}`);
      }
    }
    expect([...new Set(leaks)]).toEqual([]);
  });
});
