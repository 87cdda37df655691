// The fixed addresses of the simulated GitHub. Reply bodies always name api.github.com (like GitHub's
// own replies, they do not depend on who asks); only the Link header follows the request's base URL.

export const SANDBOX_ORG = 'example-co';
export const API_ROOT = 'https://api.github.com';
export const WEB_ROOT = 'https://github.com';
export const ORG_API = `${API_ROOT}/orgs/${SANDBOX_ORG}`;
