// The AWS session of one account scope: credentials (static, default chain or an assumed role shared
// by every client), retry settings, the endpoint override and a middleware counting HTTP attempts.
// Collectors build their service clients from it, one per region where the service is regional.
import { STSClient } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { FromTemporaryCredentialsOptions } from '@aws-sdk/credential-providers';
import type { ClientEnvironment, CollectContext } from '../../src/collector.js';
import type { AwsAccount } from './account.js';
import type { ClientPlugin } from './client-plugin.js';
import { replySizeCapPlugin } from './reply-size-cap.js';
import { requestHostPlugin } from './errors.js';

export const ROLE_SESSION_NAME = 'evidence-agent';
export const DEFAULT_MAX_ATTEMPTS = 5;
/**
 * One request (connection to last byte) may take this long: a server that accepts and then goes quiet
 * costs one attempt, retried, instead of the whole run's deadline. The largest replies (a page of
 * GetAccountAuthorizationDetails) come in seconds.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const CONNECTION_TIMEOUT_MS = 10_000;
/** Refresh an assumed-role session this long before it expires, as the SDK itself does. */
const SESSION_REFRESH_MARGIN_MS = 5 * 60_000;

type RoleCredentialProvider = ReturnType<typeof fromTemporaryCredentials>;
type StaticCredentials = NonNullable<NonNullable<ClientEnvironment['aws']>['credentials']>;

export interface AwsSessionOptions {
  account: AwsAccount;
  /** Region of the STS client (and of role assumption) unless the account entry names its own. */
  region: string;
  clientEnvironment: ClientEnvironment;
  countApiCall: () => void;
  /** Where the credentials the session obtains are registered, so that no echo of them is kept. */
  secrets: CollectContext<unknown>['secrets'];
}

/** What every SDK client of the session is built with. */
export interface AwsClientConfig extends RetrySettings {
  region: string;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
  endpoint?: string;
  credentials?: RoleCredentialProvider | StaticCredentials;
}

/** The part of an SDK client the session needs: its middleware stack and a way to close it. */
interface SdkClient {
  middlewareStack: { use(plugin: ClientPlugin): void };
  destroy(): void;
}

export interface AwsSession {
  /** The STS region of the account: role assumption and GetCallerIdentity go there. */
  readonly region: string;
  sts: STSClient;
  /** Config for a client of this account in `region` (default: the STS region). */
  clientConfig(region?: string): AwsClientConfig;
  /** Counts the client's HTTP attempts and closes it with the session. */
  track<C extends SdkClient>(client: C): C;
  /** Clients of a regional service: one per region, made when first needed, tracked like any other. */
  regional<C extends SdkClient>(Client: new (config: AwsClientConfig) => C): (region: string) => C;
  destroy(): void;
}

export function createAwsSession(options: AwsSessionOptions): AwsSession {
  const aws = options.clientEnvironment.aws ?? {};
  const { secrets } = options;
  secrets.register(aws.credentials?.secretAccessKey);
  secrets.register(aws.credentials?.sessionToken);
  const counter = apiCallCounterPlugin(options.countApiCall);
  // Every reply's size is capped (reply-size-cap.ts), role assumption's STS replies included.
  const sizeCap = replySizeCapPlugin();
  const region = options.account.region ?? options.region;
  const common = {
    region,
    ...retryConfig(aws, process.env),
    requestHandler: {
      connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, aws.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      requestTimeout: aws.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true as const,
    },
    // Left unset otherwise, so AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> keep working.
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
  };
  const source = aws.credentials ?? defaultChainCredentials(secrets);
  const credentials = options.account.roleArn
    ? assumedRoleCredentials(options.account.roleArn, options.account.externalId, source, common, [counter, sizeCap], secrets)
    : source;
  const clientConfig = (clientRegion: string = region): AwsClientConfig => ({
    ...common,
    region: clientRegion,
    ...(credentials ? { credentials } : {}),
  });

  const clients: SdkClient[] = [];
  const track = <C extends SdkClient>(client: C): C => {
    client.middlewareStack.use(counter);
    client.middlewareStack.use(sizeCap);
    client.middlewareStack.use(requestHostPlugin);
    clients.push(client);
    return client;
  };
  const sts = track(new STSClient(clientConfig()));
  const regional = <C extends SdkClient>(Client: new (config: AwsClientConfig) => C) => {
    const inRegion = new Map<string, C>();
    return (clientRegion: string): C => {
      let client = inRegion.get(clientRegion);
      if (!client) inRegion.set(clientRegion, (client = track(new Client(clientConfig(clientRegion)))));
      return client;
    };
  };
  return {
    region,
    sts,
    clientConfig,
    track,
    regional,
    destroy() {
      for (const client of clients) client.destroy();
    },
  };
}

