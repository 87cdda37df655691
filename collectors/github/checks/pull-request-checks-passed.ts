// Each pull request merged into a default branch passed its checks on its last commit: the required ones
// when known, else every check that ran. One finding per change.
import type { CheckDefinition } from '../../../src/collector.js';
import type { PullRequestData } from '../change-data.js';
import { EVENTS, EVIDENCE } from '../schema.js';
import type { GitHubOptions } from '../schema.js';
import { judgeEvents, prLabel } from './merged-changes.js';

/** Check results that count as green; anything else (failure, pending, missing) does not. */
const GREEN = new Set(['success', 'neutral', 'skipped']);

export const pullRequestChecksPassed: CheckDefinition<GitHubOptions> = {
  id: 'github_pull_request_checks_passed',
  title: 'Each merged change passed its checks',
  severity: 'medium',
  description:
    'For every pull request merged into a default branch: the checks on its last commit were green. The checks the ' +
    'default branch requires are judged when known, else every check that ran; no check at all fails when ' +
    'changes.requireChecks is on.',
  remediation: 'Require status checks before merging; for this change, record why it merged with failing or missing checks.',
  resourceTypes: [EVENTS.pullRequest, EVIDENCE.changes],
  judgesEvents: true,
  evaluate(view, options) {
    return judgeEvents<PullRequestData>(
      view,
      EVENTS.pullRequest,
      (pr) => {
        const contexts = pr.checks.contexts;
        const required = pr.requiredChecks && pr.requiredChecks.length > 0 ? pr.requiredChecks : null;
        const judged = required ? required.map((name) => contexts.find((c) => c.name === name) ?? { name, result: 'missing' }) : contexts;
        if (judged.length === 0) {
          return options.changes.requireChecks ? { status: 'fail', message: `${prLabel(pr)}: no check ran on its last commit.` } : undefined;
        }
        const red = judged.filter((c) => !GREEN.has(c.result));
        const scope = required ? 'required checks' : 'checks';
        return red.length > 0
          ? { status: 'fail', message: `${prLabel(pr)}: ${scope} not green: ${red.map((c) => `${c.name} (${c.result})`).join(', ')}.` }
          : { status: 'pass', message: `${prLabel(pr)}: ${scope} green: ${judged.map((c) => c.name).join(', ')}.` };
      },
      (org) => `No pull request merged into a default branch of ${org} in the span read had failing checks.`,
    );
  },
};
