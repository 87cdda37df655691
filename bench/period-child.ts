// Runs the period scenario in a process of its own, so the peak RSS measured is the export's, not what
// earlier scenarios (sandbox estates, other stores) left in the bench process. Prints the rows as JSON.
import { periodReports, FULL, QUICK } from './scenarios.js';
import type { Sizes } from './scenarios.js';

const [mode, days] = [process.argv[2] ?? 'quick', Number(process.argv[3] ?? '30')];
const sizes: Sizes = mode === 'full' ? FULL : mode === 'smoke' ? { ...QUICK, storageResources: 200 } : QUICK;
process.stdout.write(JSON.stringify(await periodReports(sizes, days)));
