// Shared by the collector tests: a hand-built collect context, and nock tests kept away from the host's
// AWS settings (endpoints, retries) that would otherwise redirect or change the real SDK's requests.
import nock from 'nock';
import { afterEach, beforeEach, vi } from 'vitest';
import type { CachedResponse, ClientEnvironment, CollectContext, Collector, HttpCache, StoredEvidenceReader } from '../../src/collector.js';
import { silentLogger } from '../../src/logging.js';
import { SecretRegistry } from '../../src/redaction.js';

export interface ContextOverrides {
  now?: Date;
  signal?: AbortSignal;
  clientEnvironment: ClientEnvironment;
  watermarks?: Record<string, string>;
  httpCache?: HttpCache;
  storedEvidence?: StoredEvidenceReader;
  secrets?: SecretRegistry;
}

/** An HttpCache in a Map: tests hand the same one to two runs to see the second one revalidate. */
export function memoryHttpCache(): HttpCache & { entries: Map<string, CachedResponse> } {
  const entries = new Map<string, CachedResponse>();
  return {
    entries,
    get: async (key) => entries.get(key),
    set: async (key, value) => {
      entries.set(key, value);
    },
  };
}

/** The context of the collector's only scope, with an API-call counter. */
export function contextFor<Options>(collector: Collector<Options>, options: Options, overrides: ContextOverrides) {
  const [scope] = collector.scopes(options);
  if (!scope) throw new Error('expected one scope');
  let apiCalls = 0;
  const ctx: CollectContext<Options> = {
    options,
    scope,
    logger: silentLogger(),
    now: () => overrides.now ?? new Date(0),
    signal: overrides.signal ?? new AbortController().signal,
    clientEnvironment: overrides.clientEnvironment,
    countApiCall: () => {
      apiCalls += 1;
    },
    watermarks: overrides.watermarks ?? {},
    httpCache: overrides.httpCache ?? memoryHttpCache(),
    storedEvidence: overrides.storedEvidence ?? { latest: async () => [] },
    secrets: overrides.secrets ?? new SecretRegistry(),
  };
  return { ctx, apiCalls: () => apiCalls };
}

/**
 * Registers hooks: network off (but for `allowHost`, a local sandbox), the host's AWS endpoint and retry
 * variables unset, all restored after.
 */
export function isolateFromHostAws(endpointVariables: readonly string[], allowHost?: string): void {
  beforeEach(() => {
    nock.disableNetConnect();
    if (allowHost) nock.enableNetConnect(allowHost);
    for (const name of ['AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE', 'AWS_ENDPOINT_URL', ...endpointVariables]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    vi.unstubAllEnvs();
  });
}
