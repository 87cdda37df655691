// The CloudFormation templates of deploy/aws/, made from the one source of the reader's permissions:
// config/aws-*-policy.json (the collectors' shipped policies). `npm run generate:deploy` writes them;
// test/deploy.test.ts fails when a template differs from what this makes (a policy changed since).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = 'Generated from config/aws-*-policy.json by `npm run generate:deploy`: edit those, not this file.';

/** Policies that only the organisation's management (or delegated administrator) account carries. */
const MANAGEMENT_ONLY = new Set(['aws-organization-policy.json']);
/** Account discovery's read of the organisation, on the management account's reader too. */
const DISCOVERY_POLICY = 'organization-discovery-policy.json';

const policyOf = (root: string, name: string) => ({
  collector: name.replace(/-policy\.json$/, ''),
  document: JSON.parse(readFileSync(join(root, 'config', name), 'utf8')) as unknown,
});

/**
 * Each shipped policy of config/ that a member account's reader carries, by collector
 * (`aws-iam-policy.json` → `aws-iam`), in name order.
 */
export function shippedPolicies(root: string): { collector: string; document: unknown }[] {
  return readdirSync(join(root, 'config'))
    .filter((name) => /^aws-[a-z0-9-]+-policy\.json$/.test(name) && !MANAGEMENT_ONLY.has(name))
    .sort()
    .map((name) => policyOf(root, name));
}

/** The management account's reader: the member policies, the organisation collector's, and account discovery's. */
export function managementPolicies(root: string): { collector: string; document: unknown }[] {
  return [...shippedPolicies(root), ...[...MANAGEMENT_ONLY].sort().map((name) => policyOf(root, name)), policyOf(root, DISCOVERY_POLICY)];
}

/** The reader role of one account: trusts the agent's identity with an external id, carries every shipped policy. */
function readerRoleTemplate(root: string, description: string, policies = shippedPolicies(root)): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${description} ${HEADER}`,
    Parameters: {
      AgentPrincipalArn: {
        Type: 'String',
        Description: "The agent's own identity (its IRSA or task role), the only principal that may assume the reader role.",
        AllowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:(role|user)/.+$',
      },
      ExternalId: {
        Type: 'String',
        NoEcho: true,
        MinLength: 2,
        MaxLength: 1224,
        Description: "The external id the agent's config names (externalId: ${EXTERNAL_ID}).",
      },
      RoleName: { Type: 'String', Default: 'evidence-reader', Description: "The name the agent's config names in roleArn." },
    },
    Resources: {
      ReaderRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { Ref: 'RoleName' },
          Description: 'evidence-agent: read-only access for audit evidence (IAM configuration, CloudTrail).',
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { Ref: 'AgentPrincipalArn' } },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
              },
            ],
          },
          Policies: policies.map(({ collector, document }) => ({ PolicyName: `evidence-agent-${collector}`, PolicyDocument: document })),
        },
      },
    },
    Outputs: { RoleArn: { Description: 'roleArn for the accounts entry of the config.', Value: { 'Fn::GetAtt': ['ReaderRole', 'Arn'] } } },
  };
}

/** Every account of an organisation (or of some OUs), now and as they join: a service-managed StackSet of the reader role. */
function organizationStackSetTemplate(root: string): Record<string, unknown> {
  const reader = readerRoleTemplate(root, 'evidence-agent reader role, deployed by the organization StackSet.');
  const { AgentPrincipalArn, ExternalId, RoleName } = reader['Parameters'] as Record<string, unknown>;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `evidence-agent reader role in every account of the organization units given (new accounts included), from the management account or a delegated administrator. The management account itself is not reached by a StackSet: deploy management-account-reader.json there. ${HEADER}`,
    Parameters: {
      AgentPrincipalArn,
      ExternalId,
      RoleName,
      OrganizationalUnitIds: { Type: 'CommaDelimitedList', Description: 'The organization units (ou-… or the root r-…) whose accounts get the reader role.' },
      Regions: { Type: 'CommaDelimitedList', Default: 'us-east-1', Description: 'One region is enough: IAM roles are global.' },
    },
    Resources: {
      ReaderRoleStackSet: {
        Type: 'AWS::CloudFormation::StackSet',
        Properties: {
          StackSetName: 'evidence-agent-reader',
          Description: 'evidence-agent: the read-only reader role in every member account.',
          PermissionModel: 'SERVICE_MANAGED',
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          Capabilities: ['CAPABILITY_NAMED_IAM'],
          ManagedExecution: { Active: true },
          OperationPreferences: { FailureToleranceCount: 0, MaxConcurrentPercentage: 25 },
          Parameters: [
            { ParameterKey: 'AgentPrincipalArn', ParameterValue: { Ref: 'AgentPrincipalArn' } },
            { ParameterKey: 'ExternalId', ParameterValue: { Ref: 'ExternalId' } },
            { ParameterKey: 'RoleName', ParameterValue: { Ref: 'RoleName' } },
          ],
          StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: { Ref: 'OrganizationalUnitIds' } }, Regions: { Ref: 'Regions' } }],
          TemplateBody: JSON.stringify(reader),
        },
      },
    },
  };
}

/** The file name of each template of deploy/aws/ and its content, as written. */
export function deployTemplates(root: string): Record<string, string> {
  const text = (template: Record<string, unknown>) => `${JSON.stringify(template, null, 2)}\n`;
  return {
    'reader-role.json': text(readerRoleTemplate(root, 'evidence-agent reader role for one AWS account: deploy it as a stack in each audited account.')),
    'organization-stackset.json': text(organizationStackSetTemplate(root)),
    'management-account-reader.json': text(
      readerRoleTemplate(
        root,
        "evidence-agent reader role for the organization's management account, which a service-managed StackSet does not reach: deploy it there as a stack (it also reads the organisation, Identity Center and account discovery).",
        managementPolicies(root),
      ),
    ),
  };
}
