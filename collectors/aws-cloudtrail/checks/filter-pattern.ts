// CloudWatch Logs metric filter patterns for JSON log events (`{ $.eventName = "StopLogging" || ... }`),
// parsed and evaluated against a CloudTrail record, so a check can tell what a filter matches without
// comparing its text: whitespace, quoting, the order of terms and redundant parentheses do not matter.
//
// Read: comparisons of a selector (`$.a.b`, `$.list[0]`) with `=` / `!=` (strings, `*` wildcards
// anywhere) and `<` `<=` `>` `>=` (numbers), `IS TRUE`, `IS FALSE`, `IS NULL`, `EXISTS`, `NOT EXISTS`,
// joined by `&&` and `||` (`&&` binds tighter) and grouped with parentheses. Not read (a pattern using
// them is "not understood", never guessed at): term and space-delimited patterns, regular expressions
// (`%...%`), and anything else. A comparison with a field the record does not have is false, whatever
// the operator: a filter is read as matching less than it might, never more.

export type Pattern =
  | { kind: 'or' | 'and'; items: Pattern[] }
  | { kind: 'compare'; selector: string[]; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: string }
  | { kind: 'test'; selector: string[]; test: 'true' | 'false' | 'null' | 'exists' | 'not-exists' };

export class PatternNotUnderstood extends Error {
  override name = 'PatternNotUnderstood';
}

/** Patterns longer than this are not read: CloudWatch Logs caps a filter pattern at 1,024 characters. */
const MAX_PATTERN_LENGTH = 1024;

type Token = { type: 'punct'; text: string } | { type: 'selector'; path: string[] } | { type: 'string'; text: string } | { type: 'word'; text: string };

export function parseFilterPattern(text: string): Pattern {
  if (text.length > MAX_PATTERN_LENGTH) throw new PatternNotUnderstood(`longer than ${MAX_PATTERN_LENGTH} characters`);
  const tokens = tokenize(text.trim());
  const first = tokens[0];
  const last = tokens.at(-1);
  if (!first || first.type !== 'punct' || first.text !== '{' || !last || last.type !== 'punct' || last.text !== '}') {
    throw new PatternNotUnderstood('not a JSON pattern ({ ... })');
  }
  const parser = new Parser(tokens.slice(1, -1));
  const pattern = parser.expression();
  parser.end();
  return pattern;
}

