// Hostile text in the digest: any org member writes a pull-request title, a user name, a branch or a
// CloudTrail field (sourceIPAddress, userAgent), and the digest carries them into Markdown (a terminal,
// a GitHub issue, the email's text part), HTML (the email) and Slack. Each output escapes them its own
// way: Markdown and HTML show the text as written, never as markup; Slack neither pings nor shows a
// disguised link; no control character reaches any of them.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../src/digest/build.js';
import { deliverDigest, slackMessage } from '../src/digest/deliver.js';
import { digestHtml, digestMarkdown } from '../src/digest/render.js';

const IMG = '<img src=x onerror=alert(1)>';
const PING = '<!channel>';
const LINK = '<https://evil.example|verify your MFA>';
const ERASE = '\u001b[2K\u001b[1A\u001b[32m all controls passing';
/** Every trick at once: markup, Slack control sequences, Markdown syntax, terminal escapes, a new line. */
const HOSTILE = `${IMG} ${PING} ${LINK} **bold** _it_ [x](https://evil.example) \`code\` & &amp; ~~s~~ | a\\b ${ERASE}\r\u202eevil\n# heading`;

// eslint-disable-next-line no-control-regex -- the characters a terminal or renderer would act on
const UNSAFE_CHAR = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A digest with attacker text in every field that comes from an API, a config or a user. */
export function hostileDigest(text = HOSTILE): Digest {
  const item = {
    collector: 'github',
    scope: text,
    checkId: 'github_pull_request_approved',
    title: text,
    severity: 'high' as const,
    resourceId: text,
    message: text,
    controls: ['SOC2 CC8.1'],
  };
  return {
    label: '2026-W48',
    from: '2026-11-23',
    to: '2026-11-29',
    timeZone: 'UTC',
    noData: null,
    headline: { failing: 2, newFailures: 1, resolved: 1, overdue: 1, gaps: 1, driftedResources: 1 },
    newFailures: [{ ...item, since: '2026-11-24T03:00:00.000Z' }],
    resolved: [{ ...item, fixedBy: text }],
    stillFailing: [{ ...item, since: '2026-10-01T03:00:00.000Z', ageDays: 59, slaDays: 30, overdue: true, awaitingReview: false }],
    drift: [{ collector: 'github', scope: text, type: 'github.repository', resourceId: text, changes: [{ path: text, before: text, after: text }] }],
    newResources: [{ collector: 'github', scope: text, type: 'github.member', resourceId: text }],
    removedResources: [{ collector: 'github', scope: text, type: 'github.member', resourceId: text }],
    coverage: [
      {
        framework: 'soc2',
        controls: 1,
        controlDays: 7,
        evidencedControlDays: 6,
        gaps: [{ control: 'CC8.1', from: '2026-11-25', to: '2026-11-25', cause: text }],
      },
    ],
    missedRuns: [{ collector: 'github', scope: text, days: ['2026-11-25'], cause: text }],
    expiringExceptions: [
      {
        id: text,
        check: 'github_pull_request_approved',
        resource: text,
        reason: text,
        approver: text,
        approved: '2026-01-01',
        expires: '2026-12-01',
        daysLeft: 2,
      },
    ],
    expiringAttestations: [
      {
        control: 'CC1.1',
        framework: 'soc2',
        note: text,
        attestedBy: text,
        attestedAt: '2026-09-01T00:00:00.000Z',
        validUntil: '2026-12-01T00:00:00.000Z',
        file: { name: text, sha256: 'a'.repeat(64), bytes: 10 },
        runSeq: 3,
        daysLeft: 2,
      },
    ],
    populations: [{ id: 'github-changes', title: 'Changes without independent approval', rows: 4, notable: [text, `# ${text}`, `1. ${text}`, `- ${text}`] }],
    eventFailures: [
      {
        checkId: 'aws_cloudtrail_root_not_used',
        title: text,
        severity: 'critical',
        scope: text,
        resourceId: text,
        message: `root signed in from ${text}`,
        occurredAt: '2026-11-25T10:00:00.000Z',
        reviewed: text,
      },
    ],
    deliveryProblems: [text],
    trend: [{ week: '2026-W48', failing: 2 }],
    chainHead: { seq: 7, hash: 'b'.repeat(64), finishedAt: '2026-11-29T03:00:00.000Z' },
  };
}

