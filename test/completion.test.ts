// `evidence-agent completion bash|zsh|fish`: scripts made from the command line's own definition. The
// bash script is run by bash and asked what it completes; the zsh and fish scripts are checked by their
// shells (when installed: CI installs both).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from './helpers/cli-in-process.js';

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
let dir: string;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ea-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const result = await cliInProcess(['completion', shell]);
    expect(result.code).toBe(0);
    scripts[shell] = result.stdout;
    writeFileSync(join(dir, shell), result.stdout);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash offers for the words typed so far (the last one being completed). */
function bashCompletes(...typed: string[]): string[] {
  const words = ['evidence-agent', ...typed].map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    ['-c', `source ${join(dir, 'bash')}; COMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _evidence_agent; printf '%s\\n' "\${COMPREPLY[@]}"`],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('shell completion', () => {
  it('bash completes commands, the flags of a command, choices, and skips flag values to find the command', () => {
    expect(bashCompletes('')).toEqual(expect.arrayContaining(['collect', 'doctor', 'digest', 'completion', '--config']));
    expect(bashCompletes('do')).toEqual(['doctor']);
    expect(bashCompletes('doctor', '--')).toEqual(expect.arrayContaining(['--send-test', '--json', '--config']));
    expect(bashCompletes('digest', '--format', '')).toEqual(['md', 'html', 'json']);
    expect(bashCompletes('findings', '--status', 'f')).toEqual(['fail']);
    expect(bashCompletes('--config', 'agent.yaml', 'export', '--s')).toEqual(['--signing-key', '--sample', '--seed']);
    expect(bashCompletes('completion', 'z')).toEqual(['zsh']);
  });

  it('covers every command and flag of the program', async () => {
    const help = (await cliInProcess(['--help'])).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) for (const shell of ['bash', 'zsh', 'fish']) expect(scripts[shell], `${shell}: ${command}`).toContain(command);
    expect(scripts['fish']).toContain("complete -c evidence-agent -n '__fish_seen_subcommand_from digest' -l format -r -f -a 'md html json'");
  });

  it.skipIf(!has('zsh'))('zsh reads its script', () => {
    const result = spawnSync('zsh', ['-n', join(dir, 'zsh')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // Loaded for real: compinit, then the function is registered for the command.
    const loaded = spawnSync(
      'zsh',
      ['-f', '-c', `autoload -U compinit && compinit -u -D && source ${join(dir, 'zsh')} && print -r -- $_comps[evidence-agent]`],
      { encoding: 'utf8' },
    );
    expect(loaded.stdout.trim()).toBe('_evidence_agent');
  });

  it.skipIf(!has('fish'))('fish loads its script and completes from it', () => {
    const result = spawnSync('fish', ['--no-config', '-c', `source ${join(dir, 'fish')}; complete -C 'evidence-agent doctor --'`], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^--send-test\t/m);
    expect(result.stdout).toMatch(/^--json\t/m);
  });

  it('refuses an unknown shell (exit 2)', async () => {
    const result = await cliInProcess(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: command-argument value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});
