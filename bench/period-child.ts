// One phase of the period scenario, in a process of its own so that what it measures is that phase's
// alone, as when an operator runs `coverage`: build | coverage. Prints its result as JSON. (The export
// is measured through the built CLI: bench/run.ts.)
import { buildPeriodStore, periodCoverageSeconds } from './scenarios.js';

const [phase, path, ...rest] = process.argv.slice(2);
if (!path) throw new Error('usage: period-child.ts build|coverage <store> ...');
if (phase === 'build') {
  const [resources, days] = rest.map(Number) as [number, number];
  process.stdout.write(JSON.stringify(await buildPeriodStore(path, resources, days)));
} else if (phase === 'coverage') {
  process.stdout.write(JSON.stringify({ seconds: await periodCoverageSeconds(path, rest[0]!, rest[1]!) }));
} else {
  throw new Error(`unknown phase ${phase}`);
}
