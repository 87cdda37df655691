// Text for a terminal. Titles, user names, messages and errors come from the APIs, where anyone in the
// org or the account writes them: an escape sequence in a pull-request title (`ESC[2K ESC[1A`) would
// erase the "fail" line above it on screen, a carriage return overwrite it, a bidi override reverse it.
// Every human printer passes its text through here: such characters are shown as escapes (`\u001b`),
// never sent. The forms are also JSON's, so a JSON document shown on a terminal stays the same JSON.

// C0 controls but tab and newline (and a carriage return that ends a line: CSV's CRLF), DEL, C1 controls (U+009B is a CSI on some terminals), the bidi
// embeddings, overrides, isolates and marks (Trojan Source), and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** In one line (a table cell, an error line), a newline or a tab could forge a line or a column too. */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function visibleEscape(char: string): string {
  return SHORT[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Lines of text for a terminal: newlines and tabs kept, every other control character shown as an escape. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, visibleEscape);
}

/** One line for a terminal (a table cell, an error line): newlines and tabs shown as escapes too. */
export function terminalLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, visibleEscape);
}

/**
 * A document (CSV, JSON) goes out exactly as made when stdout is a file or a pipe, and made safe to
 * look at when it is a terminal.
 */
export function documentForStdout(text: string, stream: { isTTY?: boolean } = process.stdout): string {
  return stream.isTTY ? terminalText(text) : text;
}
