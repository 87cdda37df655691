// SAML single sign-on of an organization, as far as GitHub's API shows it: the identity provider
// (GraphQL organization.samlIdentityProvider: issuer and sign-on URL) and the members with a linked
// SAML identity (its externalIdentities, 100 a page). No API shows the "Require SAML SSO" switch itself;
// enforcement removes members without a linked identity, which is what the check looks for. Only
// GitHub Enterprise Cloud offers SAML to an organization: on another plan nothing is asked.
import { compareStrings } from '../../src/compare-strings.js';
import { withoutCredentials } from './bare-url.js';
import type { GitHubClient } from './client.js';
import { MalformedReplyError } from './errors.js';
import { cursorGuard } from './pagination.js';
import { ORGANIZATION_SSO_QUERY } from './queries.js';
import type { OrganizationSsoReply } from './queries.js';

/** The plan on which GitHub offers SAML SSO to an organization (GitHub Enterprise Cloud). */
export const SSO_PLAN = 'enterprise';

export interface SsoRead {
  identityProvider: { issuer: string | null; ssoHost: string | null } | null;
  /** Logins of members with a linked SAML identity. */
  linked: string[];
  /** GraphQL requests spent. */
  queries: number;
}

/** Whether the plan rules SSO out: a plan GitHub names that is not Enterprise Cloud. */
export const planWithoutSso = (plan: string | null): boolean => plan !== null && plan !== SSO_PLAN;

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(withoutCredentials(url)).host;
  } catch {
    return null;
  }
}

export async function readSso(octokit: GitHubClient, org: string, signal: AbortSignal): Promise<SsoRead> {
  const linked: string[] = [];
  let provider: SsoRead['identityProvider'] = null;
  let after: string | null = null;
  let queries = 0;
  const guard = cursorGuard(`GraphQL EvidenceOrganizationSso for ${org}`);
  do {
    signal.throwIfAborted();
    queries++;
    const reply: OrganizationSsoReply = await octokit.graphql<OrganizationSsoReply>(ORGANIZATION_SSO_QUERY, { org, after });
    if (!reply?.organization) throw new MalformedReplyError(`organization ${org} is not in the reply`);
    const idp = reply.organization.samlIdentityProvider;
    if (idp === null || idp === undefined) return { identityProvider: null, linked: [], queries };
    provider = { issuer: idp.issuer ?? null, ssoHost: hostOf(idp.ssoUrl) };
    const identities = idp.externalIdentities;
    if (!identities || !Array.isArray(identities.nodes)) throw new MalformedReplyError('the identity provider has no externalIdentities in the reply');
    for (const node of identities.nodes) if (node?.user?.login) linked.push(node.user.login);
    after = identities.pageInfo?.hasNextPage ? identities.pageInfo.endCursor : null;
    guard.page(after);
  } while (after);
  return { identityProvider: provider, linked: [...new Set(linked)].sort(compareStrings), queries };
}
