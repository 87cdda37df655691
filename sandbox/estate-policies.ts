// Managed policies of the sandbox account: the AWS managed ones its principals use and the company's own,
// with version histories. AWS documents are simplified stand-ins (shape and intent, not AWS's full text).
import { compareStrings } from '../src/compare-strings.js';
import { DRIFT } from './drift.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from './estate-model.js';
import type { EstateManagedPolicy, PolicyDocument, PolicyStatement } from './estate-model.js';
import { awsId } from './estate-timeline.js';
import type { Timeline } from './estate-timeline.js';

const ACCOUNT = SANDBOX_ACCOUNT_ID;

export const allow = (Action: string | string[], Resource: string | string[] = '*'): PolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
});
export const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
export const trust = (Principal: Record<string, string>, extra: PolicyStatement = {}): PolicyDocument =>
  doc({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...extra });

interface PolicySpec {
  name: string;
  path: string;
  awsManaged: boolean;
  created: Date;
  /** Oldest first; the last one is the default. */
  versions: { id: string; created: Date; document: PolicyDocument }[];
}

export const customerPolicyArn = (path: string, name: string) => `arn:aws:iam::${ACCOUNT}:policy${path}${name}`;
const policyArn = (p: PolicySpec) => (p.awsManaged ? `arn:aws:iam::aws:policy${p.path}${p.name}` : customerPolicyArn(p.path, p.name));

function awsPolicy(name: string, path: string, created: string, version: string, document: PolicyDocument) {
  const createdAt = new Date(created);
  const versions = [{ id: version, created: createdAt, document }];
  return { name, path, awsManaged: true, created: createdAt, versions };
}

