// `evidence-agent healthcheck [--url]`: probes the daemon's /healthz (the container's HEALTHCHECK: the
// image has no curl). Loads no collector, SDK or store: it reads http.host and http.port from the config
// file and nothing else, so a probe every 30 s costs a bare Node start.
import { request } from 'node:http';
import type { GlobalOptions } from '../agent.js';
import { findConfigPath } from '../config/path.js';
import { DEFAULT_PROBE_HOST, DEFAULT_PROBE_PORT, loadProbeAddress } from '../config/probe-address.js';
import { print } from './print.js';

export interface HealthcheckOptions extends GlobalOptions {
  url?: string;
}

export async function healthcheckCommand(options: HealthcheckOptions): Promise<number> {
  let url = options.url;
  if (!url) {
    const path = findConfigPath(options.config, process.env);
    const address = path ? loadProbeAddress(path) : { host: DEFAULT_PROBE_HOST, port: DEFAULT_PROBE_PORT };
    // A daemon listening on every interface answers on loopback.
    const host = address.host === '0.0.0.0' || address.host === '::' ? '127.0.0.1' : address.host;
    url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/healthz`;
  }
  const status = await new Promise<number>((resolve) => {
    const req = request(url, { method: 'GET', timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
  print(status === 200 ? `ok: ${url}` : `unhealthy: ${url} answered ${status || 'nothing'}`);
  return status === 200 ? 0 : 1;
}
