// IAM returns policy documents URL-encoded (RFC 3986) inside its XML; evidence stores them as JSON.
// A document whose statements cannot be judged is rejected, never kept: the checks would read a
// statement they cannot understand as granting nothing, and pass over it.
import type { PolicyDocument } from './schema.js';

export class PolicyDocumentError extends Error {
  override name = 'PolicyDocumentError';
}

export function decodePolicyDocument(encoded: string | undefined): PolicyDocument {
  if (encoded === undefined || encoded === '') throw new PolicyDocumentError('policy document is missing');
  let text: string;
  try {
    // A document that already starts as JSON was not encoded (some endpoints and emulators do that).
    text = encoded.trimStart().startsWith('{') ? encoded : decodeURIComponent(encoded);
  } catch {
    throw new PolicyDocumentError('policy document is not valid URL encoding');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PolicyDocumentError('policy document is not valid JSON');
  }
  if (!isObject(parsed)) throw new PolicyDocumentError('policy document is not a JSON object');
  checkStatements(parsed['Statement']);
  return parsed as PolicyDocument;
}

/** Fields the checks read, each a string or a list of strings when present. */
const STRING_OR_LIST_FIELDS = ['Action', 'NotAction', 'Resource', 'NotResource'];

function checkStatements(statement: unknown): void {
  if (statement === undefined) throw new PolicyDocumentError('policy document has no Statement');
  const statements = Array.isArray(statement) ? statement : [statement];
  statements.forEach((entry: unknown, index) => {
    const where = `policy document statement #${index + 1}`;
    if (!isObject(entry)) throw new PolicyDocumentError(`${where} is not a JSON object`);
    const effect = entry['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') {
      const found = effect === undefined ? 'missing' : JSON.stringify(effect);
      throw new PolicyDocumentError(`${where}: Effect is ${found}, not Allow or Deny`);
    }
    if (entry['Sid'] !== undefined && typeof entry['Sid'] !== 'string') {
      throw new PolicyDocumentError(`${where}: Sid is not a string`);
    }
    for (const field of STRING_OR_LIST_FIELDS) {
      if (entry[field] !== undefined && !isStringOrList(entry[field])) {
        throw new PolicyDocumentError(`${where}: ${field} is not a string or a list of strings`);
      }
    }
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringOrList(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}