const AWS_POLICIES: PolicySpec[] = [
  awsPolicy('AdministratorAccess', '/', '2015-02-06T18:39:46Z', 'v1', doc(allow('*'))),
  awsPolicy(
    'PowerUserAccess',
    '/',
    '2015-02-06T18:39:47Z',
    'v5',
    doc(
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
      allow(['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles']),
    ),
  ),
  awsPolicy('ReadOnlyAccess', '/', '2015-02-06T18:39:48Z', 'v118', doc(allow(['*:Describe*', '*:Get*', '*:List*']))),
  awsPolicy(
    'SecurityAudit',
    '/',
    '2015-02-06T18:41:01Z',
    'v42',
    doc(allow(['cloudtrail:Describe*', 'cloudtrail:Get*', 'config:Describe*', 'iam:Get*', 'iam:List*'])),
  ),
  awsPolicy(
    'CloudWatchReadOnlyAccess',
    '/',
    '2015-02-06T18:40:51Z',
    'v16',
    doc(allow(['cloudwatch:Describe*', 'cloudwatch:Get*', 'cloudwatch:List*', 'logs:Get*'])),
  ),
  awsPolicy('Billing', '/job-function/', '2016-11-10T17:33:18Z', 'v12', doc(allow(['aws-portal:*Billing', 'budgets:*', 'ce:*', 'cur:*', 'payments:*']))),
  awsPolicy(
    'AWSLambdaBasicExecutionRole',
    '/service-role/',
    '2015-04-09T15:03:43Z',
    'v1',
    doc(allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'])),
  ),
  awsPolicy(
    'AmazonECSTaskExecutionRolePolicy',
    '/service-role/',
    '2017-11-16T18:48:22Z',
    'v1',
    doc(allow(['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'logs:CreateLogStream', 'logs:PutLogEvents'])),
  ),
  awsPolicy('AWSSupportServiceRolePolicy', '/aws-service-role/', '2018-04-19T18:04:44Z', 'v33', doc(allow(['support:*', 'trustedadvisor:Describe*']))),
  awsPolicy(
    'AWSTrustedAdvisorServiceRolePolicy',
    '/aws-service-role/',
    '2018-02-22T21:24:25Z',
    'v21',
    doc(allow(['ec2:Describe*', 'iam:GenerateCredentialReport', 'iam:GetCredentialReport'])),
  ),
];

export function awsPolicyArn(name: string): string {
  const spec = AWS_POLICIES.find((p) => p.name === name);
  if (!spec) throw new Error(`unknown AWS managed policy ${name}`);
  return policyArn(spec);
}

function customerPolicies(t: Timeline): PolicySpec[] {
  const self = `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`;
  const policy = (name: string, path: string, versions: PolicySpec['versions']): PolicySpec => {
    const first = versions[0];
    if (!first) throw new Error(`policy ${name} has no version`);
    return { name, path, awsManaged: false, created: first.created, versions };
  };
  const specs = [
    policy('DeveloperSelfService', '/', [
      { id: 'v1', created: t.at(-700, 11, 4, 51), document: doc(allow(['iam:ChangePassword', 'iam:GetUser'], self)) },
      {
        id: 'v2',
        created: t.at(-310, 15, 22, 8),
        document: doc(
          allow(['iam:ChangePassword', 'iam:GetUser', 'iam:*AccessKey*', 'iam:*MFADevice'], self),
          allow('iam:CreateVirtualMFADevice', `arn:aws:iam::${ACCOUNT}:mfa/\${aws:username}`),
        ),
      },
    ]),
    policy('CiDeployPolicy', '/', [
      { id: 'v1', created: t.at(-520, 10, 0, 3), document: doc(allow('ecr:*')) },
      {
        id: 'v2',
        created: t.at(-260, 16, 31, 40),
        document: doc(
          allow(['ecr:PutImage', 'ecr:UploadLayerPart'], `arn:aws:ecr:${SANDBOX_REGION}:${ACCOUNT}:repository/app`),
          allow(['ecs:UpdateService'], `arn:aws:ecs:${SANDBOX_REGION}:${ACCOUNT}:service/prod/*`),
          allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/app-ecs-task`),
        ),
      },
    ]),
    // The fault: full admin rights under an innocuous name, attached straight to a user.
    policy('LegacyFullAccess', '/legacy/', [{ id: 'v1', created: t.at(-1010, 8, 55, 19), document: doc(allow('*')) }]),
    // Attached to nothing: a leftover.
    policy('OldS3Uploader', '/', [
      {
        id: 'v1',
        created: t.at(-870, 13, 12, 0),
        document: doc(allow('s3:PutObject', 'arn:aws:s3:::example-co-uploads/*')),
      },
    ]),
  ];
  if (t.has(DRIFT.s3Policy)) {
    const created = t.when(DRIFT.s3Policy);
    specs.push(policy('DataLakeS3Access', '/', [{ id: 'v1', created, document: doc(allow('s3:*')) }]));
  }
  return specs;
}

/** Customer policies plus the AWS managed ones something is attached to (as GetAccountAuthorizationDetails lists). */
export function managedPolicies(t: Timeline, attachedArns: string[]): EstateManagedPolicy[] {
  const count = (arn: string) => attachedArns.filter((a) => a === arn).length;
  return [...AWS_POLICIES, ...customerPolicies(t)]
    .map((spec): EstateManagedPolicy => {
      const arn = policyArn(spec);
      const last = spec.versions.at(-1);
      if (!last) throw new Error(`policy ${spec.name} has no version`);
      return {
        policyName: spec.name,
        // AWS managed policy ids are the same in every account, so they ignore the estate seed.
        policyId: spec.awsManaged ? awsId('ANPA', 17, 0, arn) : t.id('ANPA', arn),
        arn,
        path: spec.path,
        awsManaged: spec.awsManaged,
        createDate: spec.created,
        updateDate: last.created,
        defaultVersionId: last.id,
        versions: spec.versions.map((v) => ({
          versionId: v.id,
          document: v.document,
          createDate: v.created,
          isDefault: v === last,
        })),
        attachmentCount: count(arn),
      };
    })
    .filter((p) => !p.awsManaged || p.attachmentCount > 0)
    .sort((a, b) => compareStrings(a.arn, b.arn));
}
