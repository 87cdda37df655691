// What a secret is, in one place, and its removal from whatever the agent writes. A secret is:
//  - the value of a config field whose name says it holds one (the one list below), and every
//    environment value interpolated into such a field (`webhookUrl: https://hooks/${SLACK_PATH}`);
//  - a credential the agent obtains at run time (AWS keys from the default chain or an assumed role,
//    every GitHub token it sends).
// Nothing else: an environment variable the config does not use is no secret of the agent's, however
// it is named, and redacting it would corrupt evidence (an unrelated *_EXTERNAL_ID equal to an account id).
// The registry is handed to collectors, the runner, logs and digest delivery through their context;
// the field names also guard log lines, config digests and errors, and the export.

export const REDACTED = '[redacted]';
/** Shorter values (a port, "true") are not secrets and would redact ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/**
 * The field names that hold secrets: a name is secret when it is one of these or ends with one
 * (`apiToken`, `smtpPassword`, `clientSecret`, `sts:ExternalId`), compared without case and without
 * `_`, `-`, `:`. `privateKeyPath` names where a key is, not the key; `passwordLastUsed` is a date.
 */
export const SECRET_FIELD_NAMES = [
  'secret',
  'token',
  'password',
  'privateKey',
  'secretAccessKey',
  'externalId',
  'webhookUrl',
  'authorization',
  'apiKey',
] as const;
const SECRET_ENDINGS = SECRET_FIELD_NAMES.map((name) => name.toLowerCase());

export function isSecretField(name: PropertyKey | undefined): boolean {
  if (typeof name !== 'string') return false;
  const plain = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_ENDINGS.some((ending) => plain.endsWith(ending));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy with the string values of secret-named fields replaced by `replacement` (config digests, log
 * lines, exported evidence). Only plain objects and arrays are walked: an Error or a Date is kept as is.
 */
export function withoutSecretFields<T>(value: T, replacement: string = REDACTED): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutSecretFields(item, replacement)) as T;
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isSecretField(key) && typeof item === 'string' ? replacement : withoutSecretFields(item, replacement)]),
  ) as T;
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;

/** A string of the config, where it is, and whether a secret-named field holds it. */
interface ConfigLeaf {
  path: (string | number)[];
  value: string;
  secret: boolean;
}

function leavesOf(value: unknown, path: (string | number)[] = [], secret = false): ConfigLeaf[] {
  if (typeof value === 'string') return [{ path, value, secret }];
  if (Array.isArray(value)) return value.flatMap((item, index) => leavesOf(item, [...path, index], secret));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leavesOf(item, [...path, key], secret || isSecretField(key)));
  }
  return [];
}

/**
 * The secret values of a config, each with the field it is in: the validated values of secret-named
 * fields, and the environment values interpolated into them (from the file as written).
 */
export function configSecrets(raw: unknown, validated: unknown, env: NodeJS.ProcessEnv): { path: (string | number)[]; value: string }[] {
  const found = leavesOf(validated).filter((leaf) => leaf.secret);
  for (const leaf of leavesOf(raw).filter((l) => l.secret)) {
    for (const match of leaf.value.matchAll(REFERENCE)) {
      const value = match[1] === undefined ? undefined : env[match[1]];
      if (value) found.push({ path: leaf.path, value, secret: true });
    }
  }
  return found.filter((secret) => secret.value.length >= MIN_SECRET_LENGTH).map(({ path, value }) => ({ path, value }));
}

/**
 * A secret that is also an identifier of the config (an external id equal to the account id, in a role
 * ARN) would be redacted wherever the evidence names that identifier: the config is refused instead.
 * Returns, per clash, the secret field's path and the identifier's.
 */
