// Each configured collector, scope by scope: its preflight (the collector's own cheapest reads, see
// `preflight` in src/collector.ts) under a deadline, with the API calls counted and nothing stored.
import type { Logger } from '../logging.js';
import type { ClientEnvironment, Collector, PermissionCheck } from '../collector.js';
import type { SecretRegistry } from '../redaction.js';
import type { ConfiguredCollector } from '../runner.js';
import type { BrokenModule } from '../plugins/external-collectors.js';
import { errorText, fail, skip } from './check.js';
import type { DoctorCheck } from './check.js';

export interface PreflightEnvironment {
  logger: Logger;
  secrets: SecretRegistry;
  clientEnvironment: ClientEnvironment;
  now: () => Date;
  /** Most milliseconds one scope's preflight may take. */
  timeoutMs: number;
}

/** A collector's scopes: the collector's own `scopes()`, or none when they cannot be made. */
export async function collectorChecks(
  configured: readonly ConfiguredCollector[],
  broken: readonly BrokenModule[],
  env: PreflightEnvironment,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = broken.map((b) => fail(b.id, 'module', `${b.module}: ${b.problem}`));
  for (const { collector, options } of configured) {
    let scopes;
    try {
      scopes = (collector as Collector<unknown>).scopes(options);
    } catch (error) {
      checks.push(fail(collector.id, 'scopes', errorText(error)));
      continue;
    }
    for (const scope of scopes) {
      const area = `${collector.id} ${scope.key}`;
      if (!collector.preflight) {
        checks.push(skip(area, 'permissions', 'the collector has no preflight: its first run will show what it cannot read'));
        continue;
      }
      const signal = AbortSignal.timeout(env.timeoutMs);
      let results: PermissionCheck[];
      try {
        results = await collector.preflight({
          options,
          scope,
          logger: env.logger.child({ collector: collector.id, scope: scope.key, doctor: true }),
          now: env.now,
          signal,
          clientEnvironment: env.clientEnvironment,
          countApiCall: () => undefined,
          secrets: env.secrets,
        });
      } catch (error) {
        results = [{ name: 'preflight', status: 'fail', detail: signal.aborted ? `no answer within ${env.timeoutMs / 1000} s` : errorText(error) }];
      }
      for (const result of results) checks.push({ area, check: result.name, status: result.status, detail: env.secrets.redact(result.detail) });
    }
  }
  return checks;
}

/** Per collector and scope, the permissions its preflight found refused: what to add to the policy. */
export function missingPermissions(
  checks: readonly DoctorCheck[],
  collectors: readonly { id: string; permissions: readonly string[] }[],
): { area: string; permissions: string[] }[] {
  const byArea = new Map<string, string[]>();
  for (const check of checks) {
    if (check.status !== 'fail') continue;
    const collector = collectors.find((c) => check.area.startsWith(`${c.id} `));
    if (!collector || check.check === 'credentials') continue;
    byArea.set(check.area, [...(byArea.get(check.area) ?? []), check.check]);
  }
  return [...byArea].map(([area, permissions]) => ({ area, permissions }));
}
