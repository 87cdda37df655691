// The sandbox in a process of its own, for the daemon's simulated year: what the measured process keeps
// is then the agent's alone, not the sandbox's caches of a year of simulated days. Driven over the IPC
// channel: it sends { endpoint, githubBaseUrl } once started, and answers each { date } once set.
import { startSandbox } from '../sandbox/index.js';
import type { SandboxOptions } from '../sandbox/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions & { historyEnd?: string; date?: string };
const sandbox = await startSandbox({
  ...options,
  ...(options.historyEnd ? { historyEnd: new Date(options.historyEnd) } : {}),
  ...(options.date ? { date: new Date(options.date) } : {}),
});
process.on('message', (message: { date?: string; close?: boolean }) => {
  if (message.date) {
    sandbox.setDate(new Date(message.date));
    process.send?.({ date: message.date });
  }
  if (message.close) void sandbox.close().then(() => process.exit(0));
});
process.send?.({ endpoint: sandbox.endpoint, githubBaseUrl: sandbox.githubBaseUrl });
