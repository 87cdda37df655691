// The demo's days replayed: per simulated day, the sandbox set to that day and every demo collector run
// through the real AWS SDK and Octokit over real HTTP, on a clock that starts at the day's collection.
import type { Logger } from '../logging.js';
import type { Framework } from '../mapping/load.js';
import { startProgress } from '../progress.js';
import { runCollectors } from '../runner.js';
import type { ConfiguredCollector } from '../runner.js';
import { DEMO_CONFIG_DIGEST } from '../store/index.js';
import type { EvidenceStore, RunRecord } from '../store/types.js';
import type { Sandbox } from '../../sandbox/index.js';
import { agentVersion } from '../version.js';

export interface Replay {
  store: EvidenceStore;
  sandbox: Sandbox;
  collectors: readonly ConfiguredCollector[];
  logger: Logger;
  mappingVersion: string;
  frameworks: Framework[];
  /** No progress bar (it is drawn on a terminal only). */
  quiet: boolean;
}

export async function replayDays(schedule: readonly Date[], replay: Replay): Promise<RunRecord[]> {
  const { store, sandbox, collectors, logger, mappingVersion, frameworks } = replay;
  const runs: RunRecord[] = [];
  const progress = startProgress('demo', schedule.length, 'days', { quiet: replay.quiet });
  try {
    for (const [index, day] of schedule.entries()) {
      progress.update(index, day.toISOString().slice(0, 10));
      sandbox.setDate(day);
      const started = Date.now();
      // The simulated clock advances with real time, so each run's finish follows its start.
      const clock = () => new Date(day.getTime() + (Date.now() - started));
      const batch = await runCollectors(collectors, {
        store,
        logger,
        agentVersion: agentVersion(),
        mappingVersion,
        configDigest: DEMO_CONFIG_DIGEST,
        now: clock,
        mappings: frameworks,
        clientEnvironment: {
          aws: {
            endpoint: sandbox.endpoint,
            credentials: { accessKeyId: 'DEMOACCESSKEYEXAMPLE', secretAccessKey: 'demo-secret-not-a-real-key' },
            maxAttempts: 2,
            unlimitedRate: true,
          },
          github: { baseUrl: sandbox.githubBaseUrl, unlimitedRate: true, retryAfterBaseMs: 1 },
        },
      });
      runs.push(...batch.runs);
      // The demo's own store failing is not a demo: stop with the reason.
      if (batch.unrecorded.length > 0) throw new Error(`run not recorded: ${batch.unrecorded[0]}`);
    }
    return runs;
  } finally {
    progress.stop();
  }
}
