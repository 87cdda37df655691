// The roles of the sandbox account: cross-account admin access, the evidence reader, CI, workload roles,
// service-linked roles, a legacy EC2 role with an inline `*` on `*` policy, and (from the drift) a
// vendor's role trusting the vendor's whole account without an external id.
import { compareStrings } from '../src/compare-strings.js';
import { DRIFT } from './drift.js';
import { MANAGEMENT_ACCOUNT_ID, SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from './estate-model.js';
import type { EstateRole, InlinePolicy, PolicyDocument } from './estate-model.js';
import { allow, awsPolicyArn, customerPolicyArn, doc, trust } from './estate-policies.js';
import type { Timeline, UsePattern } from './estate-timeline.js';

const ACCOUNT = SANDBOX_ACCOUNT_ID;
/** The monitoring vendor's AWS account (a third party: not in the demo's own accounts). */
export const VENDOR_ACCOUNT_ID = '210987654321';

interface RoleSpec {
  name: string;
  path?: string;
  created: Date;
  trust: PolicyDocument;
  attached: string[];
  inline?: InlinePolicy[];
  instanceProfile?: boolean;
  use: UsePattern | null;
  /** The last time it was ever used (a role nobody assumes any more). */
  lastUse?: Date;
  tags?: Record<string, string>;
}

const ALWAYS: UsePattern = { weekday: 1, weekend: 1, hours: [0, 23] };
const RETIRED: UsePattern = { weekday: 0, weekend: 0, hours: [0, 1] };

function roleSpecs(t: Timeline): RoleSpec[] {
  const at = t.at;
  const github = 'token.actions.githubusercontent.com';
  const dynamodb = `arn:aws:dynamodb:${SANDBOX_REGION}:${ACCOUNT}`;
  return [
    {
      name: 'OrganizationAccountAccessRole',
      created: at(-1400, 12, 0, 5),
      trust: trust({ AWS: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:root` }),
      attached: [awsPolicyArn('AdministratorAccess')],
      use: RETIRED,
      lastUse: at(-41, 13, 20, 0),
    },
    {
      name: 'evidence-reader',
      created: at(-90, 9, 0, 0),
      trust: trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { Condition: { StringEquals: { 'sts:ExternalId': 'evidence-agent' } } }),
      attached: [awsPolicyArn('SecurityAudit'), awsPolicyArn('ReadOnlyAccess')],
      use: { weekday: 1, weekend: 1, hours: [2, 3] },
      tags: { purpose: 'soc2-evidence' },
    },
    {
      name: 'ci-deploy',
      created: at(-520, 9, 58, 40),
      trust: doc({
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${github}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${github}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${github}:sub`]: 'repo:example-co/app:ref:refs/heads/main' },
        },
      }),
      attached: [customerPolicyArn('/', 'CiDeployPolicy')],
      use: { weekday: 0.8, weekend: 0.05, hours: [8, 19] },
    },
    {
      name: 'app-lambda-exec',
      path: '/service-role/',
      created: at(-480, 14, 30, 0),
      trust: trust({ Service: 'lambda.amazonaws.com' }),
      attached: [awsPolicyArn('AWSLambdaBasicExecutionRole')],
      inline: [
        {
          name: 'orders-table',
          document: doc(allow(['dynamodb:GetItem', 'dynamodb:PutItem'], `${dynamodb}:table/orders`)),
        },
      ],
      use: ALWAYS,
    },
    {
      name: 'app-ecs-task',
      created: at(-470, 11, 5, 0),
      trust: trust({ Service: 'ecs-tasks.amazonaws.com' }),
      attached: [awsPolicyArn('AmazonECSTaskExecutionRolePolicy'), ...(t.has(DRIFT.s3Policy) ? [customerPolicyArn('/', 'DataLakeS3Access')] : [])],
      use: ALWAYS,
    },
    {
      // Its instance was stopped months ago; the role and its `*` on `*` inline policy stayed.
      name: 'legacy-automation',
      created: at(-1100, 16, 40, 0),
      trust: trust({ Service: 'ec2.amazonaws.com' }),
      attached: [],
      inline: [{ name: 'do-everything', document: doc(allow('*')) }],
      instanceProfile: true,
      use: RETIRED,
      lastUse: at(-95, 4, 10, 0),
    },
    {
      // The drift's fault: the vendor's whole account may assume it, with no external id to present.
      name: 'vendor-monitoring',
      created: t.when(DRIFT.vendorRole),
      trust: trust({ AWS: `arn:aws:iam::${VENDOR_ACCOUNT_ID}:root` }),
      attached: [awsPolicyArn('SecurityAudit')],
      use: { weekday: 1, weekend: 1, hours: [0, 23] },
      tags: { vendor: 'monitoring' },
    },
    {
      name: 'AWSServiceRoleForSupport',
      path: '/aws-service-role/support.amazonaws.com/',
      created: at(-1400, 12, 1, 0),
      trust: trust({ Service: 'support.amazonaws.com' }),
      attached: [awsPolicyArn('AWSSupportServiceRolePolicy')],
      use: null,
    },
    {
      name: 'AWSServiceRoleForTrustedAdvisor',
      path: '/aws-service-role/trustedadvisor.amazonaws.com/',
      created: at(-1380, 8, 0, 0),
      trust: trust({ Service: 'trustedadvisor.amazonaws.com' }),
      attached: [awsPolicyArn('AWSTrustedAdvisorServiceRolePolicy')],
      use: { weekday: 0.15, weekend: 0.15, hours: [0, 23] },
    },
  ];
}

export function buildRoles(t: Timeline): EstateRole[] {
  return roleSpecs(t)
    .filter((s) => t.exists(s.created))
    .map((s): EstateRole => {
      const path = s.path ?? '/';
      const used = s.use && t.lastActive({ ...s.use, key: `role:${s.name}`, from: s.created, ...(s.lastUse ? { until: s.lastUse } : {}) });
      const profileArn = `arn:aws:iam::${ACCOUNT}:instance-profile/${s.name}`;
      return {
        roleName: s.name,
        roleId: t.id('AROA', `role:${s.name}`),
        arn: `arn:aws:iam::${ACCOUNT}:role${path}${s.name}`,
        path,
        createDate: s.created,
        trustPolicy: s.trust,
        attachedPolicyArns: s.attached,
        inlinePolicies: s.inline ?? [],
        instanceProfiles: s.instanceProfile ? [{ name: s.name, id: t.id('AIPA', `profile:${s.name}`), arn: profileArn, path: '/', createDate: s.created }] : [],
        lastUsed: used ? { date: used, region: SANDBOX_REGION } : null,
        tags: Object.entries(s.tags ?? {}).map(([key, value]) => ({ key, value })),
      };
    })
    .sort((a, b) => compareStrings(a.roleName, b.roleName));
}
