// The GitHub sandbox: a simulated organization answering the REST calls and GraphQL operations of the
// github collector, as a pure request handler (the HTTP server wiring lives elsewhere).
export { GitHubSandbox } from './sandbox.js';
export type { SandboxRequest, SpecialChange } from './sandbox.js';
export type { SandboxResponse } from './rest-reply.js';
export type { GitHubSandboxOptions } from './model.js';
export { DEFAULT_SEED } from './model.js';
export { SANDBOX_ORG } from './urls.js';
export { SPECIAL_CHANGES } from './history.js';
export type { SpecialChangeDefinition, SpecialKind } from './history.js';
export { RELEASE_BRANCH, REQUIRED_CHECK, SPECIAL_REPOSITORIES } from './repositories.js';
export { MEMBERS_WITHOUT_TWO_FACTOR, OUTSIDE_COLLABORATORS } from './people.js';
export { ORG_RULESET_ID, REPO_RULESET_ID } from './protection.js';
export { MEMBERS_WITHOUT_SAML_IDENTITY, OUTSIDE_GRANTS } from './access.js';
