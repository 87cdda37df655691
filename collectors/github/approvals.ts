// The approval rules of a merged pull request (README, "Rules for the approval check") as pure
// functions of its stored event, so the check, the population CSV and an auditor re-performing the
// test reach the same verdict. Per reviewer, the latest decisive review submitted before the merge
// stands; an approval counts when it is of the merged head (unless stale approvals are accepted) and
// comes from a person who neither opened the pull request nor wrote or co-wrote one of its commits;
// the independent approvals must reach what the branch required when the change was read (at least one).
import type { ApprovalRules, PullRequestData, ReviewRecord } from './change-data.js';

export const STRICT_RULES: ApprovalRules = { acceptStaleApprovals: false, independentBots: [] };

/** States that set a reviewer's stance; COMMENTED and PENDING leave it as it was. */
const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

export interface ReviewerVerdict {
  /** The reviewer's login; null for a deleted account ("ghost"). */
  reviewer: string | null;
  /** GraphQL's __typename of the reviewer: User, Bot (a GitHub App), Mannequin…; null when not recorded. */
  accountType: string | null;
  /** The latest decisive review submitted before the merge; null when there was none (only comments, or only later reviews). */
  state: string | null;
  submittedAt: string | null;
  /** The commit that review was of. */
  commit: string | null;
  /** Commits of the pull request after the reviewed one (0: the merged head); null when unknown. */
  commitsAfter: number | null;
  /** The first approval submitted after the merge, when the stance before it was not an approval. */
  approvedAfterMerge: string | null;
  counts: boolean;
  /** Why the review does not count, as a clause naming the reviewer; null when it counts. */
  reason: string | null;
}

export interface ApprovalAssessment {
  approved: boolean;
  /** One clause for a finding or a CSV cell. */
  why: string;
  /** Independent approvals needed: what the branch required, at least one. */
  needed: number;
  /** Reviewers whose approval counts. */
  approvers: string[];
  reviewers: ReviewerVerdict[];
}

const lower = (login: string) => login.toLowerCase();
/** GraphQL names an App's bot `renovate`; REST and the UI `renovate[bot]`. */
const botName = (login: string) => lower(login).replace(/\[bot\]$/, '');
const short = (sha: string | null) => (sha ? sha.slice(0, 7) : 'unknown');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The account type of a reviewer; events of schema 1 did not record it, so a `[bot]` login is the only sign. */
export function accountTypeOf(review: Pick<ReviewRecord, 'author' | 'authorType'>): string | null {
  if (review.authorType) return review.authorType;
  return review.author?.endsWith('[bot]') ? 'Bot' : null;
}

const submittedBefore = (review: ReviewRecord, mergedAt: number) =>
  review.submittedAt !== null && review.state !== 'PENDING' && Date.parse(review.submittedAt) <= mergedAt;

/** Commits of the pull request after `commit`, from the recorded commit list; null when it cannot be told. */
export function commitsAfter(pr: PullRequestData, commit: string | null): number | null {
  if (commit === null) return null;
  if (commit === pr.headSha) return 0;
  const commits = pr.commits;
  if (!commits || pr.commitsTruncated) return null;
  const index = commits.indexOf(commit);
  return index < 0 ? null : commits.length - 1 - index;
}

/** Why `login` is not independent of the change, or null when nothing says so. */
function independenceProblem(pr: PullRequestData, login: string, accountType: string | null, rules: ApprovalRules): string | null {
  if (pr.author !== null && lower(login) === lower(pr.author)) return `approved by its author ${login}`;
  if (!pr.commitAuthors) return `approved by ${login}, but the commits' authors were not recorded (event read before schema 2)`;
  const wrote = pr.commitAuthors.find((a) => a.login !== null && lower(a.login) === lower(login));
  if (wrote) return wrote.coAuthor ? `approved by ${login}, a co-author of its commits` : `approved by ${login}, an author of its commits`;
  if (accountType === 'Bot') {
    return rules.independentBots.some((b) => botName(b) === botName(login)) ? null : `approved by ${login} (Bot), a GitHub App, not a person`;
  }
  if (accountType !== null && accountType !== 'User') return `approved by ${login}, an account of type ${accountType}`;
  return null;
}

function judgeReviewer(pr: PullRequestData, reviews: ReviewRecord[], rules: ApprovalRules): ReviewerVerdict {
  const mergedAt = Date.parse(pr.mergedAt);
  const login = reviews[0]!.author;
  const accountType = accountTypeOf(reviews[0]!);
  const before = reviews.filter((r) => submittedBefore(r, mergedAt) && DECISIVE.has(r.state));
  const latest = before.at(-1) ?? null;
  const laterApproval = reviews.find((r) => r.state === 'APPROVED' && r.submittedAt !== null && Date.parse(r.submittedAt) > mergedAt) ?? null;
  const verdict: ReviewerVerdict = {
    reviewer: login,
    accountType,
    state: latest?.state ?? null,
    submittedAt: latest?.submittedAt ?? null,
    commit: latest?.commit ?? null,
    commitsAfter: latest ? commitsAfter(pr, latest.commit) : null,
    approvedAfterMerge: latest?.state !== 'APPROVED' ? (laterApproval?.submittedAt ?? null) : null,
    counts: false,
    reason: null,
  };
  const who = login ?? 'a deleted account';
  if (latest === null) {
    verdict.reason = laterApproval ? `approved by ${who} only after the merge (at ${laterApproval.submittedAt})` : null;
    return verdict;
  }
  if (latest.state === 'CHANGES_REQUESTED') {
    const withdrawn = before.some((r) => r.state === 'APPROVED');
    verdict.reason = `${who} ${withdrawn ? 'withdrew the approval and ' : ''}requested changes at ${latest.submittedAt}`;
    return verdict;
  }
  if (latest.state === 'DISMISSED') {
    verdict.reason = `the approval of ${who} was dismissed`;
    return verdict;
  }
  if (login === null) {
    verdict.reason = 'approved by a deleted account';
    return verdict;
  }
  const problem = independenceProblem(pr, login, accountType, rules);
  if (problem) {
    verdict.reason = problem;
    return verdict;
  }
  if (latest.commit !== pr.headSha && !rules.acceptStaleApprovals) {
    const after = verdict.commitsAfter === null ? 'commits after it' : `${plural(verdict.commitsAfter, 'commit')} after it`;
    verdict.reason = `approved by ${login} only on an earlier commit ${short(latest.commit)} (${after} not reviewed), not on the merged head ${short(pr.headSha)}`;
    return verdict;
  }
  verdict.counts = true;
  return verdict;
}

