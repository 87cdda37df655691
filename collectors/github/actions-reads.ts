// GitHub Actions settings that decide what a workflow may do: which repositories may run Actions
// (the organization's policy), the default permissions of the GITHUB_TOKEN and whether workflows may
// approve pull requests, for the organization and for each repository where Actions may run (each
// repository's own setting is read, never inferred from the organization's). Conditional REST reads.
import type { GitHubClient } from './client.js';
import { MalformedReplyError, settle } from './errors.js';
import type { Outcome } from './errors.js';
import { guardedPages } from './pagination.js';
import type { ListedRepository } from './repo-reads.js';

const CONCURRENCY = 8;

export interface WorkflowPermissions {
  defaultWorkflowPermissions: string;
  canApprovePullRequestReviews: boolean;
}

export interface ActionsReads {
  /** Repositories that may run Actions: 'all', 'none', or the selected names. */
  enabled: Outcome<'all' | 'none' | string[]>;
  organization: Outcome<WorkflowPermissions>;
  /** Per repository where Actions may run (absent where it may not, or when the policy is unknown). */
  repositories: Map<string, Outcome<WorkflowPermissions>>;
}

function workflowPermissions(data: { default_workflow_permissions?: unknown; can_approve_pull_request_reviews?: unknown }): WorkflowPermissions {
  if (typeof data?.default_workflow_permissions !== 'string' || typeof data.can_approve_pull_request_reviews !== 'boolean') {
    throw new MalformedReplyError('the reply has no default_workflow_permissions or can_approve_pull_request_reviews');
  }
  return { defaultWorkflowPermissions: data.default_workflow_permissions, canApprovePullRequestReviews: data.can_approve_pull_request_reviews };
}

async function enabledRepositories(octokit: GitHubClient, org: string): Promise<'all' | 'none' | string[]> {
  const { data } = await octokit.rest.actions.getGithubActionsPermissionsOrganization({ org });
  const policy = data?.enabled_repositories;
  if (policy === 'all' || policy === 'none') return policy;
  if (policy !== 'selected') throw new MalformedReplyError(`unknown enabled_repositories ${JSON.stringify(policy)}`);
  const what = `GET /orgs/${org}/actions/permissions/repositories`;
  const selected = await octokit.paginate(
    octokit.rest.actions.listSelectedRepositoriesEnabledGithubActionsOrganization,
    { org, per_page: 100 },
    guardedPages(what),
  );
  return selected.map((repo) => repo.name).sort();
}

export async function readActions(octokit: GitHubClient, org: string, repositories: ListedRepository[] | null, signal: AbortSignal): Promise<ActionsReads> {
  const [enabled, organization] = await Promise.all([
    settle(`GET /orgs/${org}/actions/permissions`, enabledRepositories(octokit, org), signal),
    settle(
      `GET /orgs/${org}/actions/permissions/workflow`,
      octokit.rest.actions.getGithubActionsDefaultWorkflowPermissionsOrganization({ org }).then(({ data }) => workflowPermissions(data)),
      signal,
    ),
  ]);
  const result: ActionsReads = { enabled, organization, repositories: new Map() };
  if (!enabled.ok || repositories === null) return result;
  const policy = enabled.value;
  const queue = repositories.filter((r) => policy === 'all' || (Array.isArray(policy) && policy.includes(r.name)));
  const worker = async () => {
    for (let repo = queue.shift(); repo; repo = queue.shift()) {
      signal.throwIfAborted();
      const what = `GET /repos/${org}/${repo.name}/actions/permissions/workflow`;
      const read = octokit.rest.actions
        .getGithubActionsDefaultWorkflowPermissionsRepository({ owner: org, repo: repo.name })
        .then(({ data }) => workflowPermissions(data));
      result.repositories.set(repo.name, await settle(what, read, signal));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return result;
}
