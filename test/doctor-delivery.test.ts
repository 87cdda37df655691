// doctor's checks of the digest's targets: without --send-test nothing is sent (Slack's host answers a
// HEAD, the SMTP server a login, the directory is writable or creatable); with it, each target gets a
// real test message. A refused login or a failing webhook is a problem naming the target.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryChecks } from '../src/doctor/delivery.js';

const NOW = new Date('2026-12-06T10:00:00Z');
let dir: string;
let http: Server;
let webhook: string;
let webhookStatus = 200;
const posts: { method: string; body: string }[] = [];
let smtp: SMTPServer;
let smtpPort: number;
const mails: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ea-doctor-delivery-'));
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push({ method: req.method ?? '', body });
      res.writeHead(req.method === 'POST' ? webhookStatus : 400);
      res.end(req.method === 'POST' && webhookStatus === 200 ? 'ok' : 'invalid_payload');
    });
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  webhook = `http://127.0.0.1:${(http.address() as AddressInfo).port}/services/T000/B000/XXXX`;
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'digest' && auth.password === 'right-password') callback(null, { user: 'digest' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        mails.push(raw);
        callback();
      });
    },
  });
  await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((done) => http.close(() => done()));
  await new Promise<void>((done) => smtp.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

const email = (password: string) => ({
  host: '127.0.0.1',
  port: smtpPort,
  secure: false,
  user: 'digest',
  password,
  from: 'agent@example.test',
  to: ['grc@example.test'],
});

describe('doctor: digest delivery', () => {
  it('without --send-test sends nothing: the host answers, the login is accepted, the directory would be created', async () => {
    const directory = join(dir, 'digests');
    const checks = await deliveryChecks({ directory, slack: { webhookUrl: webhook }, email: email('right-password') }, false, NOW);
    expect(checks).toEqual([
      { area: 'digest', check: 'directory', status: 'ok', detail: `${directory}: will be created` },
      { area: 'digest', check: 'slack', status: 'ok', detail: `${new URL(webhook).host} reachable (HTTP 400 to HEAD); --send-test posts a test message` },
      { area: 'digest', check: 'email', status: 'ok', detail: `127.0.0.1:${smtpPort} accepted the connection and the login; --send-test sends a test email` },
    ]);
    expect(posts.filter((p) => p.method === 'POST')).toEqual([]);
    expect(mails).toEqual([]);
    expect(existsSync(directory)).toBe(false);
  });

  it('with --send-test sends a test message to each target', async () => {
    const directory = join(dir, 'sent');
    const checks = await deliveryChecks({ directory, slack: { webhookUrl: webhook }, email: email('right-password') }, true, NOW);
    expect(checks.map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
    expect(readFileSync(join(directory, 'evidence-agent-doctor-test.txt'), 'utf8')).toMatch(
      /^evidence-agent doctor: a test message from .* at 2026-12-06T10:00:00\.000Z/,
    );
    expect(JSON.parse(posts.find((p) => p.method === 'POST')!.body)).toEqual({ text: expect.stringContaining('the weekly evidence digest will arrive here') });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('Subject: evidence-agent doctor: test message');
  });

  it('names a refused login, a failing webhook and an unreachable host', async () => {
    webhookStatus = 404;
    try {
      const [slack, mail] = await deliveryChecks({ slack: { webhookUrl: webhook }, email: email('wrong') }, true, NOW);
      expect(slack).toEqual({ area: 'digest', check: 'slack', status: 'fail', detail: 'the webhook answered HTTP 404: invalid_payload' });
      expect(mail).toMatchObject({ status: 'fail', detail: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${smtpPort}: .*Invalid username or password`)) });
    } finally {
      webhookStatus = 200;
    }
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const [down] = await deliveryChecks({ slack: { webhookUrl: `http://127.0.0.1:${port}/services/x` } }, false, NOW);
    expect(down).toMatchObject({ status: 'fail', detail: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port} not reachable: .*ECONNREFUSED`)) });
    expect(await deliveryChecks(undefined, false, NOW)).toEqual([
      { area: 'digest', check: 'delivery', status: 'skip', detail: 'digest.deliver names no target: the daemon sends no digest' },
    ]);
  });
});
