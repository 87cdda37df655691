// Repositories, branches and deploy keys in the shapes of GitHub's REST API, as an owner sees them
// (permissions all true, security_and_analysis shown). Only pushed_at and branch heads move with now.
import { gitOid, graphNodeId, legacyNodeId } from './chance.js';
import { githubTime } from './clock.js';
import { landedCommit, landedCommitOid } from './change-details.js';
import { pushedAt } from './model.js';
import type { OrgModel } from './model.js';
import { organizationOwnerJson } from './organization.js';
import { branchProtectionSummary, isProtected } from './protection.js';
import type { DeployKeySpec, RepositorySpec } from './repositories.js';
import { PERMISSIONS_OF_ROLE } from './teams.js';
import { API_ROOT, SANDBOX_ORG, WEB_ROOT } from './urls.js';

const status = (enabled: boolean) => ({ status: enabled ? 'enabled' : 'disabled' });

/** A `minimal-repository` of the org repository list (and of a team's, with the team's role). */
export function repositoryJson(model: OrgModel, repo: RepositorySpec, now: number): Record<string, unknown> {
  const fullName = `${SANDBOX_ORG}/${repo.name}`;
  const url = `${API_ROOT}/repos/${fullName}`;
  const pushed = githubTime(pushedAt(model, repo, now));
  return {
    id: repo.id,
    node_id: legacyNodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName,
    private: repo.visibility !== 'public',
    owner: organizationOwnerJson(model.facts),
    html_url: `${WEB_ROOT}/${fullName}`,
    description: repo.description,
    fork: false,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    branches_url: `${url}/branches{/branch}`,
    commits_url: `${url}/commits{/sha}`,
    pulls_url: `${url}/pulls{/number}`,
    created_at: githubTime(repo.createdAt),
    updated_at: pushed,
    pushed_at: pushed,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${WEB_ROOT}/${fullName}.git`,
    homepage: null,
    size: repo.sizeKb,
    stargazers_count: 0,
    watchers_count: 0,
    language: repo.language,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: repo.archived,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [repo.area],
    visibility: repo.visibility,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: repo.defaultBranch,
    permissions: PERMISSIONS_OF_ROLE.admin,
    security_and_analysis: {
      secret_scanning: status(repo.secretScanning),
      secret_scanning_push_protection: status(repo.pushProtection),
      secret_scanning_non_provider_patterns: status(false),
      secret_scanning_validity_checks: status(false),
      dependabot_security_updates: status(repo.dependabotAlerts),
    },
  };
}

/** The branches a repository has by now (an empty repository has none). */
export function branchExists(repo: RepositorySpec, branch: string): boolean {
  return !repo.empty && (branch === repo.defaultBranch || repo.otherBranches.includes(branch));
}

/** GET /repos/{owner}/{repo}/branches/{branch}: the head is the latest change on it by now. */
export function branchJson(model: OrgModel, repo: RepositorySpec, branch: string, now: number): Record<string, unknown> {
  const head = model.history.branchHead(repo.index, branch, now);
  const sha = head ? landedCommitOid(model.seed, head) : gitOid(model.seed, `base:${repo.name}:${branch}`);
  const parent = gitOid(model.seed, `parent:${sha}`);
  const time = githubTime(head ? head.at : repo.pushedBeforeHistory);
  const repoUrl = `${API_ROOT}/repos/${SANDBOX_ORG}/${repo.name}`;
  const encoded = encodeURIComponent(branch);
  const landed = head ? landedCommit(model.seed, model.people, repo, head) : { headline: 'Initial commit', author: 'maria-chen' };
  const signature = { name: landed.author, email: `${landed.author}@example-co.com`, date: time };
  return {
    name: branch,
    commit: {
      sha,
      node_id: graphNodeId('C', model.seed, sha),
      commit: {
        author: signature,
        committer: signature,
        message: landed.headline,
        tree: { sha: gitOid(model.seed, `tree:${sha}`), url: `${repoUrl}/git/trees/${gitOid(model.seed, `tree:${sha}`)}` },
        url: `${repoUrl}/git/commits/${sha}`,
        comment_count: 0,
        verification: { verified: true, reason: 'valid', signature: null, payload: null, verified_at: time },
      },
      url: `${repoUrl}/commits/${sha}`,
      html_url: `${WEB_ROOT}/${SANDBOX_ORG}/${repo.name}/commit/${sha}`,
      comments_url: `${repoUrl}/commits/${sha}/comments`,
      author: null,
      committer: null,
      parents: [{ sha: parent, url: `${repoUrl}/commits/${parent}`, html_url: `${WEB_ROOT}/${SANDBOX_ORG}/${repo.name}/commit/${parent}` }],
    },
    _links: { self: `${repoUrl}/branches/${encoded}`, html: `${WEB_ROOT}/${SANDBOX_ORG}/${repo.name}/tree/${branch}` },
    protected: isProtected(repo, branch),
    protection: branchProtectionSummary(repo, branch),
    protection_url: `${repoUrl}/branches/${encoded}/protection`,
  };
}

/** GET /repos/{owner}/{repo}/keys: one deploy key. */
export function deployKeyJson(repo: RepositorySpec, key: DeployKeySpec): Record<string, unknown> {
  return {
    id: key.id,
    key: key.key,
    url: `${API_ROOT}/repos/${SANDBOX_ORG}/${repo.name}/keys/${key.id}`,
    title: key.title,
    verified: true,
    created_at: githubTime(key.createdAt),
    read_only: key.readOnly,
    added_by: 'maria-chen',
    last_used: null,
    enabled: true,
  };
}
