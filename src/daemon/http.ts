// The daemon's HTTP endpoints, for probes and Prometheus: /healthz (the process answers; with ?verbose,
// the collection's health too, always 200: restarting the process mends no AWS permission), /readyz
// (ready to serve: the store is usable and ours, schedules are loaded), /metrics. Bound to 127.0.0.1
// unless the config says otherwise; nothing else is served.
//
// Whoever reaches the port gets no error text: /readyz answers reasons as codes (`store_unreadable`,
// `collector_failing:aws-iam`), and the details (an API's message, a path) go to the log, once each time
// they change. Every request's Host header must name this agent (see `hostAllowed`): a web page the
// operator opens cannot turn its own domain into 127.0.0.1 by DNS rebinding and read the endpoints.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging.js';
import type { DaemonMetrics } from './metrics.js';

export interface ReadinessReason {
  /** What /readyz answers: a code, optionally `:<collector id>`. */
  code: string;
  /** What the log gets: the cause in words (may quote an API's error text). */
  detail: string;
}

export interface Readiness {
  ready: boolean;
  reasons: ReadinessReason[];
  /** This agent in the shared schedule: its role, its id in the leases and the slots it holds. */
  agent?: { role: string; id: string; holds: string[] };
}

export interface ProbeServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export interface ProbeOptions {
  logger: Logger;
  /** Host names (besides IP addresses, localhost and `host`) a request may be addressed to: `http.allowedHosts`. */
  allowedHosts?: readonly string[];
  /** The collection's health for /healthz?verbose: streams failing beyond their cadence, as codes. */
  collectionHealth?: () => Promise<Readiness>;
}

/**
 * A request is answered only when its Host names this agent: an IP address (DNS rebinding needs a name
 * the attacker controls, never a literal address; probes and Prometheus use the pod's address),
 * `localhost` or a name under it, the configured bind host, or a name listed in `http.allowedHosts`
 * (a Service name that Prometheus scrapes). The port is not compared: a rebinding page uses ours.
 */
export function hostAllowed(header: string | undefined, bindHost: string, allowedHosts: readonly string[] = []): boolean {
  // `name[:port]` or `[IPv6][:port]`, nothing else (no user info, path or space to confuse a parser).
  const match = header ? /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::\d{1,5})?$/.exec(header) : null;
  if (!match) return false;
  if (match[1] !== undefined) return isIP(match[1]) === 6;
  const name = match[2]!.toLowerCase().replace(/\.$/, '');
  if (isIP(name) === 4) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return [bindHost, ...allowedHosts].some((allowed) => allowed.toLowerCase().replace(/\.$/, '') === name);
}

/** The distinct codes of the reasons, in order: what anyone who reaches the port may see. */
export function reasonCodes(reasons: readonly ReadinessReason[]): string[] {
  return [...new Set(reasons.map((r) => r.code))];
}

export async function startProbeServer(
  host: string,
  port: number,
  readiness: () => Promise<Readiness>,
  metrics: Pick<DaemonMetrics, 'refresh' | 'metrics' | 'contentType'>,
  options: ProbeOptions,
): Promise<ProbeServer> {
  const { logger } = options;
  // Logged when they change, not at every probe (a kubelet asks every few seconds).
  const changeLogger = (good: string, bad: string) => {
    let lastLogged = '';
    return (state: Readiness) => {
      const key = JSON.stringify(state.reasons);
      if (key === lastLogged) return;
      lastLogged = key;
      if (state.ready) logger.info(good);
      else logger.warn({ reasons: state.reasons }, bad);
    };
  };
  const logReadiness = changeLogger('ready', 'not ready');
  const logCollection = changeLogger('collection healthy', 'collection unhealthy');
  const refusedHosts = new Set<string>();

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://daemon').pathname;
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (!hostAllowed(req.headers.host, host, options.allowedHosts)) {
      // Once per distinct Host, and at most a few dozen: a page looping over requests cannot flood the log.
      const seen = req.headers.host ?? '(none)';
      if (!refusedHosts.has(seen) && refusedHosts.size < 32) {
        refusedHosts.add(seen);
        logger.warn(
          { host: seen.slice(0, 200), path },
          'probe request refused: its Host header names no address of this agent (add the name to http.allowedHosts if it is yours)',
        );
      }
      return reply(421, 'text/plain', 'misdirected request: the Host header names no address of this agent (http.allowedHosts)\n');
    }
    if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz' && options.collectionHealth && new URL(req.url ?? '/', 'http://daemon').searchParams.has('verbose')) {
      void options
        .collectionHealth()
        .catch((error: Error): Readiness => ({ ready: false, reasons: [{ code: 'collection_health_check_failed', detail: error.message }] }))
        .then((health) => {
          logCollection(health);
          reply(200, 'application/json', `${JSON.stringify({ live: true, collection: { healthy: health.ready, reasons: reasonCodes(health.reasons) } })}\n`);
        });
      return;
    }
    if (path === '/healthz') return reply(200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      void readiness()
        .catch((error: Error): Readiness => ({ ready: false, reasons: [{ code: 'readiness_check_failed', detail: error.message }] }))
        .then((r) => {
          logReadiness(r);
          reply(
            r.ready ? 200 : 503,
            'application/json',
            `${JSON.stringify({ ready: r.ready, reasons: reasonCodes(r.reasons), ...(r.agent ? { agent: r.agent } : {}) })}\n`,
          );
        });
      return;
    }
    if (path === '/metrics') {
      void metrics.refresh().then(
        async () => reply(200, metrics.contentType, await metrics.metrics()),
        (error: Error) => {
          logger.error({ err: error.message }, 'metrics not available');
          reply(500, 'text/plain', 'metrics_unavailable\n');
        },
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
