// The IAM credential report (CSV) for a simulated estate, in AWS's exact column set and value spellings:
// collectors parse it the same way whether it came from the sandbox or from AWS.
import type { EstateAccessKey, EstatePasswordPolicy, EstateUser, IamEstate } from './estate.js';

export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

const NA = 'N/A';
const DAY_MS = 86_400_000;

/** The report's timestamp format: ISO 8601 with an explicit `+00:00` offset, no milliseconds. */
export function reportTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
const stamp = (date: Date | null | undefined) => (date ? reportTimestamp(date) : NA);

function keyColumns(key: EstateAccessKey | undefined): string[] {
  if (!key) return ['false', NA, NA, NA, NA];
  const use = key.lastUsed;
  return [String(key.active), reportTimestamp(key.createDate), stamp(use?.date), use?.region ?? NA, use?.service ?? NA];
}

const NO_CERTIFICATES = ['false', NA, 'false', NA];

function nextRotation(user: EstateUser, policy: EstatePasswordPolicy | null): string {
  if (!user.password || !policy?.expirePasswords || policy.maxPasswordAge === null) return NA;
  return reportTimestamp(new Date(user.password.lastChanged.getTime() + policy.maxPasswordAge * DAY_MS));
}

function userRow(user: EstateUser, policy: EstatePasswordPolicy | null): string[] {
  const password = user.password;
  return [
    user.userName,
    user.arn,
    reportTimestamp(user.createDate),
    String(password !== null),
    // A password that was never used reads `no_information`; no password at all reads N/A.
    password ? (password.lastUsed ? reportTimestamp(password.lastUsed) : 'no_information') : NA,
    stamp(password?.lastChanged),
    nextRotation(user, policy),
    String(user.mfa !== null),
    ...keyColumns(user.accessKeys[0]),
    ...keyColumns(user.accessKeys[1]),
    ...NO_CERTIFICATES,
  ];
}

function rootRow(estate: IamEstate): string[] {
  const root = estate.root;
  return [
    '<root_account>',
    root.arn,
    reportTimestamp(root.createDate),
    'not_supported',
    root.passwordLastUsed ? reportTimestamp(root.passwordLastUsed) : 'no_information',
    'not_supported',
    'not_supported',
    String(root.mfa !== null),
    ...keyColumns(root.accessKeys[0]),
    ...keyColumns(root.accessKeys[1]),
    ...NO_CERTIFICATES,
  ];
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The report as AWS returns it (before base64): header, root row, then one row per user. */
export function renderCredentialReport(estate: IamEstate): string {
  const users = estate.users.map((u) => userRow(u, estate.passwordPolicy));
  const rows = [[...CREDENTIAL_REPORT_COLUMNS], rootRow(estate), ...users];
  return rows.map((row) => row.map(csvField).join(',')).join('\n');
}
