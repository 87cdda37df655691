// Builds the STS and IAM clients of one account scope on the shared AWS session (collectors/_aws/):
// credentials (static, default chain or an assumed role), retry settings, the endpoint override, and a
// middleware counting HTTP attempts.
import { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import { createAwsSession } from '../_aws/clients.js';
import type { AwsSessionOptions } from '../_aws/clients.js';

export { apiCallCounterPlugin, DEFAULT_MAX_ATTEMPTS, retrySettings, ROLE_SESSION_NAME } from '../_aws/clients.js';
export type { RetrySettings } from '../_aws/clients.js';

export type AwsClientsOptions = AwsSessionOptions;

export interface AwsIamClients {
  iam: IAMClient;
  sts: STSClient;
  destroy(): void;
}

export function createAwsClients(options: AwsClientsOptions): AwsIamClients {
  const session = createAwsSession(options);
  // IAM is global: its client takes the session's region, as STS does.
  const iam = session.track(new IAMClient(session.clientConfig()));
  return { iam, sts: session.sts, destroy: () => session.destroy() };
}
