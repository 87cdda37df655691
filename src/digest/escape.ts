// Escaping of API text (pull-request titles, user names, CloudTrail fields: written by anyone in the org
// or the account) for each output of the digest. Markdown (a terminal, a GitHub issue, the email's text
// part): `<`, `>` and `&` as entities (every Markdown flavour decodes them, where not every one honours
// `\<`), the rest of the markup characters with CommonMark backslash escapes, so `<img …>` or `[x](…)`
// shows as written instead of becoming markup. HTML: made from that Markdown by a converter that knows
// exactly the syntax we write. Slack
// mrkdwn: `&`, `<` and `>` as entities (Slack's rule), so `<!channel>` does not ping and `<url|text>` does
// not disguise a link. In all three a control character or a line break is shown as an escape (`\u001b`,
// `\n`), so a title cannot add lines of its own.
import { terminalLine } from '../terminal-text.js';

/** What CommonMark (and GitHub's tables and strikethrough) reads as markup anywhere in a line. */
const MARKDOWN_INLINE = /[\\`*_[\]~|]/g;
const MARKDOWN_ENTITIES = /[<>&]/g;
/** What opens a block (heading, list, ordered list) at the start of a list item's text. */
const MARKDOWN_BLOCK_START = /^(?:[#+-]|\d{1,9}(?=[.)]))/;

/** API text as Markdown text: every character shown as written. */
export function markdownText(text: string): string {
  const inline = text.replace(MARKDOWN_INLINE, '\\$&').replace(MARKDOWN_ENTITIES, (c) => HTML_ENTITIES[c]!);
  const block = inline.replace(MARKDOWN_BLOCK_START, (start) => (/^\d/.test(start) ? `${start}\\` : `\\${start}`));
  return terminalLine(block);
}

/** A code span for an id, or escaped text when the id would break out of one or carry markup. */
export function markdownCode(text: string): string {
  const plain = text.length > 0 && !/[`<>&]|^ | $/.test(text) && terminalLine(text) === text;
  return plain ? `\`${text}\`` : markdownText(text);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const ENTITY = /^&(?:lt|gt|amp);/;
const CODE_STYLE = 'background:#f1f1f1;padding:0 3px';

/**
 * The inline Markdown we write (text with backslash escapes and the three entities, `code` spans,
 * **strong**) as HTML. API text reaches it escaped by `markdownText`, so its characters are never read
 * as our markup.
 */
export function inlineMarkdownToHtml(markdown: string): string {
  let html = '';
  let strong = false;
  for (let i = 0; i < markdown.length;) {
    const char = markdown[i]!;
    const next = markdown[i + 1];
    if (char === '\\' && next !== undefined && ASCII_PUNCTUATION.test(next)) {
      html += htmlEscape(next);
      i += 2;
    } else if (char === '&' && ENTITY.test(markdown.slice(i, i + 5))) {
      const entity = ENTITY.exec(markdown.slice(i, i + 5))![0];
      html += entity;
      i += entity.length;
    } else if (char === '`' && markdown.indexOf('`', i + 1) > i) {
      const end = markdown.indexOf('`', i + 1);
      html += `<code style="${CODE_STYLE}">${htmlEscape(markdown.slice(i + 1, end))}</code>`;
      i = end + 1;
    } else if (char === '*' && next === '*') {
      html += strong ? '</strong>' : '<strong>';
      strong = !strong;
      i += 2;
    } else {
      html += htmlEscape(char);
      i += 1;
    }
  }
  return strong ? `${html}</strong>` : html;
}

/** API text for a Slack mrkdwn (or top-level `text`) field. */
export function slackText(text: string): string {
  return terminalLine(text).replace(/[&<>]/g, (c) => HTML_ENTITIES[c]!);
}

/** An id as Slack inline code, or escaped text when a backtick would end the code early. */
export function slackCode(text: string): string {
  return text.length > 0 && !text.includes('`') ? `\`${slackText(text)}\`` : slackText(text);
}
