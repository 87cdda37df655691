// The change population: every change that reached a default branch in the period, one row each:
// each merged pull request (with who approved it and whether that approval was independent and on the
// merged commit) and each commit pushed without one. Auditors sample from it and trace each change to
// its approval. Derived from the stored events when asked.
import type { EventItem, PopulationDefinition } from '../../src/collector.js';
import type { DirectCommitData, PullRequestData } from './change-reads.js';
import { independentApproval } from './checks/changes.js';
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
  { name: 'approvedBy', description: 'Everyone who approved the final commit, author excluded.' },
  { name: 'independentApproval', description: '"yes", or "no: <why>" (self-approval, approval on an earlier commit, none).' },
  { name: 'protectionBypassed', description: '"yes" when merged without the approval the branch requires (admin or bypass-list merge), "no", or "unknown".' },
  { name: 'checks', description: 'Results of the checks on the last commit: "name=result; …" (empty when none ran).' },
  { name: 'headSha', description: 'The commit merged (pull request head), or the pushed commit.' },
  { name: 'mergeCommitSha', description: 'The commit the merge created on the default branch.' },
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
    'keeping pull requests whose base is the repository default branch, each with its reviews (state, reviewer, time, commit) and ' +
    'the checks of its last commit; and for each repository pushed to in the span, the default-branch commit history with the ' +
    'pull requests of each commit (a commit in no merged pull request is a direct push). Each change is stored once by id.',
  rowOf: changeRow,
};

export function changeRow(event: EventItem): Record<string, string> | undefined {
  if (event.type === EVENTS.pullRequest) {
    const pr = event.data as PullRequestData;
    const verdict = independentApproval(pr);
    const approvers = [...new Set(pr.reviews.filter((r) => r.state === 'APPROVED' && r.commit === pr.headSha && r.author && r.author !== pr.author).map((r) => r.author!))];
    return {
      occurredAt: pr.mergedAt,
      kind: 'pull-request',
      repository: pr.repository,
      change: `#${pr.number}`,
      title: pr.title,
      url: pr.url,
      author: pr.author ?? '',
      mergedBy: pr.mergedBy ?? '',
      approvedBy: approvers.sort().join(' '),
      independentApproval: verdict.approved ? 'yes' : `no: ${verdict.why}`,
      protectionBypassed: pr.protectionBypassed === null ? 'unknown' : pr.protectionBypassed ? 'yes' : 'no',
      checks: pr.checks.contexts.map((c) => `${c.name}=${c.result}`).join('; '),
      headSha: pr.headSha,
      mergeCommitSha: pr.mergeCommitSha ?? '',
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
