// Globs in the config (exception resources, repository names, deploy-key and admin allow-lists): `*`
// matches any run of characters, everything else matches itself.
//
// Matched without backtracking, because the names are attacker-shaped (whoever can create a role picks
// its ARN): a compiled regular expression `^.*-.*-.*-.*-.*-x$` took 16.5 s for a 231-character ARN and
// blocked the event loop. Here the literal parts between stars are found left to right, each at its
// first occurrence after the previous one: taking the earliest place is never worse for the parts still
// to come, so no choice is ever revisited, and the work is one pass over the text per glob.

export interface GlobOptions {
  /** Compare lower-cased (GitHub names are case-insensitive); off by default (ARNs are not). */
  caseInsensitive?: boolean;
}

/** Does `text` match `glob` as a whole? */
export function globMatch(glob: string, text: string, options: GlobOptions = {}): boolean {
  return globMatcher(glob, options)(text);
}

/** The glob compiled once (split at its stars), for matching many names. */
export function globMatcher(glob: string, options: GlobOptions = {}): (text: string) => boolean {
  const fold = options.caseInsensitive ? (s: string) => s.toLowerCase() : (s: string) => s;
  const parts = fold(glob).split('*');
  return (text) => matchParts(parts, fold(text));
}

function matchParts(parts: readonly string[], text: string): boolean {
  const first = parts[0]!;
  if (parts.length === 1) return text === first;
  const last = parts[parts.length - 1]!;
  // The first part is anchored at the start and the last at the end; they may not overlap.
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let position = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (part === '') continue;
    const found = text.indexOf(part, position);
    if (found === -1 || found + part.length > end) return false;
    position = found + part.length;
  }
  return true;
}
