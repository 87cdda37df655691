// Builds the STS and IAM clients of one account scope: credentials (static, default chain or an
// assumed role), retry settings, the endpoint override, and a middleware counting HTTP attempts.
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { FromTemporaryCredentialsOptions } from '@aws-sdk/credential-providers';
import type { ClientEnvironment } from '../../src/collector.js';
import type { AwsIamAccount } from './schema.js';

export const ROLE_SESSION_NAME = 'evidence-agent';
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Refresh an assumed-role session this long before it expires, as the SDK itself does. */
const SESSION_REFRESH_MARGIN_MS = 5 * 60_000;

type ClientPlugin = NonNullable<FromTemporaryCredentialsOptions['clientPlugins']>[number];
type RoleCredentialProvider = ReturnType<typeof fromTemporaryCredentials>;
type StaticCredentials = NonNullable<NonNullable<ClientEnvironment['aws']>['credentials']>;

export interface AwsClientsOptions {
  account: AwsIamAccount;
  /** Used unless the account entry names its own region. */
  region: string;
  clientEnvironment: ClientEnvironment;
  countApiCall: () => void;
}

export interface AwsIamClients {
  iam: IAMClient;
  sts: STSClient;
  destroy(): void;
}

export function createAwsClients(options: AwsClientsOptions): AwsIamClients {
  const aws = options.clientEnvironment.aws ?? {};
  const counter = apiCallCounterPlugin(options.countApiCall);
  const common = {
    region: options.account.region ?? options.region,
    ...retrySettings(aws.maxAttempts, process.env),
    // Left unset otherwise, so AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_IAM keep working.
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
  };
  const credentials = options.account.roleArn
    ? assumedRoleCredentials(options.account.roleArn, options.account.externalId, aws.credentials, common, counter)
    : aws.credentials;
  const withCredentials = credentials ? { ...common, credentials } : common;

  const iam = new IAMClient(withCredentials);
  iam.middlewareStack.use(counter);
  const sts = new STSClient(withCredentials);
  sts.middlewareStack.use(counter);
  return {
    iam,
    sts,
    destroy() {
      iam.destroy();
      sts.destroy();
    },
  };
}

export interface RetrySettings {
  maxAttempts?: number;
  retryMode?: 'adaptive';
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

function assumedRoleCredentials(
  roleArn: string,
  externalId: string | undefined,
  sourceCredentials: StaticCredentials | undefined,
  clientConfig: FromTemporaryCredentialsOptions['clientConfig'],
  counter: ClientPlugin,
): RoleCredentialProvider {
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: roleArn,
      RoleSessionName: ROLE_SESSION_NAME,
      ...(externalId ? { ExternalId: externalId } : {}),
    },
    // Without static credentials the STS client of the provider uses the default chain.
    ...(sourceCredentials ? { masterCredentials: sourceCredentials } : {}),
    clientConfig,
    clientPlugins: [counter],
  });
  return shareSession(provider);
}

/**
 * Each SDK client caches credentials on its own; sharing one session makes the IAM and STS clients
 * assume the role once instead of once each.
 */
function shareSession(provider: RoleCredentialProvider): RoleCredentialProvider {
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
    const expiresSoon =
      identity.expiration !== undefined && identity.expiration.getTime() - Date.now() < SESSION_REFRESH_MARGIN_MS;
    if (!expiresSoon) return identity;
    return session === current ? start(properties) : (session ?? start(properties));
  };
}
