// The change population: every change that reached a default branch in the period, one row each:
// each merged pull request (with its reviews, its commits' authors, the approvals its branch required and
// the verdict of approvals.ts, so the test can be re-performed from the row) and each commit pushed
// without one. Auditors sample from it and trace each change to its approval. Derived from the stored
// events when asked.
import type { EventItem, PopulationDefinition } from '../../src/collector.js';
import { protectionBypassed } from './approvals.js';
import type { ReviewerVerdict } from './approvals.js';
import type { DirectCommitData, PullRequestData, ReviewRecord } from './change-data.js';
import { approvalRulesOf, independentApproval } from './checks/merged-changes.js';
import { EVENTS } from './schema.js';

const COLUMNS = [
  { name: 'occurredAt', description: 'When the change reached the default branch: merge time, or commit time for a direct push (UTC).' },
  { name: 'kind', description: '"pull-request" or "direct-push".' },
  { name: 'repository', description: 'Repository name within the organization.' },
  { name: 'change', description: 'Pull request number (#123) or commit SHA.' },
  { name: 'title', description: 'Pull request title or commit headline.' },
  { name: 'url', description: 'Link to the pull request (empty for a direct push).' },
  { name: 'author', description: 'Who wrote the change (pull request author, or commit author).' },
  { name: 'mergedBy', description: 'Who merged the pull request (or committed the direct push).' },
  {
    name: 'approvedBy',
    description:
      'Reviewers whose approval counts: their latest review before the merge approves the merged head (or an earlier ' +
      'commit when stale approvals are accepted), and they are independent (see reviewersAtMerge).',
  },
  {
    name: 'independentApproval',
    description:
      '"yes" when the approvals that count reach the branch\'s required number (at least one), or "no: <why>" ' +
      '(withdrawn, dismissed, after the merge, stale, self-approval, commit author or co-author, an App, none).',
  },
  {
    name: 'protectionBypassed',
    description:
      '"yes" when fewer reviewers (author excluded) approved before the merge than the branch required (an admin or ' +
      'bypass-list merge), "no", or "unknown" (protection not read, over 100 reviews, or read before event schema ' +
      '2). Judged from review times, never from the review decision seen later.',
  },
  { name: 'checks', description: 'Results of the checks on the last commit: "name=result; …" (empty when none ran).' },
  { name: 'headSha', description: 'The commit merged (pull request head), or the pushed commit.' },
  { name: 'mergeCommitSha', description: 'The commit the merge created on the default branch.' },
  {
    name: 'requiredApprovals',
    description:
      'Approvals the default branch required (classic protection and rulesets together, as read when the change was ' +
      'collected), with the layers; "unknown" when not read.',
  },
  {
    name: 'commitAuthors',
    description:
      "Everyone who wrote or co-wrote (Co-authored-by) the pull request's commits: GitHub logins, or the commit " +
      'name in quotes when no account is linked; "(incomplete)" past 100 commits.',
  },
  { name: 'reviews', description: 'Every review as read: reviewer [account type] STATE at <time> on <commit>, "after merge" when submitted after mergedAt.' },
  {
    name: 'reviewersAtMerge',
    description:
      'Per reviewer, the latest approve, change-request or dismissal before the merge, the commit and the commits after it, and whether it counts or why not.',
  },
  {
    name: 'approvalRules',
    description:
      'The rules applied: whether approvals of earlier commits were accepted (changes.acceptStaleApprovals) and ' +
      'which Apps count as reviewers (changes.independentBots).',
  },
] as const;

export const changePopulation: PopulationDefinition = {
  id: 'github-changes',
  title: 'GitHub changes to default branches (merged pull requests and direct pushes)',
  description:
    'Every pull request merged into a repository default branch, with its approvals and checks, and every commit that reached a default branch without a pull request.',
  eventTypes: [EVENTS.pullRequest, EVENTS.commit],
  columns: COLUMNS,
  fileName: 'changes.csv',
  digest: {
    title: 'Changes merged without independent approval',
    notable: (row) => row['independentApproval'] !== 'yes',
    line: (row) => `${row['repository']} ${row['change']} "${row['title']}" by ${row['author']}, merged by ${row['mergedBy']}: ${row['independentApproval']}`,
  },
  method:
    'GitHub GraphQL, per organization, read incrementally from a stored watermark up to 5 minutes before the read: search ' +
    '"org:<org> is:pr is:merged merged:<from>..<to>" (50 per page, cursor pagination; spans with over 1,000 results halved), ' +
    'keeping pull requests whose base is the repository default branch, each with its reviews (state, reviewer and account type, ' +
    'time, commit), its first 100 commits with their authors and Co-authored-by co-authors, the approvals its branch required ' +
    '(classic protection and rulesets, read in the same run) and the checks of its last commit; and for each repository pushed ' +
    'to in the span, the default-branch commit history with the ' +
    'pull requests of each commit (a commit in no merged pull request is a direct push). Each change is stored once by id.',
  frequency: 'recurring',
  attributes: [
    {
      question: 'Approved by someone other than its authors, before the merge, on the merged commit, as many times as the branch required?',
      shown: (row) => row['independentApproval'] ?? '',
    },
    {
      question: 'Branch protection in force at the merge (not bypassed)?',
      shown: (row) => (row['kind'] === 'direct-push' ? 'no: pushed without a pull request' : bypassShown(row['protectionBypassed'])),
    },
    { question: 'Checks passed on the merged commit?', shown: (row) => checksShown(row['checks']) },
    { question: 'Ticket or change request referenced?', shown: (row) => ticketShown(row['title']) },
  ],
  rowOf: changeRow,
};

