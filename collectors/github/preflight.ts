// The github preflight: per organization, the credentials (the organization read with them), then each
// permission of the collector. A GitHub App's installation token says exactly what it was granted; a
// classic token's replies list its scopes; a fine-grained token says nothing of itself, so the cheapest
// read of each permission that one REST read proves is made (on the organization and its first
// repository), and the others are reported not checked. Nothing is cached or written.
import type { PermissionCheck, PreflightContext } from '../../src/collector.js';
import { createGitHubSession } from './client.js';
import type { GitHubClient } from './client.js';
import { describeGitHubFailure, statusOf } from './errors.js';
import { GITHUB_CLASSIC_SCOPES, GITHUB_PERMISSIONS } from './permissions.js';
import { orgSchema } from './schema.js';
import type { GitHubOptions } from './schema.js';

const README = 'collectors/github/README.md';

/** Fine-grained tokens: the one REST read that proves each permission it can (`{repo}`: the first repository). */
const PERMISSION_READS: Readonly<Record<string, string>> = {
  'metadata=read': 'GET /orgs/{org}/repos?per_page=1',
  'members=read': 'GET /orgs/{org}/members?per_page=1',
  'organization_administration=read': 'GET /orgs/{org}/actions/permissions',
  'organization_hooks=read': 'GET /orgs/{org}/hooks?per_page=1',
  'administration=read': 'GET /repos/{org}/{repo}/keys?per_page=1',
};

const noCache = { get: async () => undefined, set: async () => undefined };

export async function preflightGitHub(ctx: PreflightContext<GitHubOptions>): Promise<PermissionCheck[]> {
  const org = orgSchema.parse(ctx.scope.settings);
  const { octokit } = createGitHubSession({ ...ctx, httpCache: noCache }, ctx.clientEnvironment.github);
  let granted: Record<string, string> | undefined;
  if (!('token' in ctx.options.auth)) {
    try {
      const installation = (await octokit.auth({ type: 'installation' })) as { permissions?: Record<string, string> };
      granted = installation.permissions ?? {};
    } catch (error) {
      ctx.signal.throwIfAborted();
      return [{ name: 'credentials', status: 'fail', detail: describeGitHubFailure('GitHub App installation token', error) }];
    }
  }
  let scopes: string | undefined;
  try {
    const reply = await octokit.request('GET /orgs/{org}', { org: org.login });
    scopes = reply.headers['x-oauth-scopes'];
  } catch (error) {
    ctx.signal.throwIfAborted();
    const status = statusOf(error);
    const hint =
      status === 401
        ? ': the token is not valid (expired, revoked or mistyped)'
        : status === 404
          ? `: no organization ${org.login} visible to these credentials`
          : '';
    return [{ name: 'credentials', status: 'fail', detail: `${describeGitHubFailure(`GET /orgs/${org.login}`, error)}${hint}` }];
  }
  const kind = granted ? 'GitHub App installation' : scopes !== undefined ? 'classic token' : 'fine-grained token';
  const checks: PermissionCheck[] = [{ name: 'credentials', status: 'ok', detail: `organization ${org.login} read with a ${kind}` }];
  if (granted) return [...checks, ...appChecks(granted)];
  if (scopes !== undefined) return [...checks, ...scopeChecks(scopes)];
  return [...checks, ...(await fineGrainedChecks(octokit, org.login, ctx.signal))];
}

function appChecks(granted: Record<string, string>): PermissionCheck[] {
  return GITHUB_PERMISSIONS.map((permission) => {
    const [name] = permission.split('=') as [string];
    const level = granted[name];
    return level === 'read' || level === 'write' || level === 'admin'
      ? { name: permission, status: 'ok' as const, detail: `granted to the installation (${level})` }
      : { name: permission, status: 'fail' as const, detail: `not granted to the installation: add ${name} (read-only) to the App's permissions (${README})` };
  });
}

function scopeChecks(header: string): PermissionCheck[] {
  const held = new Set(
    header
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return GITHUB_CLASSIC_SCOPES.map(({ scope, includedIn }) => {
    const by = includedIn.find((s) => held.has(s));
    return by
      ? { name: scope, status: 'ok' as const, detail: by === scope ? 'scope held' : `included in ${by}` }
      : { name: scope, status: 'fail' as const, detail: `the classic token lacks the scope ${scope} (${README})` };
  });
}

async function fineGrainedChecks(octokit: GitHubClient, org: string, signal: AbortSignal): Promise<PermissionCheck[]> {
  let repo: string | undefined;
  const checks: PermissionCheck[] = [];
  // Metadata first: its read finds the repository the repository-level reads are made on.
  const order = ['metadata=read', ...GITHUB_PERMISSIONS.filter((p) => p !== 'metadata=read')];
  for (const permission of order) {
    const route = PERMISSION_READS[permission];
    if (!route) {
      checks.push({
        name: permission,
        status: 'skip',
        detail: "no single read proves it for a fine-grained token (GitHub does not list a token's permissions): check the token's settings",
      });
      continue;
    }
    if (route.includes('{repo}') && repo === undefined) {
      checks.push({ name: permission, status: 'skip', detail: 'no repository readable to prove it on' });
      continue;
    }
    try {
      const reply = await octokit.request(route, { org, repo });
      if (permission === 'metadata=read') repo = (reply.data as { name?: string }[])[0]?.name;
      checks.push({ name: permission, status: 'ok', detail: `${route.replace('{org}', org).replace('{repo}', repo ?? '')}: read` });
    } catch (error) {
      signal.throwIfAborted();
      const detail = describeGitHubFailure(route.replace('{org}', org).replace('{repo}', repo ?? ''), error);
      checks.push({
        name: permission,
        status: 'fail',
        detail: statusOf(error) === 403 ? `denied: ${detail}; grant ${permission} to the token (${README})` : detail,
      });
    }
  }
  return checks.sort((a, b) => GITHUB_PERMISSIONS.indexOf(a.name) - GITHUB_PERMISSIONS.indexOf(b.name));
}
