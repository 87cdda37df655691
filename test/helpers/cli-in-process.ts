// Runs a CLI command, or a command function, in this process (fast: no Node start, no TypeScript load),
// with its stdout and stderr captured and its exit code returned, as `evidence-agent <args>` would give them.
import { vi } from 'vitest';
import { main } from '../../src/cli-program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cliInProcess(args: string[]): Promise<CliResult> {
  return captured(() => main(['node', 'evidence-agent', ...args]));
}

/** For tests that chain several command functions over one store. */
export async function captured(command: () => Promise<number>): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    return { code: await command(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
