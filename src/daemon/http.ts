// The daemon's HTTP endpoints, for probes and Prometheus: /healthz (the process answers), /readyz (the
// store is writable, schedules are loaded, no collector failing beyond its cadence; reasons in the body),
// /metrics. Bound to 127.0.0.1 unless the config says otherwise; nothing else is served.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonMetrics } from './metrics.js';

export interface Readiness {
  ready: boolean;
  reasons: string[];
}

export interface ProbeServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startProbeServer(host: string, port: number, readiness: () => Promise<Readiness>, metrics: DaemonMetrics): Promise<ProbeServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://daemon').pathname;
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') return reply(200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      void readiness().then(
        (r) => reply(r.ready ? 200 : 503, 'application/json', `${JSON.stringify(r)}\n`),
        (error: Error) => reply(503, 'application/json', `${JSON.stringify({ ready: false, reasons: [error.message] })}\n`),
      );
      return;
    }
    if (path === '/metrics') {
      void metrics.refresh().then(
        async () => reply(200, metrics.contentType, await metrics.metrics()),
        (error: Error) => reply(500, 'text/plain', `${error.message}\n`),
      );
      return;
    }
    reply(404, 'text/plain', 'not found: /healthz, /readyz, /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
