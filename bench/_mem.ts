import { periodExport } from './scenarios.js';
const peaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0 };
const t = setInterval(() => { const m = process.memoryUsage(); for (const k of Object.keys(peaks) as (keyof typeof peaks)[]) peaks[k] = Math.max(peaks[k], m[k]); }, 10);
const r = await periodExport(process.argv[2]!, process.argv[3]!, process.argv[4]!);
clearInterval(t);
console.log(JSON.stringify(r), Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 2 ** 20)])));