export interface RetrySettings {
  maxAttempts?: number;
  retryMode?: 'adaptive';
  /** A fixed delay between attempts instead of the SDK's backoff (`clientEnvironment.aws.retryDelayMs`). */
  retryStrategy?: ConfiguredRetryStrategy;
}

/**
 * The retry settings of every client of the session. With `retryDelayMs` (tests, the demo) the same
 * number of attempts is made, a fixed delay apart, without the adaptive mode's client-side pacing.
 */
export function retryConfig(aws: NonNullable<ClientEnvironment['aws']>, env: NodeJS.ProcessEnv): RetrySettings {
  const settings = retrySettings(aws.maxAttempts, env);
  if (aws.retryDelayMs === undefined) return settings;
  const attempts = settings.maxAttempts ?? (Number.parseInt(env['AWS_MAX_ATTEMPTS'] ?? '', 10) || DEFAULT_MAX_ATTEMPTS);
  return { maxAttempts: attempts, retryStrategy: new ConfiguredRetryStrategy(attempts, aws.retryDelayMs) };
}

/**
 * The SDK reads AWS_MAX_ATTEMPTS and AWS_RETRY_MODE only for settings the client config leaves out, so
 * ours are defaults that step aside for them: an explicit `clientEnvironment.aws.maxAttempts` first,
 * then the environment, then 5 attempts with adaptive retries (which pace requests after throttling).
 */
export function retrySettings(maxAttempts: number | undefined, env: NodeJS.ProcessEnv): RetrySettings {
  const settings: RetrySettings = {};
  if (maxAttempts !== undefined) settings.maxAttempts = maxAttempts;
  else if (!env['AWS_MAX_ATTEMPTS']) settings.maxAttempts = DEFAULT_MAX_ATTEMPTS;
  if (!env['AWS_RETRY_MODE']) settings.retryMode = 'adaptive';
  return settings;
}

/**
 * Calls `countApiCall` once per HTTP attempt: placed after the retry middleware, it runs inside the
 * retry loop, so every retried attempt is counted too.
 */
export function apiCallCounterPlugin(countApiCall: () => void): ClientPlugin {
  return {
    applyToStack(stack) {
      stack.addRelativeTo(
        <Args, Output>(next: (args: Args) => Promise<Output>) =>
          async (args: Args) => {
            countApiCall();
            return next(args);
          },
        {
          name: 'evidenceAgentApiCallCounter',
          relation: 'after',
          toMiddleware: 'retryMiddleware',
          // fromTemporaryCredentials re-applies its client plugins on every credential refresh.
          override: true,
        },
      );
    },
  };
}

/**
 * Without static credentials, the SDK's default chain (environment, profile, SSO, container or instance
 * role): the credentials it finds are obtained at run time, and registered as secrets like the others.
 */
function defaultChainCredentials(secrets: AwsSessionOptions['secrets']): RoleCredentialProvider {
  const chain = fromNodeProviderChain();
  return async (properties) => {
    const identity = await chain(properties);
    secrets.register(identity.secretAccessKey, { shortLived: identity.expiration !== undefined });
    secrets.register(identity.sessionToken, { shortLived: true });
    return identity;
  };
}

function assumedRoleCredentials(
  roleArn: string,
  externalId: string | undefined,
  sourceCredentials: StaticCredentials | RoleCredentialProvider,
  clientConfig: FromTemporaryCredentialsOptions['clientConfig'],
  plugins: ClientPlugin[],
  secrets: AwsSessionOptions['secrets'],
): RoleCredentialProvider {
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: roleArn,
      RoleSessionName: ROLE_SESSION_NAME,
      ...(externalId ? { ExternalId: externalId } : {}),
    },
    masterCredentials: sourceCredentials,
    clientConfig,
    clientPlugins: [...plugins, requestHostPlugin],
  });
  return shareSession(provider, secrets);
}

/**
 * Each SDK client caches credentials on its own; sharing one session makes all the clients of an
 * account (STS, IAM, one CloudTrail client per region) assume the role once instead of once each.
 */
function shareSession(provider: RoleCredentialProvider, secrets: AwsSessionOptions['secrets']): RoleCredentialProvider {
  let session: ReturnType<RoleCredentialProvider> | undefined;
  const start: RoleCredentialProvider = (properties) => {
    const started = provider(properties);
    session = started;
    // A failed assumption is not cached: the next request tries again.
    started.catch(() => {
      if (session === started) session = undefined;
    });
    return started;
  };
  return async (properties) => {
    const current = session ?? start(properties);
    const identity = await current;
    // The role's temporary credentials: redacted wherever a reply or an error might echo them.
    secrets.register(identity.secretAccessKey, { shortLived: true });
    secrets.register(identity.sessionToken, { shortLived: true });
    const expiresSoon = identity.expiration !== undefined && identity.expiration.getTime() - Date.now() < SESSION_REFRESH_MARGIN_MS;
    if (!expiresSoon) return identity;
    return session === current ? start(properties) : (session ?? start(properties));
  };
}