export function secretIdentifierClashes(
  raw: unknown,
  validated: unknown,
  env: NodeJS.ProcessEnv,
): { secret: (string | number)[]; identifier: (string | number)[] }[] {
  const identifiers = leavesOf(validated).filter((leaf) => !leaf.secret);
  const clashes: { secret: (string | number)[]; identifier: (string | number)[] }[] = [];
  const reported = new Set<string>();
  for (const secret of configSecrets(raw, validated, env)) {
    const key = secret.path.join('.');
    if (reported.has(key)) continue;
    const same = identifiers.find((leaf) => leaf.value === secret.value) ?? identifiers.find((leaf) => leaf.value.includes(secret.value));
    if (same) {
      reported.add(key);
      clashes.push({ secret: secret.path, identifier: same.path });
    }
  }
  return clashes;
}

/**
 * Short-lived secrets (GitHub App JWTs and installation tokens, assumed-role sessions: new ones every run)
 * are kept most recent last: a daemon would otherwise collect thousands in a year, and every string it
 * writes is checked against every form. Beyond this many, the oldest (long expired) is forgotten.
 */
const MAX_SHORT_LIVED = 256;

function formsOf(value: string): string[] {
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), Buffer.from(value).toString('base64')];
}

/** The secret values one agent knows, and their removal from text and documents, counted. */
export class SecretRegistry {
  /** Every form a secret is looked for in, longest first so a longer one is replaced whole. */
  private forms: string[] = [];
  private readonly known = new Set<string>();
  private readonly shortLived: string[] = [];

  /**
   * Remembers a secret: from now on it is redacted as written, JSON-escaped, URL-encoded or in base64.
   * `shortLived`: a credential obtained at run time that expires (see MAX_SHORT_LIVED).
   */
  register(value: unknown, options: { shortLived?: boolean } = {}): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.known.has(value) || this.shortLived.includes(value)) return;
    if (options.shortLived) {
      this.shortLived.push(value);
      if (this.shortLived.length > MAX_SHORT_LIVED) this.shortLived.shift();
    } else {
      this.known.add(value);
    }
    this.forms = [...new Set([...this.known, ...this.shortLived].flatMap(formsOf))].sort((a, b) => b.length - a.length);
  }

  /** The secrets of a validated config (see configSecrets). */
  registerConfig(raw: unknown, validated: unknown, env: NodeJS.ProcessEnv): void {
    for (const { value } of configSecrets(raw, validated, env)) this.register(value);
  }

  /** The text with every known secret replaced, and how many were. */
  redactCounting(text: string): { text: string; count: number } {
    let result = text;
    let count = 0;
    for (const form of this.forms) {
      if (!result.includes(form)) continue;
      const parts = result.split(form);
      count += parts.length - 1;
      result = parts.join(REDACTED);
    }
    return { text: result, count };
  }

  redact(text: string): string {
    return this.redactCounting(text).text;
  }

  /**
   * The value with every string redacted, and how many secrets were: the same object when nothing
   * needed it, and only the parts that changed copied (a run's evidence can be large; secrets in it are
   * the rare case).
   */
  redactDeep<T>(value: T): { value: T; count: number } {
    if (this.forms.length === 0) return { value, count: 0 };
    const counter = { count: 0 };
    return { value: this.redactValue(value, counter) as T, count: counter.count };
  }

  private redactValue(value: unknown, counter: { count: number }): unknown {
    if (typeof value === 'string') {
      const { text, count } = this.redactCounting(value);
      counter.count += count;
      return text;
    }
    // Bytes (an attested file) are stored as given: walking them entry by entry would take seconds a megabyte.
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item: unknown, index) => {
        const redacted = this.redactValue(item, counter);
        if (redacted !== item) (copy ??= [...value])[index] = redacted;
      });
      return copy ?? value;
    }
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      let copy: Record<string, unknown> | undefined;
      for (const [key, item] of Object.entries(value)) {
        const redacted = this.redactValue(item, counter);
        if (redacted !== item) (copy ??= { ...value })[key] = redacted;
      }
      return copy ?? value;
    }
    return value;
  }
}

/**
 * The registry of the agent this process runs (the CLI and the daemon are one agent each): what the
 * composition root hands on, and the default where a caller (a library user, a test) passes none.
 */
export const agentSecrets = new SecretRegistry();
