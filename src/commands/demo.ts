// `evidence-agent demo`: replays N simulated days of the sandbox AWS account and GitHub organization
// through the real collectors, the real AWS SDK and Octokit over real HTTP, into a store marked as a
// demo store (src/demo/run.ts).
import { openAgent } from '../agent.js';
import type { GlobalOptions } from '../agent.js';
import { runDemo } from '../demo/run.js';
import { parseAsOf, parseIntegerOption } from './options.js';
import { print, printJson } from './print.js';

export interface DemoOptions extends GlobalOptions {
  days?: string;
  json?: boolean;
  /** The instant the simulated history ends at (default: the real clock): reproducible demos and tests. */
  now?: string;
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  const days = options.days ? parseIntegerOption('--days', options.days, 1, 366) : 30;
  const now = options.now === undefined ? new Date() : parseAsOf('--now', options.now);
  const agent = await openAgent(options, 'demo');
  // With --json the same facts are one JSON document at the end instead of the lines.
  return runDemo(agent, {
    days,
    now,
    quiet: options.quiet === true,
    say: options.json ? () => undefined : print,
    ...(options.json ? { summarize: printJson } : {}),
  });
}
