// The CLI as a process of its own (`node --import tsx src/cli.ts …`), for tests of what only a real
// process shows: exit codes, stdout and stderr as written, environments of its own.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = process.cwd();
// tsx by absolute URL: some tests run the CLI from a temporary working directory.
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface CliProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Node's arguments that run the CLI with `args`, for spawn and spawnSync alike. */
export function cliArgv(args: readonly string[]): string[] {
  return ['--import', TSX_LOADER, join(ROOT, 'src/cli.ts'), ...args];
}

/** Runs the CLI to its end, with exactly the environment given. */
export function spawnCli(args: readonly string[], options: { cwd?: string; env: NodeJS.ProcessEnv; uid?: number; gid?: number }): Promise<CliProcessResult> {
  return new Promise((resolve, reject) => {
    const user = options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid };
    const child = spawn(process.execPath, cliArgv(args), { cwd: options.cwd ?? ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
