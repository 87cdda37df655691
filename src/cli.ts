#!/usr/bin/env node
// The command line's entry point: runs the command (src/cli-program.ts) and exits with its code.
import { main } from './cli-program.js';

// `evidence-agent findings | head`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
// A command is done when main returns: should a handle leak (a socket, a timer), exit anyway rather
// than hang a cron job. Unref'd, so a normal exit (with stdout drained) is not delayed.
setTimeout(() => process.exit(), 2000).unref();
