// The daemon's probe endpoints to whoever can reach the port: /readyz says why it is not ready in codes,
// the details (an API's error text, a path) go to the log; and every endpoint answers only requests
// whose Host names this agent, so a web page cannot read them through DNS rebinding.
import { request } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAllowed, startProbeServer } from '../src/daemon/http.js';
import type { ProbeServer, Readiness } from '../src/daemon/http.js';
import { createLogger } from '../src/logging.js';

const API_TEXT = 'AccessDenied: User arn:aws:iam::111122223333:user/agent is not authorized (request 7f3c…) <script>';

/** GET `path` with this Host header (fetch would not let a test set it). */
function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let probes: ProbeServer;
let port: number;
const log: string[] = [];
let state: Readiness = { ready: true, reasons: [] };

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(chunk.toString());
      done();
    },
  });
  const metrics = { contentType: 'text/plain; version=0.0.4', refresh: async () => undefined, metrics: async () => 'evidence_agent_runs_total 3\n' };
  probes = await startProbeServer('127.0.0.1', 0, async () => state, metrics, {
    logger: createLogger({ level: 'info', destination }),
    allowedHosts: ['evidence-agent.monitoring.svc'],
  });
  port = Number(new URL(probes.url).port);
});
afterAll(async () => {
  await probes.close();
});

describe('/readyz', () => {
  it('answers codes, never the error text, and logs the details once per change', async () => {
    state = {
      ready: false,
      reasons: [
        { code: 'collector_failing:aws-iam', detail: `aws-iam 111122223333: no successful run since 2026-12-01; last run failed: ${API_TEXT}` },
        { code: 'collector_failing:aws-iam', detail: `aws-iam 444455556666: no successful run yet; last run failed: ${API_TEXT}` },
        { code: 'store_lock_lost', detail: 'the store lock /data/evidence.db.lock is no longer ours' },
      ],
    };
    const first = await get(port, '/readyz', `127.0.0.1:${port}`);
    expect(first.status).toBe(503);
    expect(JSON.parse(first.body)).toEqual({ ready: false, reasons: ['collector_failing:aws-iam', 'store_lock_lost'] });
    expect(first.body).not.toContain('AccessDenied');
    expect(first.body).not.toContain('/data');
    expect(first.body).not.toContain('111122223333');
    await get(port, '/readyz', `127.0.0.1:${port}`);
    const notReady = log.filter((line) => line.includes('"msg":"not ready"'));
    expect(notReady).toHaveLength(1);
    expect(notReady[0]).toContain('AccessDenied: User arn:aws:iam::111122223333:user/agent is not authorized');
    expect(notReady[0]).toContain('/data/evidence.db.lock');

    state = { ready: true, reasons: [] };
    const ready = await get(port, '/readyz', `127.0.0.1:${port}`);
    expect([ready.status, JSON.parse(ready.body)]).toEqual([200, { ready: true, reasons: [] }]);
    expect(log.filter((line) => line.includes('"msg":"ready"'))).toHaveLength(1);
  });
});

describe('the Host header', () => {
  const endpoints = ['/healthz', '/readyz', '/metrics', '/other'];

  it.each([
    'evil.example',
    'evil.example:PORT',
    'rebind.attacker.test:PORT',
    '127.0.0.1.evil.example:PORT',
    'a@127.0.0.1:PORT',
    'localhost.evil.example:PORT',
    '127.0.0.1:PORT/x',
    '127.0.0.1 :PORT',
  ])('refuses %j on every endpoint', async (host) => {
    for (const path of endpoints) {
      const reply = await get(port, path, host.replace('PORT', String(port)));
      expect(reply.status, `${host} ${path}`).toBe(421);
      expect(reply.body).not.toContain('evidence_agent_runs_total');
    }
  });

  it.each([
    '127.0.0.1:PORT',
    'localhost:PORT',
    'LOCALHOST',
    'agent.localhost:PORT',
    '[::1]:PORT',
    '10.1.2.3:PORT',
    'evidence-agent.monitoring.svc:PORT',
    'Evidence-Agent.Monitoring.Svc.',
  ])('answers %j', async (host) => {
    const reply = await get(port, '/healthz', host.replace('PORT', String(port)));
    expect(reply).toEqual({ status: 200, body: 'ok\n' });
    expect((await get(port, '/metrics', host.replace('PORT', String(port)))).body).toContain('evidence_agent_runs_total 3');
  });

  it('refuses a request without a Host header (HTTP/1.0)', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET /metrics HTTP/1.0\r\n\r\n'));
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 421 /);
    expect(reply).not.toContain('evidence_agent_runs_total');
  });

  it('logs a refused host once, not once per request', async () => {
    for (let i = 0; i < 5; i++) await get(port, '/healthz', 'once.evil.example');
    expect(log.filter((line) => line.includes('probe request refused') && line.includes('once.evil.example'))).toHaveLength(1);
  });

  it('the configured bind host is allowed when it is a name', () => {
    expect(hostAllowed('agent.internal:9464', 'agent.internal')).toBe(true);
    expect(hostAllowed('agent.internal:9464', '0.0.0.0')).toBe(false);
    expect(hostAllowed('0.0.0.0:9464', '0.0.0.0')).toBe(true);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
  });
});