function bypassShown(value: string | undefined): string {
  if (value === 'no') return 'yes (the required approvals were given before the merge)';
  if (value === 'yes') return 'no: merged with fewer approvals than the branch required';
  return `unknown (${value ?? 'not recorded'})`;
}

/** A check that ended in anything but success, neutral or skipped did not pass. */
function checksShown(checks: string | undefined): string {
  if (!checks) return 'no: no check ran on the merged commit';
  const failed = checks.split('; ').filter((c) => !/=(success|neutral|skipped)$/i.test(c));
  return failed.length === 0 ? 'yes' : `no: ${failed.join('; ')}`;
}

/** A Jira-style key (ABC-123) or an issue reference (#123, GH-123) in the title; the body is not read. */
function ticketShown(title: string | undefined): string {
  const refs = (title ?? '').match(/\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b/g);
  return refs ? `yes: ${[...new Set(refs)].join(' ')} (in the title)` : 'none in the title (the description is not collected)';
}

export function changeRow(event: EventItem): Record<string, string> | undefined {
  if (event.type === EVENTS.pullRequest) {
    const pr = event.data as PullRequestData;
    const verdict = independentApproval(pr);
    const bypassed = protectionBypassed(pr);
    const rules = approvalRulesOf(pr);
    return {
      occurredAt: pr.mergedAt,
      kind: 'pull-request',
      repository: pr.repository,
      change: `#${pr.number}`,
      title: pr.title,
      url: pr.url,
      author: pr.author ?? '',
      mergedBy: pr.mergedBy ?? '',
      approvedBy: [...verdict.approvers].sort().join(' '),
      independentApproval: verdict.approved ? 'yes' : `no: ${verdict.why}`,
      protectionBypassed: bypassed === null ? 'unknown' : bypassed ? 'yes' : 'no',
      checks: pr.checks.contexts.map((c) => `${c.name}=${c.result}`).join('; '),
      headSha: pr.headSha,
      mergeCommitSha: pr.mergeCommitSha ?? '',
      requiredApprovals: requiredCell(pr),
      commitAuthors: authorsCell(pr),
      reviews: pr.reviews.map((r) => reviewCell(pr, r)).join('; '),
      reviewersAtMerge: verdict.reviewers.map(reviewerCell).join('; '),
      approvalRules: `stale approvals ${rules.acceptStaleApprovals ? 'accepted' : 'not accepted'}; Apps counted as reviewers: ${rules.independentBots.join(' ') || 'none'}`,
    };
  }
  if (event.type === EVENTS.commit) {
    const commit = event.data as DirectCommitData;
    return {
      occurredAt: commit.committedAt,
      kind: 'direct-push',
      repository: commit.repository,
      change: commit.sha,
      title: commit.headline,
      author: commit.author ?? '',
      mergedBy: commit.committer ?? '',
      independentApproval: 'no: pushed without a pull request',
      headSha: commit.sha,
    };
  }
  return undefined;
}

const short = (sha: string | null) => (sha ? sha.slice(0, 7) : 'unknown commit');

function requiredCell(pr: PullRequestData): string {
  if (pr.requiredApprovals === undefined) return 'unknown (read before event schema 2)';
  if (pr.requiredApprovals === null) return 'unknown (the branch protection was not read)';
  if (pr.requiredApprovals === 0) return '0 (no pull request review required)';
  return `${pr.requiredApprovals} (${(pr.requiredApprovalsFrom ?? []).join(', ')})`;
}

function authorsCell(pr: PullRequestData): string {
  if (!pr.commitAuthors) return 'unknown (read before event schema 2)';
  const names = pr.commitAuthors.map((a) => `${a.login ?? `"${a.name ?? ''}" (no account)`}${a.coAuthor ? ' (co-author)' : ''}`);
  return `${names.join(' ')}${pr.commitsTruncated ? ' (incomplete)' : ''}`;
}

function reviewCell(pr: PullRequestData, review: ReviewRecord): string {
  const after = review.submittedAt !== null && Date.parse(review.submittedAt) > Date.parse(pr.mergedAt) ? ' (after merge)' : '';
  const type = review.authorType ? ` [${review.authorType}]` : '';
  return `${review.author ?? '(deleted account)'}${type} ${review.state} at ${review.submittedAt ?? 'unsubmitted'} on ${short(review.commit)}${after}`;
}

function reviewerCell(verdict: ReviewerVerdict): string {
  const who = verdict.reviewer ?? '(deleted account)';
  const stance =
    verdict.state === null
      ? verdict.approvedAfterMerge
        ? `no review before the merge (approved after it at ${verdict.approvedAfterMerge})`
        : 'only commented'
      : `${verdict.state} at ${verdict.submittedAt} on ${short(verdict.commit)}${verdict.commitsAfter === null ? '' : `, ${verdict.commitsAfter} commit(s) after it`}`;
  return `${who}: ${stance}: ${verdict.counts ? 'counts' : `not counted${verdict.reason ? ` (${verdict.reason})` : ''}`}`;
}
