// `evidence-agent doctor`: a deployment checked end to end before it collects, writing nothing to the
// store: the config (and its exceptions file), the store (opened read-only, or its directory when it does
// not exist yet), every configured collector's credentials and permissions scope by scope (the
// collectors' own preflights), the signing key and the digest's delivery targets.
import { dirname, resolve } from 'node:path';
import { configuredCollectors, openAgent } from '../agent.js';
import type { Agent, GlobalOptions } from '../agent.js';
import type { ClientEnvironment } from '../collector.js';
import { ConfigError } from '../config/errors.js';
import type { DigestDelivery } from '../digest/deliver.js';
import { silentLogger } from '../logging.js';
import type { Logger } from '../logging.js';
import { agentSecrets } from '../redaction.js';
import { errorText, fail, ok } from './check.js';
import type { DoctorCheck } from './check.js';
import { collectorChecks, missingPermissions } from './collectors.js';
import { deliveryChecks } from './delivery.js';
import { signingChecks } from './signing.js';
import { storeChecks } from './store.js';

export interface DoctorOptions extends GlobalOptions {
  sendTest?: boolean;
}

export interface DoctorReport {
  config: string | null;
  ok: boolean;
  checks: DoctorCheck[];
  /** Per collector and scope, the permissions refused: what the policy or the token lacks. */
  missing: { area: string; permissions: string[] }[];
}

export interface DoctorEnvironment {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Tests point the SDKs at the sandbox; the defaults are the real endpoints, quickly given up. */
  clientEnvironment?: ClientEnvironment;
  now?: () => Date;
  timeoutMs?: number;
}

/** Few attempts and short requests: a preflight is a question, not a collection. */
const PREFLIGHT_CLIENTS: ClientEnvironment = { aws: { maxAttempts: 2, requestTimeoutMs: 15_000 }, github: { requestTimeoutMs: 15_000 } };

export async function runDoctor(options: DoctorOptions, environment: DoctorEnvironment = {}): Promise<DoctorReport> {
  const env = environment.env ?? process.env;
  const now = environment.now ?? (() => new Date());
  let agent: Agent;
  try {
    // As `attest` assembles it: the config with a module that fails to load left out (a check of its own below).
    agent = await openAgent(options, 'record', env);
  } catch (error) {
    const lines = error instanceof ConfigError ? error.lines : [errorText(error)];
    return report(
      null,
      lines.map((line) => fail('config', 'config', agentSecrets.redact(line))),
    );
  }
  const loaded = agent.loaded!;
  if (loaded.path === null) {
    return report(null, [
      fail(
        'config',
        'config',
        'no config (--config, EVIDENCE_AGENT_CONFIG or ./config/evidence-agent.yaml): doctor checks a deployment; copy config/example.yaml',
      ),
    ]);
  }
  const checks: DoctorCheck[] = [];
  let collectors: ReturnType<typeof configuredCollectors> = [];
  try {
    collectors = configuredCollectors(loaded);
    checks.push(
      collectors.length > 0
        ? ok('config', loaded.path, `valid; collectors: ${collectors.map((c) => c.collector.id).join(', ')}`)
        : fail('config', loaded.path, 'valid, but no collector is configured under collectors: (see config/example.yaml)'),
    );
  } catch (error) {
    checks.push(fail('config', loaded.path, errorText(error)));
  }
  if (loaded.config.exceptions) {
    try {
      const { exceptions } = agent.exceptions()!;
      checks.push(ok('config', loaded.config.exceptions, `${exceptions.length} exception(s)`));
    } catch (error) {
      checks.push(fail('config', loaded.config.exceptions, error instanceof ConfigError ? error.lines[0]! : errorText(error)));
    }
  }
  checks.push(...(await storeChecks(agent.storePath)));
  checks.push(
    ...(await collectorChecks(
      collectors.filter((c) => !loaded.brokenModules.some((b) => b.id === c.collector.id)),
      loaded.brokenModules,
      {
        logger: environment.logger ?? silentLogger(),
        secrets: agentSecrets,
        clientEnvironment: {
          aws: { ...PREFLIGHT_CLIENTS.aws, ...environment.clientEnvironment?.aws },
          github: { ...PREFLIGHT_CLIENTS.github, ...environment.clientEnvironment?.github },
        },
        now,
        timeoutMs: environment.timeoutMs ?? 60_000,
      },
    )),
  );
  const signing = loaded.config.signing?.privateKeyPath;
  checks.push(...signingChecks(signing ? resolve(dirname(loaded.path), signing) : undefined));
  checks.push(...(await deliveryChecks(loaded.config.digest?.deliver as DigestDelivery | undefined, options.sendTest === true, now())));
  return report(loaded.path, checks, missingPermissions(checks, loaded.collectors));
}

function report(config: string | null, checks: DoctorCheck[], missing: DoctorReport['missing'] = []): DoctorReport {
  return { config, ok: checks.every((c) => c.status !== 'fail'), checks, missing };
}
