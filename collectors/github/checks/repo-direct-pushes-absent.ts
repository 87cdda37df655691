// No commit reached a default branch without a pull request: each one pushed directly, read from the
// branch history since the last read, is a failing finding.
import type { CheckDefinition } from '../../../src/collector.js';
import type { DirectCommitData } from '../change-data.js';
import { EVENTS, EVIDENCE } from '../schema.js';
import type { GitHubOptions } from '../schema.js';
import { judgeEvents } from './merged-changes.js';

export const repoDirectPushesAbsent: CheckDefinition<GitHubOptions> = {
  id: 'github_repo_direct_pushes_absent',
  title: 'No commit reached a default branch without a pull request',
  severity: 'high',
  description:
    'A commit on a default branch that no merged pull request into that branch contains was pushed directly, ' +
    'bypassing review. Read from the history of default branches pushed to since the last read.',
  remediation: 'Protect the branch against direct pushes; review the commit after the fact and record the review.',
  resourceTypes: [EVENTS.commit, EVIDENCE.changes],
  judgesEvents: true,
  evaluate(view) {
    return judgeEvents<DirectCommitData>(
      view,
      EVENTS.commit,
      (commit) => ({
        status: 'fail',
        message: `${commit.repository}@${commit.sha.slice(0, 7)} "${commit.headline}" by ${commit.author ?? 'unknown'} reached ${commit.branch} at ${commit.committedAt} without a pull request.`,
      }),
      (org) => `Every commit on the default branches of ${org} in the span read came through a merged pull request.`,
    );
  },
};
