// Delivering a digest: to a directory (first, so the digest is never lost), to a Slack incoming webhook
// (Block Kit: the headline and the top items; 429 retry-after honoured) and by email over SMTP (HTML with
// a text alternative). Each delivery is tried a few times; what still fails is reported, never thrown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { agentSecrets } from '../redaction.js';
import type { SecretRegistry } from '../redaction.js';
import { countText } from './build.js';
import type { Digest } from './build.js';
import { slackCode, slackText } from './escape.js';
import { terminalLine } from '../terminal-text.js';

export interface DigestDelivery {
  directory?: string;
  slack?: { webhookUrl: string };
  email?: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string; to: string[] };
}

export interface DeliveryOutcome {
  target: string;
  ok: boolean;
  /** Where it went (a path), or why it failed; never a webhook URL or a password. */
  detail: string;
}

export interface Rendered {
  digest: Digest;
  markdown: string;
  html: string;
  json: string;
}

const ATTEMPTS = 3;

export async function deliverDigest(
  rendered: Rendered,
  delivery: DigestDelivery,
  options: { retryBaseMs?: number; secrets?: SecretRegistry } = {},
): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  let written: string | undefined;
  if (delivery.directory) {
    try {
      written = writeFiles(rendered, delivery.directory);
      outcomes.push({ target: 'directory', ok: true, detail: written });
    } catch (error) {
      outcomes.push({ target: 'directory', ok: false, detail: (error as Error).message });
    }
  }
  if (delivery.slack) outcomes.push(await retrying('slack', () => postToSlack(rendered.digest, delivery.slack!.webhookUrl, written), options.retryBaseMs));
  if (delivery.email) outcomes.push(await retrying('email', () => sendEmail(rendered, delivery.email!), options.retryBaseMs));
  // A receiver's error may quote the webhook URL or the credentials sent: the reports are kept and printed.
  const secrets = options.secrets ?? agentSecrets;
  return outcomes.map((outcome) => ({ ...outcome, detail: secrets.redact(outcome.detail) }));
}

/** digest-<week>.md, .html and .json in the directory; returns the Markdown file's path. */
export function writeFiles(rendered: Rendered, directory: string): string {
  const dir = resolve(directory);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `digest-${rendered.digest.label}`);
  writeFileSync(`${base}.md`, rendered.markdown);
  writeFileSync(`${base}.html`, rendered.html);
  writeFileSync(`${base}.json`, rendered.json);
  return `${base}.md`;
}

class RetryAfter extends Error {
  constructor(
    message: string,
    readonly waitMs: number,
  ) {
    super(message);
  }
}

async function retrying(target: string, send: () => Promise<string>, retryBaseMs = 1000): Promise<DeliveryOutcome> {
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      return { target, ok: true, detail: await send() };
    } catch (error) {
      last = (error as Error).message;
      if (attempt === ATTEMPTS) break;
      await sleep(error instanceof RetryAfter ? error.waitMs : retryBaseMs * attempt);
    }
  }
  return { target, ok: false, detail: `failed after ${ATTEMPTS} attempts: ${last}` };
}

/**
 * The Block Kit message: the headline numbers and the most urgent items. Every value that is not ours
 * goes through slackText/slackCode (`&`, `<`, `>` as entities): an API's text never pings or links.
 */
export function slackMessage(digest: Digest, file?: string): { text: string; blocks: unknown[] } {
  const h = digest.headline;
  const items = [
    ...digest.newFailures.slice(0, 5).map((f) => `:red_circle: *new* ${f.severity} ${slackCode(f.checkId)} on ${slackCode(f.resourceId)}`),
    ...digest.stillFailing
      .filter((f) => f.overdue)
      .slice(0, 5)
      .map((f) => `:hourglass: *overdue* ${f.severity} ${slackCode(f.checkId)} on ${slackCode(f.resourceId)} (${f.ageDays} days)`),
    ...digest.eventFailures.slice(0, 5).map((e) => `:warning: ${slackText(e.title)}: ${slackText(e.message)}`),
  ];
  const text = digest.noData
    ? `Evidence digest ${slackText(digest.label)}: no data (${slackText(digest.noData)}), ${h.gaps} coverage gaps`
    : `Evidence digest ${slackText(digest.label)}: ${countText(h.failing)} failing, ${countText(h.newFailures)} new, ${countText(h.resolved)} resolved, ${countText(h.overdue)} overdue, ${h.gaps} coverage gaps`;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: `Evidence digest ${terminalLine(digest.label)}`, emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Failing*\n${countText(h.failing)}` },
        { type: 'mrkdwn', text: `*New / resolved*\n${digest.noData ? 'no data' : `${countText(h.newFailures)} / ${countText(h.resolved)}`}` },
        { type: 'mrkdwn', text: `*Overdue*\n${countText(h.overdue)}` },
        { type: 'mrkdwn', text: `*Coverage gaps*\n${h.gaps}` },
      ],
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: digest.noData
          ? `No data for this week: ${slackText(digest.noData)}.`
          : items.length > 0
            ? items.join('\n').slice(0, 2900)
            : 'Nothing new, overdue or unapproved this week.',
      },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${digest.from} to ${digest.to}${file ? ` · full digest: ${slackText(file)}` : ''}` }] },
    // A copy of the chain head outside the agent's volume, for `verify --head`.
    ...(digest.chainHead
      ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `Chain head: run ${digest.chainHead.seq}, sha256:${digest.chainHead.hash}` }] }]
      : []),
  ];
  return { text, blocks };
}

async function postToSlack(digest: Digest, webhookUrl: string, file?: string): Promise<string> {
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(slackMessage(digest, file)),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after') ?? '1');
    throw new RetryAfter('Slack answered 429 (rate limited)', (Number.isFinite(seconds) ? seconds : 1) * 1000);
  }
  const body = await response.text();
  if (!response.ok) throw new Error(`Slack answered HTTP ${response.status}: ${body.slice(0, 200)}`);
  return 'posted to the Slack webhook';
}

async function sendEmail(rendered: Rendered, email: NonNullable<DigestDelivery['email']>): Promise<string> {
  const transport = nodemailer.createTransport({
    host: email.host,
    port: email.port,
    secure: email.secure,
    ...(email.user ? { auth: { user: email.user, pass: email.password ?? '' } } : {}),
    connectionTimeout: 30_000,
  });
  try {
    const h = rendered.digest.headline;
    await transport.sendMail({
      from: email.from,
      to: email.to,
      subject: rendered.digest.noData
        ? `Evidence digest ${rendered.digest.label}: no data (${rendered.digest.noData})`
        : `Evidence digest ${rendered.digest.label}: ${countText(h.failing)} failing, ${countText(h.newFailures)} new, ${countText(h.overdue)} overdue`,
      text: rendered.markdown,
      html: rendered.html,
    });
    return `sent to ${email.to.length} recipient(s)`;
  } finally {
    transport.close();
  }
}
