// POST /graphql: the operation is told by its name in the query text (the collector names each one),
// answered as {"data": …} in exactly the shape its query selects, or {"errors": […]} with status 200 as
// GitHub does. Nothing is parsed beyond the name: the sandbox answers the collector's queries only.
import { defaultBranchCommits } from './graphql-branch-commits.js';
import type { GraphqlResult } from './graphql-connection.js';
import { mergedPullRequests } from './graphql-merged-pull-requests.js';
import { organizationSso } from './graphql-organization-sso.js';
import { repositoryDetails } from './graphql-repository-details.js';
import type { OrgModel } from './model.js';

type Operation = (model: OrgModel, variables: Record<string, unknown>, now: number) => GraphqlResult;

export const GRAPHQL_OPERATIONS: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  ['EvidenceRepositoryDetails', (model, variables) => repositoryDetails(model, variables)],
  ['EvidenceMergedPullRequests', mergedPullRequests],
  ['EvidenceDefaultBranchCommits', defaultBranchCommits],
  ['EvidenceOrganizationSso', (model, variables) => organizationSso(model, variables)],
]);

export interface GraphqlAnswer {
  status: number;
  /** The operation name, or a description of what could not be told. */
  operation: string;
  payload: unknown;
}

export function answerGraphql(model: OrgModel, body: string, now: number): GraphqlAnswer {
  let request: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    request = JSON.parse(body) as typeof request;
  } catch {
    return { status: 400, operation: '(unparsable)', payload: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' } };
  }
  if (typeof request !== 'object' || request === null || typeof request.query !== 'string') {
    return { status: 200, operation: '(no query)', payload: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] } };
  }
  const named = /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(request.query)?.[1];
  const name = typeof request.operationName === 'string' ? request.operationName : named;
  const operation = name ? GRAPHQL_OPERATIONS.get(name) : undefined;
  if (!name || !operation) {
    return {
      status: 200,
      operation: name ?? '(anonymous)',
      payload: {
        errors: [{ message: `The GitHub sandbox answers only ${[...GRAPHQL_OPERATIONS.keys()].join(', ')}; got ${name ?? 'an anonymous operation'}.` }],
      },
    };
  }
  const variables = typeof request.variables === 'object' && request.variables !== null ? (request.variables as Record<string, unknown>) : {};
  return { status: 200, operation: name, payload: operation(model, variables, now) };
}
