// What the github collector needs, as GitHub names it: fine-grained token and App permissions, and the
// scopes of a classic token (collectors/github/README.md says which read needs each).
/**
 * Read-only access the token or app needs; see README.md. Fine-grained / App permissions as GitHub
 * names them in X-Accepted-GitHub-Permissions.
 */
export const GITHUB_PERMISSIONS = [
  'members=read',
  'administration=read',
  'organization_administration=read',
  'organization_hooks=read',
  'metadata=read',
  'contents=read',
  'pull_requests=read',
  'checks=read',
  'statuses=read',
  'vulnerability_alerts=read',
  'secret_scanning_alerts=read',
];

/** A classic token's scopes, each with the broader scopes that include it. */
export const GITHUB_CLASSIC_SCOPES: readonly { scope: string; includedIn: readonly string[] }[] = [
  { scope: 'read:org', includedIn: ['read:org', 'write:org', 'admin:org'] },
  { scope: 'repo', includedIn: ['repo'] },
  { scope: 'admin:org_hook', includedIn: ['admin:org_hook'] },
  { scope: 'admin:org', includedIn: ['admin:org'] },
];
