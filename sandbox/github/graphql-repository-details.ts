// EvidenceRepositoryDetails: 100 repositories a page by name, each with its archive flag, Dependabot
// alerts setting, first 20 deploy keys (and their count) and where its CODEOWNERS file is.
import { graphNodeId } from './chance.js';
import { githubTime } from './clock.js';
import { connectionPage, decodeCursor, invalidCursorError } from './graphql-connection.js';
import type { GraphqlResult } from './graphql-connection.js';
import type { OrgModel } from './model.js';
import type { CodeownersPath, RepositorySpec } from './repositories.js';
import { SANDBOX_ORG } from './urls.js';

const PAGE_SIZE = 100;
const DEPLOY_KEYS_SHOWN = 20;

function detailsNode(model: OrgModel, repo: RepositorySpec) {
  // `object(expression: "HEAD:<path>")` is the file's blob when it exists on the default branch.
  const blob = (path: CodeownersPath) => (!repo.empty && repo.codeowners === path ? { id: graphNodeId('B', model.seed, `${repo.name}:${path}`) } : null);
  return {
    name: repo.name,
    isArchived: repo.archived,
    hasVulnerabilityAlertsEnabled: repo.dependabotAlerts,
    deployKeys: {
      totalCount: repo.deployKeys.length,
      nodes: repo.deployKeys.slice(0, DEPLOY_KEYS_SHOWN).map((k) => ({ title: k.title, readOnly: k.readOnly, createdAt: githubTime(k.createdAt) })),
    },
    codeownersInGithub: blob('.github/CODEOWNERS'),
    codeownersInRoot: blob('CODEOWNERS'),
    codeownersInDocs: blob('docs/CODEOWNERS'),
  };
}

export function repositoryDetails(model: OrgModel, variables: Record<string, unknown>): GraphqlResult {
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
  if (start === null) return { data: { organization: null }, errors: [invalidCursorError(variables['after'], ['organization', 'repositories'])] };
  const byName = [...model.repositories].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const repositories = connectionPage(byName, start, PAGE_SIZE, (repo) => detailsNode(model, repo));
  return { data: { organization: { repositories: { pageInfo: repositories.pageInfo, nodes: repositories.nodes } } } };
}
