// Padding for company-sized estates (the benchmarks): team groups, workload roles and the customer
// policies they use, added after the scripted cast so the small estate the tests know stays unchanged.
import { SANDBOX_ACCOUNT_ID } from './estate-model.js';
import type { EstateGroup, EstateManagedPolicy, EstateRole } from './estate-model.js';
import { allow, customerPolicyArn, doc, trust } from './estate-policies.js';
import type { Timeline } from './estate-timeline.js';

const ACCOUNT = SANDBOX_ACCOUNT_ID;
const SERVICES = ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'ecs-tasks.amazonaws.com'];
const number = (i: number) => String(i + 1).padStart(4, '0');

/** `count` team policies, each scoped to its team's bucket; created over the last three years. */
export function teamPolicies(t: Timeline, count: number): EstateManagedPolicy[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `team-${number(i)}-access`;
    const arn = customerPolicyArn('/teams/', name);
    const created = t.at(-1000 + (i % 900), 9 + (i % 8), i % 60, 0);
    return {
      policyName: name,
      policyId: t.id('ANPA', arn),
      arn,
      path: '/teams/',
      awsManaged: false,
      createDate: created,
      updateDate: created,
      defaultVersionId: 'v1',
      versions: [
        {
          versionId: 'v1',
          document: doc(allow(['s3:GetObject', 's3:PutObject'], `arn:aws:s3:::example-co-team-${number(i)}/*`)),
          createDate: created,
          isDefault: true,
        },
      ],
      attachmentCount: 0,
    };
  }).filter((p) => t.exists(p.createDate));
}

/** `count` team groups, group n attached to team policy n (modulo the policies there are). */
export function teamGroups(t: Timeline, count: number, policies: readonly EstateManagedPolicy[]): EstateGroup[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `team-${number(i)}`;
    const policy = policies[i % Math.max(policies.length, 1)];
    return {
      groupName: name,
      groupId: t.id('AGPA', `group:${name}`),
      arn: `arn:aws:iam::${ACCOUNT}:group/teams/${name}`,
      path: '/teams/',
      createDate: t.at(-1100 + (i % 1000), 10, i % 60, 0),
      attachedPolicyArns: policy ? [policy.arn] : [],
      inlinePolicies: [],
    };
  }).filter((g) => t.exists(g.createDate));
}

/** `count` workload roles trusted by a compute service, each with a team policy; most used recently. */
export function workloadRoles(t: Timeline, count: number, policies: readonly EstateManagedPolicy[]): EstateRole[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `workload-${number(i)}`;
    const policy = policies[(i * 7) % Math.max(policies.length, 1)];
    const created = t.at(-800 + (i % 700), 11, i % 60, 0);
    // One role in ten has not been used for over 90 days, as in a real account.
    const lastUsed = i % 10 === 0 ? t.at(-120 - (i % 200), 8) : t.at(-(i % 5), 3 + (i % 20));
    return {
      roleName: name,
      roleId: t.id('AROA', `role:${name}`),
      arn: `arn:aws:iam::${ACCOUNT}:role/workloads/${name}`,
      path: '/workloads/',
      createDate: created,
      trustPolicy: trust({ Service: SERVICES[i % SERVICES.length]! }),
      attachedPolicyArns: policy ? [policy.arn] : [],
      inlinePolicies: [],
      instanceProfiles: [],
      lastUsed: lastUsed > created && t.exists(lastUsed) ? { date: lastUsed, region: 'eu-west-1' } : null,
      tags: [{ key: 'team', value: `team-${number(i % 100)}` }],
    };
  }).filter((r) => t.exists(r.createDate));
}