/** Each reviewer's stance at the merge, in the order they first reviewed. */
export function reviewerVerdicts(pr: PullRequestData, rules: ApprovalRules): ReviewerVerdict[] {
  const byReviewer = new Map<string, ReviewRecord[]>();
  const ordered = [...pr.reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
  for (const review of ordered) {
    const key = review.author === null ? '\u0000ghost' : lower(review.author);
    byReviewer.set(key, [...(byReviewer.get(key) ?? []), review]);
  }
  return [...byReviewer.values()].map((reviews) => judgeReviewer(pr, reviews, rules));
}

function counted(verdict: ReviewerVerdict): string {
  if (verdict.commitsAfter === 0) return `${verdict.reviewer} on the final commit`;
  const after = verdict.commitsAfter === null ? 'commits after it' : `${plural(verdict.commitsAfter, 'commit')} after it`;
  return `${verdict.reviewer} on the earlier commit ${short(verdict.commit)} (${after}; stale approvals accepted)`;
}

export function assessApproval(pr: PullRequestData, rules: ApprovalRules): ApprovalAssessment {
  const reviewers = reviewerVerdicts(pr, rules);
  const approvers = reviewers.filter((r) => r.counts);
  const required = pr.requiredApprovals ?? null;
  const needed = Math.max(1, required ?? 1);
  const approved = approvers.length >= needed;
  const by = pr.requiredApprovalsFrom && pr.requiredApprovalsFrom.length > 0 ? pr.requiredApprovalsFrom.join(' and ') : 'the branch';
  const requirement =
    required === null || required === undefined
      ? ' (the approvals the branch required were not recorded)'
      : needed > 1
        ? ` (${approvers.length} of the ${needed} required by ${by})`
        : '';
  const names = approvers.map(counted);
  const onHead = approvers.every((a) => a.commitsAfter === 0);
  const list =
    onHead && approvers.length > 0 ? `approved by ${approvers.map((a) => a.reviewer).join(', ')} on the final commit` : `approved by ${names.join(', ')}`;
  if (approved && pr.commitsTruncated) {
    // An incomplete list of commit authors cannot show that the approvers wrote none of them.
    const why = `${list}${requirement}, but not every commit author was read (over 100 commits, or over 10 authors in one), so independence is not shown`;
    return { approved: false, why, needed, approvers: approvers.map((a) => a.reviewer!), reviewers };
  }
  if (approved) return { approved, why: `${list}${requirement}`, needed, approvers: approvers.map((a) => a.reviewer!), reviewers };

  const reasons = reviewers.flatMap((r) => (r.reason ? [r.reason] : []));
  const parts = [...(approvers.length > 0 ? [`only ${approvers.length} of the ${needed} independent approvals required by ${by}: ${list}`] : []), ...reasons];
  const why = parts.length > 0 ? parts.join('; ') : reviewers.length > 0 ? 'no approving review (only comments)' : 'no approving review';
  return { approved, why: approvers.length > 0 ? why : `${why}${requirement}`, needed, approvers: approvers.map((a) => a.reviewer!), reviewers };
}

/**
 * GitHub's own count at the merge, to tell a bypass: reviewers other than the author whose latest
 * decisive review before the merge approves (any commit; Apps included, as GitHub counts them).
 */
export function approvalsBeforeMerge(pr: PullRequestData): number {
  const mergedAt = Date.parse(pr.mergedAt);
  const latest = new Map<string, string>();
  const ordered = [...pr.reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
  for (const review of ordered) {
    if (review.author === null || !submittedBefore(review, mergedAt) || !DECISIVE.has(review.state)) continue;
    if (pr.author !== null && lower(review.author) === lower(pr.author)) continue;
    latest.set(lower(review.author), review.state);
  }
  return [...latest.values()].filter((state) => state === 'APPROVED').length;
}

/**
 * Merged with fewer approvals than the branch required at the merge: protection was bypassed (an
 * admin merge, or an actor on a ruleset's bypass list). null when the requirement or the reviews are
 * not fully known. Judged from the reviews' own times, never from the review decision as seen later.
 */
export function protectionBypassed(pr: PullRequestData): boolean | null {
  const required = pr.requiredApprovals;
  if (required === null || required === undefined || pr.reviewsTruncated) return null;
  return required > 0 && approvalsBeforeMerge(pr) < required;
}
