// The fixed addresses of the simulated GitHub. Reply bodies always name api.github.com (like GitHub's
// own replies, they do not depend on who asks); only the Link header follows the request's base URL.

export const SANDBOX_ORG = 'example-co';
export const API_ROOT = 'https://api.github.com';
export const WEB_ROOT = 'https://github.com';
export const ORG_API = `${API_ROOT}/orgs/${SANDBOX_ORG}`;

/** The link fields every user and organization account object carries in GitHub's REST replies. */
export function accountLinks(url: string) {
  return {
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
  };
}
