// The aws-iam preflight: one cheap read per action of config/aws-iam-policy.json (a page of one item
// where the call lists), after the credentials. GenerateCredentialReport is what every collection calls
// too: it starts a report, or reuses one under four hours old, and changes nothing else. Access Analyzer
// is read in the first region the collection judges; ListFindings of the first external-access analyzer
// there, or of one that does not exist when there is none: Access Analyzer answers ResourceNotFound only
// to a caller allowed the action.
import { AccessAnalyzerClient, ListAnalyzersCommand, ListFindingsCommand } from '@aws-sdk/client-accessanalyzer';
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
import { enabledRegions } from '../_aws/enabled-regions.js';
import { awsPreflight } from '../_aws/preflight.js';
import type { AwsProbe } from '../_aws/preflight.js';
import { EXTERNAL_ACCESS_TYPES } from './schema.js';
import type { AwsIamOptions } from './schema.js';

export const AWS_IAM_POLICY_FILE = 'config/aws-iam-policy.json';

const iamOf = (session: AwsSession) => session.track(new IAMClient(session.clientConfig()));
const NOT_READY = 'allowed (no credential report ready yet)';

export function awsIamProbes(options: Pick<AwsIamOptions, 'accessAnalyzer'>): AwsProbe[] {
  // Shared by the Access Analyzer probes of one scope: the region read and the analyzer found there.
  let region: string | undefined = options.accessAnalyzer.regions?.[0];
  let analyzerArn: string | undefined;
  const analyzerIn = (session: AwsSession) => session.track(new AccessAnalyzerClient(session.clientConfig((region ??= session.region))));
  return [
    ...IAM_PROBES,
    {
      action: 'account:ListRegions',
      ...(options.accessAnalyzer.regions ? { skip: 'not used: the config lists accessAnalyzer.regions' } : {}),
      read: async (session, _account, signal) => {
        const regions = await enabledRegions(session, signal, 'accessAnalyzer.regions');
        region = regions[0];
        return `${regions.length} enabled regions`;
      },
    },
    {
      action: 'access-analyzer:ListAnalyzers',
      read: async (session, _account, signal) => {
        const page = await analyzerIn(session).send(new ListAnalyzersCommand({ maxResults: 10 }), { abortSignal: signal });
        const external = page.analyzers?.find((a) => a.status === 'ACTIVE' && EXTERNAL_ACCESS_TYPES.has(a.type ?? ''));
        analyzerArn = external?.arn;
        return `${page.analyzers?.length ?? 0} analyzer(s) in ${region}`;
      },
    },
    {
      action: 'access-analyzer:ListFindings',
      read: async (session, account, signal) => {
        const client = analyzerIn(session);
        const arn = analyzerArn ?? `arn:${account.partition}:access-analyzer:${region}:${account.accountId}:analyzer/evidence-agent-doctor-probe`;
        await client.send(new ListFindingsCommand({ analyzerArn: arn, maxResults: 1, filter: { status: { eq: ['ACTIVE'] } } }), { abortSignal: signal });
        return `read (a page of one finding of ${arn})`;
      },
      allowedErrors: { ResourceNotFoundException: 'allowed (no external-access analyzer to read: asked of one that does not exist)' },
    },
  ];
}

const IAM_PROBES: readonly AwsProbe[] = [
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
    allowedErrors: {
      CredentialReportNotPresentException: NOT_READY,
      CredentialReportNotReadyException: NOT_READY,
      CredentialReportExpiredException: NOT_READY,
    },
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
  return awsPreflight(ctx, AWS_IAM_POLICY_FILE, awsIamProbes(ctx.options));
}
