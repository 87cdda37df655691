// Which config fields hold secrets, by name: their values never reach an error message or a digest.
const SECRET_FIELD = /(secret|token|password|externalid|privatekey|webhookurl|sessiontoken)/i;

export function isSecretField(name: PropertyKey | undefined): boolean {
  return typeof name === 'string' && SECRET_FIELD.test(name);
}

/** A copy with every secret-named field's value replaced, for digests. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, isSecretField(key) ? '[secret]' : withoutSecrets(item)]),
    );
  }
  return value;
}
