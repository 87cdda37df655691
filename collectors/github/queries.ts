// The GraphQL queries the collector sends. Each replaces a REST call per repository or per pull
// request: one query reads 100 repositories with their deploy keys, alerts setting and CODEOWNERS
// file; one reads 50 merged pull requests with their reviews (reviewer and account type, time, commit
// reviewed), their commits with every author and co-author, and the checks of their last commit.
// Named operations, so logs (and the sandbox) can tell them apart.

export const REPOSITORY_DETAILS_QUERY = /* GraphQL */ `
  query EvidenceRepositoryDetails($org: String!, $after: String) {
    organization(login: $org) {
      repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
        pageInfo { hasNextPage endCursor }
        nodes {
          name
          isArchived
          hasVulnerabilityAlertsEnabled
          deployKeys(first: 20) {
            totalCount
            nodes { title readOnly createdAt }
          }
          codeownersInGithub: object(expression: "HEAD:.github/CODEOWNERS") { id }
          codeownersInRoot: object(expression: "HEAD:CODEOWNERS") { id }
          codeownersInDocs: object(expression: "HEAD:docs/CODEOWNERS") { id }
        }
      }
    }
  }
`;

export interface RepositoryDetailsNode {
  name: string;
  isArchived: boolean;
  hasVulnerabilityAlertsEnabled: boolean | null;
  deployKeys: { totalCount: number; nodes: { title: string; readOnly: boolean; createdAt: string }[] } | null;
  codeownersInGithub: { id: string } | null;
  codeownersInRoot: { id: string } | null;
  codeownersInDocs: { id: string } | null;
}

export interface RepositoryDetailsReply {
  organization: {
    repositories: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: (RepositoryDetailsNode | null)[];
    };
  } | null;
}

/**
 * Merged pull requests of an org in a time span, oldest first. Search returns at most 1,000 results
 * per query: the caller splits a span that holds more.
 */
export const MERGED_PULL_REQUESTS_QUERY = /* GraphQL */ `
  query EvidenceMergedPullRequests($search: String!, $after: String) {
    search(query: $search, type: ISSUE, first: 50, after: $after) {
      issueCount
      pageInfo { hasNextPage endCursor }
      nodes {
        ... on PullRequest {
          id
          number
          url
          title
          repository { name defaultBranchRef { name } }
          baseRefName
          author { __typename login }
          mergedBy { login }
          mergedAt
          headRefOid
          mergeCommit { oid }
          reviewDecision
          reviews(first: 100) {
            totalCount
            nodes { state author { __typename login } submittedAt commit { oid } }
          }
          authoredCommits: commits(first: 100) {
            totalCount
            nodes { commit { oid authors(first: 10) { totalCount nodes { name user { login } } } } }
          }
          commits(last: 1) {
            nodes {
              commit {
                oid
                committedDate
                statusCheckRollup {
                  state
                  contexts(first: 100) {
                    totalCount
                    nodes {
                      __typename
                      ... on CheckRun { name status conclusion }
                      ... on StatusContext { context state }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

export interface MergedPullRequestNode {
  id: string;
  number: number;
  url: string;
  title: string;
  repository: { name: string; defaultBranchRef: { name: string } | null };
  baseRefName: string;
  /** An Actor: __typename User, Bot (a GitHub App, login without "[bot]"), Mannequin, …; null for a deleted account. */
  author: { __typename?: string; login: string } | null;
  mergedBy: { login: string } | null;
  mergedAt: string;
  headRefOid: string;
  mergeCommit: { oid: string } | null;
  reviewDecision: string | null;
  reviews: {
    totalCount: number;
    nodes: { state: string; author: { __typename?: string; login: string } | null; submittedAt: string | null; commit: { oid: string } | null }[];
  };
  /** The pull request's commits, oldest first, each with its git author and Co-authored-by co-authors (git author first). */
  authoredCommits?: {
    totalCount: number;
    nodes: { commit: { oid: string; authors: { totalCount: number; nodes: { name: string | null; user: { login: string } | null }[] } } }[];
  };
  commits: {
    nodes: {
      commit: {
        oid: string;
        committedDate: string;
        statusCheckRollup: {
          state: string;
          contexts: {
            totalCount: number;
            nodes: (
              | { __typename: 'CheckRun'; name: string; status: string; conclusion: string | null }
              | { __typename: 'StatusContext'; context: string; state: string }
            )[];
          };
        } | null;
      };
    }[];
  };
}

export interface MergedPullRequestsReply {
  search: {
    issueCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    /** Non-PR results cannot match `is:pr`; an empty object is what GraphQL gives for them. */
    nodes: (MergedPullRequestNode | Record<string, never> | null)[];
  };
}

/**
 * The commits of a repository's default branch in a span, each with the pull requests it belongs to:
 * a commit reached by no pull request merged into that branch was pushed directly. Asked only for
 * repositories pushed to since the watermark.
 */
export const DEFAULT_BRANCH_COMMITS_QUERY = /* GraphQL */ `
  query EvidenceDefaultBranchCommits($org: String!, $name: String!, $since: GitTimestamp!, $until: GitTimestamp!, $after: String) {
    repository(owner: $org, name: $name) {
      defaultBranchRef {
        name
        target {
          ... on Commit {
            history(since: $since, until: $until, first: 100, after: $after) {
              pageInfo { hasNextPage endCursor }
              nodes {
                oid
                committedDate
                messageHeadline
                author { user { login } }
                committer { user { login } }
                associatedPullRequests(first: 5) { nodes { number mergedAt baseRefName } }
              }
            }
          }
        }
      }
    }
  }
`;

export interface CommitNode {
  oid: string;
  committedDate: string;
  messageHeadline: string;
  author: { user: { login: string } | null } | null;
  committer: { user: { login: string } | null } | null;
  associatedPullRequests: { nodes: { number: number; mergedAt: string | null; baseRefName: string }[] } | null;
}

export interface DefaultBranchCommitsReply {
  repository: {
    defaultBranchRef: {
      name: string;
      target: { history?: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: CommitNode[] } } | null;
    } | null;
  } | null;
}

/**
 * The organization's SAML identity provider and the members with a linked identity, 100 a page. GitHub
 * shows it to owners (classic token: read:org) and to Apps with members=read; null when none is set up
 * on the organization (a provider configured on its enterprise account is not shown here).
 */
export const ORGANIZATION_SSO_QUERY = /* GraphQL */ `
  query EvidenceOrganizationSso($org: String!, $after: String) {
    organization(login: $org) {
      samlIdentityProvider {
        issuer
        ssoUrl
        externalIdentities(first: 100, after: $after, membersOnly: true) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { user { login } }
        }
      }
    }
  }
`;

export interface OrganizationSsoReply {
  organization: {
    samlIdentityProvider: {
      issuer: string | null;
      ssoUrl: string | null;
      externalIdentities: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: ({ user: { login: string } | null } | null)[];
      };
    } | null;
  } | null;
}
