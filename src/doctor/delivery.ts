// The digest's delivery targets: the directory writable (or creatable), Slack's webhook host reachable,
// the SMTP server accepting the connection and the login (nodemailer's verify: nothing is sent). With
// --send-test, each target gets a short test message for real: a file, a Slack post, an email.
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { DigestDelivery } from '../digest/deliver.js';
import { errorText, fail, ok, skip } from './check.js';
import type { DoctorCheck } from './check.js';

const TIMEOUT_MS = 15_000;
const testText = (now: Date) =>
  `evidence-agent doctor: a test message from ${hostname()} at ${now.toISOString()}; the weekly evidence digest will arrive here.`;

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function directoryCheck(directory: string, sendTest: boolean, now: Date): DoctorCheck {
  const dir = resolve(directory);
  let parent = dir;
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!writable(parent))
    return fail('digest', 'directory', `${dir}: ${parent === dir ? 'not writable' : `cannot be created (${parent} is not writable)`} by this user`);
  if (!sendTest) return ok('digest', 'directory', `${dir}: ${parent === dir ? 'writable' : 'will be created'}`);
  try {
    // As the first digest would: the directory is made when missing.
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'evidence-agent-doctor-test.txt');
    writeFileSync(file, `${testText(now)}\n`);
    return ok('digest', 'directory', `test file written: ${file}`);
  } catch (error) {
    return fail('digest', 'directory', `${dir}: ${errorText(error)}`);
  }
}

/** Reachable means an HTTP answer of any status: only a post (--send-test) shows the webhook works. */
async function slackCheck(webhookUrl: string, sendTest: boolean, now: Date): Promise<DoctorCheck> {
  const host = new URL(webhookUrl).host;
  try {
    if (!sendTest) {
      const response = await fetch(webhookUrl, { method: 'HEAD', signal: AbortSignal.timeout(TIMEOUT_MS) });
      await response.body?.cancel();
      return ok('digest', 'slack', `${host} reachable (HTTP ${response.status} to HEAD); --send-test posts a test message`);
    }
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: testText(now) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await response.text()).slice(0, 200);
    return response.ok
      ? ok('digest', 'slack', `test message posted (HTTP ${response.status})`)
      : fail('digest', 'slack', `the webhook answered HTTP ${response.status}: ${body}`);
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return fail('digest', 'slack', `${host} not reachable: ${errorText(cause ?? error)}`);
  }
}

async function emailCheck(email: NonNullable<DigestDelivery['email']>, sendTest: boolean, now: Date): Promise<DoctorCheck> {
  const transport = nodemailer.createTransport({
    host: email.host,
    port: email.port,
    secure: email.secure,
    ...(email.user ? { auth: { user: email.user, pass: email.password ?? '' } } : {}),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await transport.verify();
    if (!sendTest)
      return ok('digest', 'email', `${email.host}:${email.port} accepted the connection${email.user ? ' and the login' : ''}; --send-test sends a test email`);
    await transport.sendMail({ from: email.from, to: email.to, subject: 'evidence-agent doctor: test message', text: testText(now) });
    return ok('digest', 'email', `test email sent to ${email.to.length} recipient(s) through ${email.host}:${email.port}`);
  } catch (error) {
    return fail('digest', 'email', `${email.host}:${email.port}: ${errorText(error)}`);
  } finally {
    transport.close();
  }
}

export async function deliveryChecks(delivery: DigestDelivery | undefined, sendTest: boolean, now: Date): Promise<DoctorCheck[]> {
  if (!delivery || (!delivery.directory && !delivery.slack && !delivery.email)) {
    return [skip('digest', 'delivery', 'digest.deliver names no target: the daemon sends no digest')];
  }
  const checks: DoctorCheck[] = [];
  if (delivery.directory) checks.push(directoryCheck(delivery.directory, sendTest, now));
  if (delivery.slack) checks.push(await slackCheck(delivery.slack.webhookUrl, sendTest, now));
  if (delivery.email) checks.push(await emailCheck(delivery.email, sendTest, now));
  return checks;
}
