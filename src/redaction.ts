// The secret values this process holds (from the config, the environment, credentials obtained at run
// time) and their removal from whatever the agent writes: stored errors, messages and evidence, logs,
// digest delivery reports, the CLI's error line. Redaction by field name (src/logging.ts,
// src/config/secrets.ts) cannot see a secret inside another text, such as an API error that echoes
// the request's credentials, or a failed webhook call that quotes its own URL.
import { isSecretField } from './config/secrets.js';

export const REDACTED = '[redacted]';
/** Shorter values (a port, "true") are not secrets and would redact ordinary text. */
const MIN_SECRET_LENGTH = 8;
/** Environment variables holding secrets, by name (AWS_SECRET_ACCESS_KEY, SLACK_WEBHOOK_URL, GITHUB_TOKEN). */
const SECRET_VARIABLE = /(SECRET|TOKEN|PASSWORD|PRIVATE_?KEY|WEBHOOK_?URL|EXTERNAL_?ID|CREDENTIAL)/i;

/** Every form a secret is looked for in, longest first so a longer one is replaced whole. */
let forms: string[] = [];
const known = new Set<string>();
/**
 * Short-lived secrets (GitHub App JWTs and installation tokens, assumed-role sessions: new ones every run), most recent
 * last: a daemon would otherwise collect thousands in a year, and every string it writes is checked
 * against every form. Beyond this many, the oldest (long expired) is forgotten.
 */
const MAX_SHORT_LIVED = 256;
const shortLived: string[] = [];

function formsOf(value: string): string[] {
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), Buffer.from(value).toString('base64')];
}

function rebuildForms(): void {
  forms = [...new Set([...known, ...shortLived].flatMap(formsOf))].sort((a, b) => b.length - a.length);
}

/**
 * Remembers a secret: from now on it is redacted as written, JSON-escaped, URL-encoded or in base64.
 * `shortLived`: a credential obtained at run time that expires (see MAX_SHORT_LIVED).
 */
export function registerSecret(value: unknown, options: { shortLived?: boolean } = {}): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || known.has(value) || shortLived.includes(value)) return;
  if (options.shortLived) {
    shortLived.push(value);
    if (shortLived.length > MAX_SHORT_LIVED) shortLived.shift();
  } else {
    known.add(value);
  }
  rebuildForms();
}

/** The values of every secret-named field (token, password, privateKey, webhookUrl, externalId...). */
export function registerSecretsOf(value: unknown, key?: string): void {
  if (typeof value === 'string') {
    // privateKeyPath names where the key is, not the key.
    if (isSecretField(key) && !/path$/i.test(key ?? '')) registerSecret(value);
    return;
  }
  if (Array.isArray(value)) for (const item of value) registerSecretsOf(item, key);
  else if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) registerSecretsOf(item, isSecretField(key) ? key : name);
  }
}

/** The environment's secrets, by variable name: the default AWS chain's keys, tokens the config interpolates. */
export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_VARIABLE.test(name)) registerSecret(value);
}

export function redactSecrets(text: string): string {
  let result = text;
  for (const form of forms) if (result.includes(form)) result = result.split(form).join(REDACTED);
  return result;
}

/**
 * The value with every string redacted: the same object when nothing needed it, and only the parts
 * that changed copied (a run's evidence can be large; secrets in it are the rare case).
 */
export function redactDeep<T>(value: T): T {
  return forms.length === 0 ? value : (redactValue(value) as T);
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  // Bytes (an attested file) are stored as given: walking them entry by entry would take seconds a megabyte.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const redacted = redactValue(item);
      if (redacted !== item) (copy ??= [...value])[index] = redacted;
    });
    return copy ?? value;
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const redacted = redactValue(item);
      if (redacted !== item) (copy ??= { ...value })[key] = redacted;
    }
    return copy ?? value;
  }
  return value;
}