describe('the Markdown digest', () => {
  const markdown = digestMarkdown(hostileDigest());

  it('never carries raw HTML, Markdown syntax or control characters from the APIs', () => {
    // Not one `<`: no tag, no autolink, whatever the Markdown flavour that reads it.
    expect(markdown).not.toContain('<');
    expect(markdown).not.toMatch(UNSAFE_CHAR);
    expect(markdown).not.toContain('[x](https://evil.example)');
    expect(markdown).not.toContain('**bold**');
    // Each line is ours: a title cannot open a heading, a list or a quote of its own.
    for (const line of markdown.split('\n'))
      expect(line).toMatch(
        /^(|# Evidence digest .*|## .*|- .*|\*\*\d+ failing\*\* .*|[A-Z0-9]+: \d+ of .*|Failing findings .*|Chain head .*|No .*|Nothing .*|Every .*|None this week\.|The previous .*)$/,
      );
  });

  it('shows the text as written, escaped the CommonMark way', () => {
    expect(markdown).toContain('&lt;img src=x onerror=alert(1)&gt; &lt;!channel&gt; &lt;https://evil.example\\|verify your MFA&gt;');
    expect(markdown).toContain('\\*\\*bold\\*\\* \\_it\\_ \\[x\\](https://evil.example) \\`code\\` &amp; &amp;amp; \\~\\~s\\~\\~ \\| a\\\\b');
    // Terminal escapes and the line break are shown, not sent.
    expect(markdown).toContain('\\u001b\\[2K\\u001b\\[1A\\u001b\\[32m all controls passing\\r\\u202eevil\\n# heading');
    // A notable line that starts like a heading or a list stays text in its list item.
    expect(markdown).toContain('- \\# &lt;img');
    expect(markdown).toContain('- 1\\. &lt;img');
    expect(markdown).toContain('- \\- &lt;img');
  });

  it('keeps code spans for ordinary ids, and plain escaped text for ids that would break out of one', () => {
    const plain = digestMarkdown(hostileDigest('arn:aws:iam::111122223333:user/alice'));
    expect(plain).toContain('`arn:aws:iam::111122223333:user/alice`');
    // With every id hostile, no code span at all: each backtick is an escaped one.
    for (const line of markdown.split('\n').filter((l) => l.includes('&lt;img'))) expect(line).not.toMatch(/(^|[^\\])`/);
  });
});

describe('the HTML digest', () => {
  const html = digestHtml(hostileDigest());

  it('shows the same text, HTML-escaped, without the Markdown escapes', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(UNSAFE_CHAR);
    expect(html).toContain(
      '&lt;img src=x onerror=alert(1)&gt; &lt;!channel&gt; &lt;https://evil.example|verify your MFA&gt; **bold** _it_ [x](https://evil.example) `code` &amp; &amp;amp; ~~s~~ | a\\b',
    );
    // Our own markup still renders.
    expect(html).toContain('<strong>OVERDUE</strong>');
    expect(html).toContain(`<code style="background:#f1f1f1;padding:0 3px">evidence-agent verify --head 7:${'b'.repeat(64)}</code>`);
    expect(html).not.toContain('<strong>bold</strong>');
  });
});

describe('the Slack message', () => {
  const message = slackMessage(hostileDigest(), '/data/digests/digest-2026-W48.md');
  const texts = [
    message.text,
    ...JSON.stringify(message.blocks)
      .match(/"text":"(?:[^"\\]|\\.)*"/g)!
      .map((t) => JSON.parse(t.slice(7)) as string),
  ];

  it('neither pings nor links: &, < and > escaped in every text field', () => {
    const all = texts.join('\n');
    expect(all).not.toContain('<!');
    expect(all).not.toMatch(/<https?:/);
    expect(all).not.toContain('<@');
    expect(all).not.toMatch(/<[^>]*>/);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;https://evil.example|verify your MFA&gt;');
    // & first: an attacker's "&lt;" stays the text "&lt;", not a "<" that opens a control sequence.
    expect(all).toContain('&amp;amp;');
    expect(all).not.toMatch(UNSAFE_CHAR);
  });

  it('keeps its own formatting for ordinary values', () => {
    const plain = slackMessage(hostileDigest('alice'));
    expect(JSON.stringify(plain.blocks)).toContain('*overdue* high `github_pull_request_approved` on `alice` (59 days)');
  });

  describe('as posted to the webhook', () => {
    beforeAll(() => nock.disableNetConnect());
    afterAll(() => {
      nock.cleanAll();
      nock.enableNetConnect();
    });

    it('sends the escaped message', async () => {
      let body = '';
      nock('https://hooks.slack.com')
        .post('/services/T0/B0/X', (b: unknown) => {
          body = JSON.stringify(b);
          return true;
        })
        .reply(200, 'ok');
      const digest = hostileDigest();
      const outcomes = await deliverDigest(
        { digest, markdown: digestMarkdown(digest), html: digestHtml(digest), json: '{}' },
        { slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/X' } },
      );
      expect(outcomes).toEqual([{ target: 'slack', ok: true, detail: 'posted to the Slack webhook' }]);
      expect(body).toContain('&lt;!channel&gt;');
      expect(body).not.toContain('<!channel>');
      expect(body).not.toContain('<https://evil');
    });
  });
});
