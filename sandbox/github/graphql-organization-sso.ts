// EvidenceOrganizationSso: the organization's SAML identity provider (issuer, sign-on URL) and the
// members with a linked SAML identity, 100 a page, in the shape the query selects.
import { connectionPage, decodeCursor, invalidCursorError } from './graphql-connection.js';
import type { GraphqlResult } from './graphql-connection.js';
import { linkedMembers } from './access.js';
import type { OrgModel } from './model.js';
import { SANDBOX_ORG } from './urls.js';

const PAGE_SIZE = 100;
export const SAML_ISSUER = 'https://sso.example-co.com/saml2/metadata';
const SSO_URL = 'https://sso.example-co.com/saml2/idp/SSOService.php?spentityid=github-example-co';

export function organizationSso(model: OrgModel, variables: Record<string, unknown>): GraphqlResult {
  const org = variables['org'];
  if (typeof org !== 'string') return { errors: [{ message: 'Variable $org of type String! was provided invalid value' }] };
  if (org.toLowerCase() !== SANDBOX_ORG) {
    return {
      data: { organization: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['organization'],
          locations: [{ line: 3, column: 5 }],
          message: `Could not resolve to an Organization with the login of '${org}'.`,
        },
      ],
    };
  }
  const start = decodeCursor(variables['after']);
  const path = ['organization', 'samlIdentityProvider', 'externalIdentities'];
  if (start === null) return { data: { organization: { samlIdentityProvider: null } }, errors: [invalidCursorError(variables['after'], path)] };
  const linked = linkedMembers(model.people);
  const page = connectionPage(linked, start, PAGE_SIZE, (person) => ({ user: { login: person.login } }));
  return {
    data: {
      organization: {
        samlIdentityProvider: {
          issuer: SAML_ISSUER,
          ssoUrl: SSO_URL,
          externalIdentities: { totalCount: linked.length, pageInfo: page.pageInfo, nodes: page.nodes },
        },
      },
    },
  };
}
