// `evidence-agent healthcheck`: the container's HEALTHCHECK reads http.host and http.port from the
// config file (without loading the collectors) and probes /healthz.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliInProcess } from './helpers/cli-in-process.js';

let dir: string;
let server: Server;
let port: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ea-healthcheck-'));
  server = createServer((req, res) => {
    res.writeHead(req.url === '/healthz' ? 200 : 404);
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

const config = (text: string) => {
  const path = join(dir, 'agent.yaml');
  writeFileSync(path, text);
  return path;
};

describe('healthcheck', () => {
  it('probes the port of the config, on loopback when the daemon listens on every interface', async () => {
    const path = config(`http: { host: 0.0.0.0, port: ${port} }\ncollectors: { unknown-section-is-not-read: {} }\n`);
    const result = await cliInProcess(['healthcheck', '--config', path]);
    expect(result).toMatchObject({ code: 0, stdout: `ok: http://127.0.0.1:${port}/healthz\n` });
  });

  it('is unhealthy (exit 1) when nothing answers, and a bad config is one line (exit 2)', async () => {
    await new Promise<void>((done) => server.close(() => done()));
    server = createServer();
    const down = await cliInProcess(['healthcheck', '--config', config(`http: { port: ${port} }\n`)]);
    expect(down.code).toBe(1);
    expect(down.stdout).toBe(`unhealthy: http://127.0.0.1:${port}/healthz answered nothing\n`);
    const bad = await cliInProcess(['healthcheck', '--config', config('http: { port: "ninety" }\n')]);
    expect(bad).toMatchObject({ code: 2, stderr: 'evidence-agent: config: http.port: expected a port number from 0 to 65535, got "ninety"\n' });
  });
});
