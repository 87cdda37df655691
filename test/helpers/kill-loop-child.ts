// Child process for the kill loop: starts as the agent does after a restart (records the runs a dead
// process left behind as aborted, then catches up the days it missed), collecting one simulated day
// after another until `lastDay`. It prints the phase it is in, so the parent knows where each SIGKILL
// landed.
import { openStore } from '../../src/store/index.js';
import type { EvidenceStore } from '../../src/store/types.js';
import { collectSyntheticDay, dayStart, nextDayToCollect } from './synthetic-estate.js';

const [dbPath, lastDayArg, resourcesArg, startArg] = process.argv.slice(2);
if (!dbPath || !lastDayArg || !resourcesArg || !startArg) throw new Error('usage: kill-loop-child <db> <last day> <resources> <start>');
const lastDay = Number(lastDayArg);
const resources = Number(resourcesArg);
const say = (line: string) => process.stdout.write(`${line}\n`);

/** The store with the commit announced, so the parent can tell a kill inside the transaction. */
function announcingCommits(store: EvidenceStore): EvidenceStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'finishRun') {
        return async (...args: Parameters<EvidenceStore['finishRun']>) => {
          say('phase committing');
          const record = await target.finishRun(...args);
          say(`phase committed ${record.seq} ${record.status}`);
          return record;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

say('phase opening');
const store = announcingCommits(openStore(dbPath));
let day = await nextDayToCollect(store);
say('phase recovering');
// The n-th start of the agent happens n minutes into the day it resumes: after the run it finds cut short.
const offsetMs = Number(startArg) * 60_000;
const recovered = await store.recoverAbandonedRuns(new Date(dayStart(day).getTime() + offsetMs));
say(`recovered ${recovered.length} ${recovered.map((r) => r.id).join(',')}`);
say('ready');
for (; day <= lastDay; day++) {
  say(`phase collecting ${day}`);
  const { unrecorded } = await collectSyntheticDay(store, day, resources, offsetMs + 1000);
  if (unrecorded.length > 0) throw new Error(`not recorded: ${unrecorded.join('; ')}`);
}
say('phase closing');
await store.close();
say('done');
