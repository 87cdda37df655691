// The organisation as AWS Organizations lists it: the organisation, its roots, the tree of OUs below each
// root (ListOrganizationalUnitsForParent) and the accounts of each root and OU (ListAccountsForParent, so
// every account's place in the tree is known without one ListParents call per account); and the service
// control policies with their documents and targets. Organizations is global: one client.
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
} from '@aws-sdk/client-organizations';
import type { Account, OrganizationalUnit, OrganizationsClient, PolicySummary, PolicyTargetSummary, Root } from '@aws-sdk/client-organizations';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { mapLimit, readAll } from './paging.js';

/** Organizations allows few requests per second per account: fan-out stays small. */
const CONCURRENCY = 4;
/** The depth Organizations allows (root + 5 levels of OUs): a deeper tree is a reply gone wrong. */
const MAX_DEPTH = 6;

export interface OrganizationRead {
  organization: { id: string; arn: string; featureSet: string; managementAccountId: string };
  roots: Root[];
  ous: { ou: OrganizationalUnit; parentId: string; path: string[] }[];
  accounts: { account: Account; parentId: string; path: string[] }[];
}

export async function readOrganization(client: OrganizationsClient, signal: AbortSignal): Promise<OrganizationRead> {
  const described = await client.send(new DescribeOrganizationCommand({}), { abortSignal: signal });
  const org = described.Organization;
  if (!org?.Id || !org.Arn || !org.MasterAccountId)
    throw new MalformedResponseError('DescribeOrganization returned no organization id, ARN or management account');
  const roots = await readAll('ListRoots', async (token) => {
    const page = await client.send(new ListRootsCommand(token ? { NextToken: token } : {}), { abortSignal: signal });
    return { items: page.Roots, next: page.NextToken };
  });
  const read: OrganizationRead = {
    organization: { id: org.Id, arn: org.Arn, featureSet: org.FeatureSet ?? 'ALL', managementAccountId: org.MasterAccountId },
    roots,
    ous: [],
    accounts: [],
  };
  // Breadth first, one level at a time: each parent's child OUs and accounts.
  let level = roots.map((root) => ({ id: required(root.Id, 'a root without Id'), path: [] as string[] }));
  for (let depth = 0; level.length > 0; depth++) {
    if (depth >= MAX_DEPTH) throw new MalformedResponseError(`the OU tree is deeper than the ${MAX_DEPTH} levels Organizations allows`);
    const children = await mapLimit(level, CONCURRENCY, async (parent) => {
      const [ous, accounts] = await Promise.all([
        readAll(`ListOrganizationalUnitsForParent ${parent.id}`, async (token) => {
          const page = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent.id, ...(token ? { NextToken: token } : {}) }), {
            abortSignal: signal,
          });
          return { items: page.OrganizationalUnits, next: page.NextToken };
        }),
        readAll(`ListAccountsForParent ${parent.id}`, async (token) => {
          const page = await client.send(new ListAccountsForParentCommand({ ParentId: parent.id, ...(token ? { NextToken: token } : {}) }), {
            abortSignal: signal,
          });
          return { items: page.Accounts, next: page.NextToken };
        }),
      ]);
      return { parent, ous, accounts };
    });
    const next: typeof level = [];
    for (const { parent, ous, accounts } of children) {
      const path = [...parent.path, parent.id];
      for (const ou of ous) {
        read.ous.push({ ou, parentId: parent.id, path });
        next.push({ id: required(ou.Id, `an OU of ${parent.id} without Id`), path });
      }
      for (const account of accounts) read.accounts.push({ account, parentId: parent.id, path });
    }
    level = next;
  }
  return read;
}

export interface ScpRead {
  summary: PolicySummary;
  content: string;
  targets: PolicyTargetSummary[];
}

/** Every service control policy, its document (DescribePolicy) and where it is attached (ListTargetsForPolicy). */
export async function readServiceControlPolicies(client: OrganizationsClient, signal: AbortSignal): Promise<ScpRead[]> {
  const policies = await readAll('ListPolicies SERVICE_CONTROL_POLICY', async (token) => {
    const page = await client.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY', ...(token ? { NextToken: token } : {}) }), {
      abortSignal: signal,
    });
    return { items: page.Policies, next: page.NextToken };
  });
  return mapLimit(policies, CONCURRENCY, async (summary) => {
    const id = required(summary.Id, 'a policy without Id');
    const [described, targets] = await Promise.all([
      client.send(new DescribePolicyCommand({ PolicyId: id }), { abortSignal: signal }),
      readAll(`ListTargetsForPolicy ${id}`, async (token) => {
        const page = await client.send(new ListTargetsForPolicyCommand({ PolicyId: id, ...(token ? { NextToken: token } : {}) }), { abortSignal: signal });
        return { items: page.Targets, next: page.NextToken };
      }),
    ]);
    const content = described.Policy?.Content;
    if (typeof content !== 'string') throw new MalformedResponseError(`DescribePolicy ${id} returned no Content`);
    return { summary, content, targets };
  });
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw new MalformedResponseError(`AWS Organizations returned ${what}`);
  return value;
}
