// What the token may do, as GitHub answers it: with `token` set, any other credential gets 401 "Bad
// credentials"; a route whose permission is in `deniedPermissions` gets GitHub's 403 naming the
// permission it needs (X-Accepted-GitHub-Permissions), as a fine-grained token or an App without it
// does; `tokenScopes` makes the token a classic one (every reply lists its scopes in X-OAuth-Scopes).
import { JSON_CONTENT_TYPE } from './rest-reply.js';
import type { SandboxResponse } from './rest-reply.js';

export interface TokenAccess {
  /** The only token accepted (default: any). */
  token?: string;
  /** A classic token's scopes, sent in X-OAuth-Scopes (default: none sent, as for fine-grained tokens and Apps). */
  tokenScopes?: readonly string[];
  /** Fine-grained permissions the token lacks, by GitHub's name: `organization_hooks`, `administration`. */
  deniedPermissions?: readonly string[];
}

/** The permission (read) each REST route needs, as GitHub's reference lists it for fine-grained tokens. */
export const ROUTE_PERMISSIONS: Readonly<Record<string, string>> = {
  'GET /orgs/{org}/members': 'members',
  'GET /orgs/{org}/outside_collaborators': 'members',
  'GET /orgs/{org}/teams': 'members',
  'GET /orgs/{org}/teams/{team_slug}/repos': 'members',
  'GET /orgs/{org}/hooks': 'organization_hooks',
  'GET /orgs/{org}/repos': 'metadata',
  'GET /orgs/{org}/actions/permissions': 'organization_administration',
  'GET /orgs/{org}/actions/permissions/workflow': 'organization_administration',
  'GET /orgs/{org}/rulesets/{ruleset_id}': 'organization_administration',
  'GET /repos/{owner}/{repo}': 'metadata',
  'GET /repos/{owner}/{repo}/branches/{branch}': 'metadata',
  'GET /repos/{owner}/{repo}/rules/branches/{branch}': 'metadata',
  'GET /repos/{owner}/{repo}/collaborators': 'metadata',
  'GET /repos/{owner}/{repo}/branches/{branch}/protection': 'administration',
  'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}': 'administration',
  'GET /repos/{owner}/{repo}/actions/permissions/workflow': 'administration',
  'GET /repos/{owner}/{repo}/keys': 'administration',
};

/** The refusal for this request, or null when the token may make it. */
export function tokenRefusal(access: TokenAccess, authorization: string | undefined, route: string | undefined): SandboxResponse | null {
  const token = authorization?.replace(/^(token|bearer)\s+/i, '');
  if (access.token !== undefined && token !== access.token) {
    return {
      status: 401,
      headers: { 'content-type': JSON_CONTENT_TYPE },
      body: JSON.stringify({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }),
    };
  }
  const permission = route === undefined ? undefined : ROUTE_PERMISSIONS[route];
  if (permission !== undefined && access.deniedPermissions?.includes(permission)) {
    return {
      status: 403,
      headers: { 'content-type': JSON_CONTENT_TYPE, 'x-accepted-github-permissions': `${permission}=read` },
      body: JSON.stringify({ message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest', status: '403' }),
    };
  }
  return null;
}

/** X-OAuth-Scopes for a classic token's replies. */
export function scopeHeaders(access: TokenAccess): Record<string, string> {
  return access.tokenScopes ? { 'x-oauth-scopes': access.tokenScopes.join(', ') } : {};
}