/** Whether the pattern matches the record (a parsed CloudTrail event). */
export function matchesRecord(pattern: Pattern, record: unknown): boolean {
  switch (pattern.kind) {
    case 'or':
      return pattern.items.some((item) => matchesRecord(item, record));
    case 'and':
      return pattern.items.every((item) => matchesRecord(item, record));
    case 'test': {
      const found = select(record, pattern.selector);
      if (pattern.test === 'exists') return found.present;
      if (pattern.test === 'not-exists') return !found.present;
      if (!found.present) return false;
      if (pattern.test === 'null') return found.value === null;
      return found.value === (pattern.test === 'true');
    }
    case 'compare': {
      const found = select(record, pattern.selector);
      if (!found.present || found.value === null || typeof found.value === 'object') return false;
      if (pattern.op === '=' || pattern.op === '!=') {
        const equal = wildcardEquals(pattern.value, String(found.value));
        return pattern.op === '=' ? equal : !equal;
      }
      const left = typeof found.value === 'number' ? found.value : Number.NaN;
      const right = Number(pattern.value);
      if (Number.isNaN(left) || Number.isNaN(right)) return false;
      return pattern.op === '<' ? left < right : pattern.op === '<=' ? left <= right : pattern.op === '>' ? left > right : left >= right;
    }
  }
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  expression(): Pattern {
    const items = [this.conjunction()];
    while (this.takePunct('||')) items.push(this.conjunction());
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  end(): void {
    if (this.position < this.tokens.length) throw new PatternNotUnderstood(`unexpected ${describe(this.tokens[this.position]!)}`);
  }

  private conjunction(): Pattern {
    const items = [this.unit()];
    while (this.takePunct('&&')) items.push(this.unit());
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private unit(): Pattern {
    if (this.takePunct('(')) {
      const inner = this.expression();
      if (!this.takePunct(')')) throw new PatternNotUnderstood('a parenthesis is not closed');
      return inner;
    }
    const token = this.next();
    if (token?.type !== 'selector') throw new PatternNotUnderstood(`expected a selector ($.field), found ${token ? describe(token) : 'the end'}`);
    const selector = token.path;
    const operator = this.next();
    if (operator?.type === 'punct' && ['=', '!=', '<', '<=', '>', '>='].includes(operator.text)) {
      const value = this.next();
      if (value?.type !== 'string' && value?.type !== 'word') throw new PatternNotUnderstood(`${operator.text} is not followed by a value`);
      if (value.type === 'word' && /^%.*%$/.test(value.text)) throw new PatternNotUnderstood('regular expressions (%...%) are not read');
      return { kind: 'compare', selector, op: operator.text as '=', value: value.text };
    }
    if (operator?.type === 'word') {
      const keyword = operator.text.toUpperCase();
      if (keyword === 'EXISTS') return { kind: 'test', selector, test: 'exists' };
      const second = this.next();
      const word = second?.type === 'word' ? second.text.toUpperCase() : '';
      if (keyword === 'NOT' && word === 'EXISTS') return { kind: 'test', selector, test: 'not-exists' };
      if (keyword === 'IS' && (word === 'TRUE' || word === 'FALSE' || word === 'NULL')) {
        return { kind: 'test', selector, test: word.toLowerCase() as 'true' };
      }
    }
    throw new PatternNotUnderstood(`no operator after $.${selector.join('.')}`);
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }

  private takePunct(text: string): boolean {
    const token = this.tokens[this.position];
    if (token?.type === 'punct' && token.text === text) {
      this.position += 1;
      return true;
    }
    return false;
  }
}

const PUNCTUATION = ['&&', '||', '!=', '<=', '>=', '{', '}', '(', ')', '=', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (punct) {
      tokens.push({ type: 'punct', text: punct });
      i += punct.length;
    } else if (char === '"') {
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        value += text[i];
        i += 1;
      }
      if (i >= text.length) throw new PatternNotUnderstood('a quoted value is not closed');
      i += 1;
      tokens.push({ type: 'string', text: value });
    } else if (char === '$') {
      const match = /^\$((?:\.[A-Za-z0-9_@:-]+|\[\d+\])+)/.exec(text.slice(i));
      if (!match) throw new PatternNotUnderstood(`a selector at ${i + 1} is not $.field`);
      const path = [...match[1]!.matchAll(/\.([A-Za-z0-9_@:-]+)|\[(\d+)\]/g)].map((m) => m[1] ?? m[2]!);
      tokens.push({ type: 'selector', path });
      i += match[0].length;
    } else {
      const match = /^[^\s(){}&|=!<>"]+/.exec(text.slice(i));
      if (!match) throw new PatternNotUnderstood(`unexpected ${JSON.stringify(char)} at ${i + 1}`);
      tokens.push({ type: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

function describe(token: Token): string {
  if (token.type === 'selector') return `$.${token.path.join('.')}`;
  return JSON.stringify(token.text);
}

function select(record: unknown, path: string[]): { present: boolean; value: unknown } {
  let value: unknown = record;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return { present: false, value: undefined };
    if (Array.isArray(value) ? !/^\d+$/.test(key) || Number(key) >= value.length : !Object.hasOwn(value, key)) {
      return { present: false, value: undefined };
    }
    value = (value as Record<string, unknown>)[key];
  }
  return { present: true, value };
}

/** `*` matches any run of characters; linear in the text (segments are found left to right). */
function wildcardEquals(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = text.indexOf(middle, at);
    if (found === -1 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}
