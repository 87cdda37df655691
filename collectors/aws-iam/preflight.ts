// The aws-iam preflight: one cheap read per action of config/aws-iam-policy.json (a page of one item
// where the call lists), after the credentials. GenerateCredentialReport is what every collection calls
// too: it starts a report, or reuses one under four hours old, and changes nothing else.
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import type { PermissionCheck, PreflightContext } from '../../src/collector.js';
import type { AwsSession } from '../_aws/clients.js';
import { awsPreflight } from '../_aws/preflight.js';
import type { AwsProbe } from '../_aws/preflight.js';
import type { AwsIamOptions } from './schema.js';

export const AWS_IAM_POLICY_FILE = 'config/aws-iam-policy.json';

const iamOf = (session: AwsSession) => session.track(new IAMClient(session.clientConfig()));
const NOT_READY = 'allowed (no credential report ready yet)';

export const awsIamProbes: readonly AwsProbe[] = [
  {
    action: 'iam:GetAccountAuthorizationDetails',
    read: async (session, _account, signal) => {
      const page = await iamOf(session).send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1, Filter: ['User'] }), { abortSignal: signal });
      return `read (a page of ${page.UserDetailList?.length ?? 0} user)`;
    },
  },
  {
    action: 'iam:GenerateCredentialReport',
    read: async (session, _account, signal) => {
      const output = await iamOf(session).send(new GenerateCredentialReportCommand({}), { abortSignal: signal });
      return `report ${String(output.State ?? 'requested').toLowerCase()}`;
    },
  },
  {
    action: 'iam:GetCredentialReport',
    read: async (session, _account, signal) => {
      const output = await iamOf(session).send(new GetCredentialReportCommand({}), { abortSignal: signal });
      return `report of ${output.GeneratedTime?.toISOString() ?? 'unknown time'}`;
    },
    allowedErrors: { CredentialReportNotPresentException: NOT_READY, CredentialReportNotReadyException: NOT_READY, CredentialReportExpiredException: NOT_READY },
  },
  {
    action: 'iam:GetAccountPasswordPolicy',
    read: async (session, _account, signal) => {
      await iamOf(session).send(new GetAccountPasswordPolicyCommand({}), { abortSignal: signal });
      return 'read';
    },
    allowedErrors: { NoSuchEntityException: 'allowed (the account has no password policy)' },
  },
  {
    action: 'iam:GetAccountSummary',
    read: async (session, _account, signal) => {
      const output = await iamOf(session).send(new GetAccountSummaryCommand({}), { abortSignal: signal });
      return `read (${Object.keys(output.SummaryMap ?? {}).length} counts)`;
    },
  },
  {
    action: 'iam:ListVirtualMFADevices',
    read: async (session, _account, signal) => {
      await iamOf(session).send(new ListVirtualMFADevicesCommand({ MaxItems: 1, AssignmentStatus: 'Assigned' }), { abortSignal: signal });
      return 'read (a page of one device)';
    },
  },
];

export function preflightAwsIam(ctx: PreflightContext<AwsIamOptions>): Promise<PermissionCheck[]> {
  return awsPreflight(ctx, AWS_IAM_POLICY_FILE, awsIamProbes);
}
