// The sandbox estate: a local stand-in for the AWS IAM and STS APIs over a simulated account with history.
export { startSandbox } from './server.js';
export type { Sandbox, SandboxOptions } from './server.js';
export * from './estate.js';
export { CREDENTIAL_REPORT_COLUMNS, renderCredentialReport } from './credential-report.js';
