// The data of the github collector's change events (a merged pull request, a direct commit) and the
// approval rules they were read under: types shared by the reads, the approval rules, the checks and the
// change population, kept apart so that none of those imports another for its types.

export interface ApprovalRules {
  /** changes.acceptStaleApprovals: an approval of an earlier commit counts too. */
  acceptStaleApprovals: boolean;
  /** changes.independentBots: Apps whose approvals count as independent reviews. */
  independentBots: readonly string[];
}

export interface ReviewRecord {
  state: string;
  author: string | null;
  /** The reviewer's GraphQL __typename (User, Bot, Mannequin…); absent in events of schema 1. */
  authorType?: string | null;
  submittedAt: string | null;
  commit: string | null;
}

/** Someone who wrote a commit of the pull request: the git author, or a co-author (Co-authored-by). */
export interface CommitAuthor {
  /** The GitHub account the commit email belongs to; null when it is linked to none. */
  login: string | null;
  /** The name in the commit, kept only when no account is linked (it is all there is). */
  name: string | null;
  /** Named only in Co-authored-by trailers, never as a commit's git author. */
  coAuthor: boolean;
}

export interface PullRequestData {
  repository: string;
  number: number;
  title: string;
  url: string;
  author: string | null;
  /** The author's GraphQL __typename (User, Bot…); absent in events of schema 1. */
  authorType?: string | null;
  mergedBy: string | null;
  mergedAt: string;
  baseRef: string;
  headSha: string;
  mergeCommitSha: string | null;
  /** GitHub's review decision as it stood when the pull request was read (after the merge): not used to judge. */
  reviewDecision: string | null;
  reviews: ReviewRecord[];
  /** More reviews than one page holds: the approvals judged may be incomplete. */
  reviewsTruncated: boolean;
  /** The pull request's commits, oldest first (up to 100); absent in events of schema 1. */
  commits?: string[];
  /** Everyone who wrote or co-wrote those commits; absent in events of schema 1. */
  commitAuthors?: CommitAuthor[];
  /** More than 100 commits, or a commit with more than 10 authors: the lists above are incomplete. */
  commitsTruncated?: boolean;
  /**
   * Approvals the default branch required when the pull request was read (classic protection and
   * rulesets together); null when the protection is unknown; absent in events of schema 1.
   */
  requiredApprovals?: number | null;
  /** The protection layers requiring pull requests: "classic protection", "ruleset 73 (acme)". */
  requiredApprovalsFrom?: string[];
  /** The approval rules of the config when the change was read (changes.acceptStaleApprovals, changes.independentBots). */
  approvalRules?: ApprovalRules;
  lastCommit: { sha: string; committedAt: string } | null;
  checks: { state: string | null; contexts: { name: string; kind: 'check-run' | 'status'; result: string }[]; truncated: boolean };
  /** Check names the default branch required when the pull request was read (null: protection unknown). */
  requiredChecks: string[] | null;
  /**
   * Merged with fewer approvals before the merge than the branch required: branch protection was
   * bypassed (an admin merge, or a bypass-list actor). See approvals.ts; null when not fully known.
   */
  protectionBypassed: boolean | null;
}

/** What the default branch of a repository requires, as read in the same run (null: unknown). */
export interface BranchRequirements {
  requiredChecks: string[];
  requiredApprovals: number;
  /** The layers requiring pull requests, named. */
  requiredApprovalsFrom: string[];
}

export interface DirectCommitData {
  repository: string;
  branch: string;
  sha: string;
  committedAt: string;
  headline: string;
  author: string | null;
  committer: string | null;
}
