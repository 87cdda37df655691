// The command line's printers: every one goes through terminal-text.ts, so text from the APIs (titles,
// names, errors) never sends a control character to the terminal.
import { documentForStdout, terminalLine, terminalText } from '../terminal-text.js';

/** A JSON document: exact into a file or a pipe, its control characters shown on a terminal (still the same JSON). */
export function printJson(value: unknown): void {
  process.stdout.write(documentForStdout(`${JSON.stringify(value, null, 2)}\n`));
}

/** A CSV (or other) document: exact into a file or a pipe, its control characters shown on a terminal. */
export function printDocument(text: string): void {
  process.stdout.write(documentForStdout(text));
}

export function print(text: string): void {
  process.stdout.write(`${terminalText(text)}\n`);
}

/** One line on stderr, `evidence-agent: <line>`. */
export function printError(line: string): void {
  process.stderr.write(`evidence-agent: ${terminalLine(line)}\n`);
}

/** Stale or missing snapshots: above the table in text, on stderr with --json (stdout stays pure JSON). */
export function printWarnings(warnings: readonly string[], json: boolean | undefined): void {
  for (const warning of warnings) {
    if (json) printError(`warning: ${warning}`);
    else print(`warning: ${terminalLine(warning)}`);
  }
  if (warnings.length > 0 && !json) print('');
}
