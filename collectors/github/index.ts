// The github collector: each configured organization's settings, people, SAML SSO, webhooks, teams and
// Actions token settings, its repositories with their admins and the protection of their default
// branches, and the population of changes merged into default branches (pull requests and direct
// pushes), judged by twenty-two checks.
import { defineCollector } from '../../src/collector.js';
import { changePopulation } from './change-population.js';
import { githubChecks } from './checks/index.js';
import { collectGitHub } from './collect.js';
import { demoGitHubOptions } from './demo.js';
import { EVIDENCE, githubOptionsSchema, orgScopes } from './schema.js';
import { GITHUB_PERMISSIONS } from './permissions.js';
import { preflightGitHub } from './preflight.js';
import type { GitHubOptions } from './schema.js';

export { GITHUB_PERMISSIONS };

export const github = defineCollector<GitHubOptions>({
  id: 'github',
  title: 'GitHub',
  optionsSchema: githubOptionsSchema,
  permissions: GITHUB_PERMISSIONS,
  checks: githubChecks,
  populations: [changePopulation],
  // Hourly: conditional requests make an unchanged org nearly free, and merged changes are judged soon.
  defaultSchedule: '30 * * * *',
  scopes: orgScopes,
  collect: collectGitHub,
  principalTypes: [EVIDENCE.member, EVIDENCE.outsideCollaborator],
  demo: demoGitHubOptions,
  preflight: preflightGitHub,
});
