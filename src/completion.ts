// `evidence-agent completion bash|zsh|fish`: a completion script made from the command line's own
// definition (commander's commands and options), so a new command or flag completes without anyone
// editing a script. Commands and flags complete; values complete where they are a fixed choice
// (--format md|html|json) or a file.
import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Flag {
  long: string;
  short?: string;
  description: string;
  /** The flag takes a value. */
  value: boolean;
  choices?: readonly string[];
  file: boolean;
}

interface CommandSpec {
  name: string;
  description: string;
  flags: Flag[];
  /** Values of its first argument (completion's shells). */
  arguments?: readonly string[];
}

const FILE_FLAGS = new Set(['--config', '--db', '--out', '--file', '--signing-key', '--public-key']);

function flagOf(option: Option): Flag {
  return {
    long: option.long ?? '',
    ...(option.short ? { short: option.short } : {}),
    description: option.description.split(/[:;(]/)[0]!.trim(),
    value: option.required || option.optional,
    ...(option.argChoices ? { choices: option.argChoices } : {}),
    file: FILE_FLAGS.has(option.long ?? ''),
  };
}

function specOf(program: Command): { globals: Flag[]; commands: CommandSpec[] } {
  const help: Flag = { long: '--help', short: '-h', description: 'show help', value: false, file: false };
  return {
    globals: [...program.options.map(flagOf), help],
    commands: program.commands.map((command) => ({
      name: command.name(),
      description: command.description().split(/[:;(]/)[0]!.trim(),
      flags: command.options.map(flagOf),
      ...(command.name() === 'completion' ? { arguments: SHELLS } : {}),
    })),
  };
}

const words = (flags: readonly Flag[]) => flags.flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]);

function bash(program: Command): string {
  const { globals, commands } = specOf(program);
  const all = [...globals, ...commands.flatMap((c) => c.flags)];
  const valued = [...new Set(words(all.filter((f) => f.value)))].join('|');
  const files = [...new Set(words(all.filter((f) => f.file)))].join('|');
  const choices = [...new Map(all.filter((f) => f.choices).map((f) => [f.long, f.choices!.join(' ')]))];
  const name = program.name();
  return `# ${name} completion for bash: source <(${name} completion bash), or save it in /etc/bash_completion.d/${name}
_${name.replace(/-/g, '_')}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" command="" i
  # The command is the first word that is neither a flag nor a flag's value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${valued}) ((i++)) ;;
      -*) ;;
      *) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
${choices.map(([flag, values]) => `    ${flag}) COMPREPLY=($(compgen -W "${values}" -- "$cur")); return ;;`).join('\n')}
    ${files}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${valued}) COMPREPLY=(); return ;;
  esac
  local globals="${words(globals).join(' ')}"
  case "$command" in
    "") COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} $globals" -- "$cur")) ;;
${commands.map((c) => `    ${c.name}) COMPREPLY=($(compgen -W "${[...words(c.flags), ...(c.arguments ?? [])].join(' ')} $globals" -- "$cur")) ;;`).join('\n')}
  esac
}
complete -o default -F _${name.replace(/-/g, '_')} ${name}
`;
}

/** A description inside an _arguments spec: no brackets, colons or single quotes. */
const zshText = (text: string) => text.replace(/[[\]]/g, '').replace(/:/g, ' -').replace(/'/g, '');

function zshFlag(flag: Flag): string {
  const names = flag.short ? `{${flag.short},${flag.long}}` : flag.long;
  const exclusive = flag.short ? `'(${flag.short} ${flag.long})'` : '';
  const action = !flag.value ? '' : flag.choices ? `:value:(${flag.choices.join(' ')})` : flag.file ? ':file:_files' : ':value: ';
  return `${exclusive}${names}'[${zshText(flag.description)}]${action}'`;
}

function zsh(program: Command): string {
  const { globals, commands } = specOf(program);
  const name = program.name();
  const fn = `_${name.replace(/-/g, '_')}`;
  return `#compdef ${name}
# ${name} completion for zsh: save as _${name} in a directory of $fpath, or: source <(${name} completion zsh)
${fn}() {
  local curcontext="$curcontext" state line
  local -a commands
  commands=(
${commands.map((c) => `    '${c.name}:${zshText(c.description)}'`).join('\n')}
  )
  _arguments -C \\
${globals.map((f) => `    ${zshFlag(f)} \\`).join('\n')}
    '1:command:->command' \\
    '*::argument:->argument'
  case $state in
    command) _describe 'command' commands ;;
    argument)
      case $line[1] in
${commands.map((c) => `        ${c.name}) _arguments ${[...c.flags.map(zshFlag), ...(c.arguments ? [`'1:shell:(${c.arguments.join(' ')})'`] : [])].join(' ')} ;;`).join('\n')}
      esac
      ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then ${fn} "$@"; else compdef ${fn} ${name}; fi
`;
}

const fishText = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fishFlag(flag: Flag, condition: string | null, name: string): string {
  const parts = [`complete -c ${name}`];
  if (condition) parts.push(`-n ${fishText(condition)}`);
  parts.push(`-l ${flag.long.slice(2)}`);
  if (flag.short) parts.push(`-s ${flag.short.slice(1)}`);
  if (flag.value) parts.push(flag.file ? '-r -F' : flag.choices ? `-r -f -a ${fishText(flag.choices.join(' '))}` : '-r -f');
  parts.push(`-d ${fishText(flag.description)}`);
  return parts.join(' ');
}

function fish(program: Command): string {
  const { globals, commands } = specOf(program);
  const name = program.name();
  const names = commands.map((c) => c.name).join(' ');
  return [
    `# ${name} completion for fish: ${name} completion fish > ~/.config/fish/completions/${name}.fish`,
    `complete -c ${name} -f`,
    ...commands.map((c) => `complete -c ${name} -n ${fishText(`not __fish_seen_subcommand_from ${names}`)} -a ${c.name} -d ${fishText(c.description)}`),
    ...globals.map((f) => fishFlag(f, null, name)),
    ...commands.flatMap((c) => [
      ...c.flags.map((f) => fishFlag(f, `__fish_seen_subcommand_from ${c.name}`, name)),
      ...(c.arguments ? [`complete -c ${name} -n ${fishText(`__fish_seen_subcommand_from ${c.name}`)} -a ${fishText(c.arguments.join(' '))}`] : []),
    ]),
    '',
  ].join('\n');
}

export function completionScript(shell: Shell, program: Command): string {
  return shell === 'bash' ? bash(program) : shell === 'zsh' ? zsh(program) : fish(program);
}
