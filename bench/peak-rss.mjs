// Preloaded into a measured process (`node --import ./bench/peak-rss.mjs …`): at exit, writes the
// process's peak resident set (getrusage's ru_maxrss, the kernel's own high-water mark, not a sample)
// in bytes to the file named by PEAK_RSS_FILE.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
