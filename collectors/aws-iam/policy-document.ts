// IAM returns policy documents URL-encoded (RFC 3986) inside its XML; evidence stores them as JSON.
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
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PolicyDocumentError('policy document is not a JSON object');
  }
  return parsed as PolicyDocument;
}
