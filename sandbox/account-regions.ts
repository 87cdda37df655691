// The Account API's ListRegions (REST JSON protocol: POST /listRegions) for the sandbox account: the
// regions AWS enables by default, one opted-in region and the opt-in regions left disabled.
import { fail } from './query-failure.js';

export const LIST_REGIONS_PATH = '/listRegions';

type RegionOptStatus = 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';
const STATUSES: readonly RegionOptStatus[] = ['ENABLED', 'ENABLING', 'DISABLING', 'DISABLED', 'ENABLED_BY_DEFAULT'];

const ENABLED_BY_DEFAULT = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const OPTED_IN = ['eu-south-1'];
const OPT_IN_DISABLED = ['af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'eu-central-2', 'il-central-1', 'me-south-1'];

export const SANDBOX_REGIONS: readonly { RegionName: string; RegionOptStatus: RegionOptStatus }[] = [
  ...ENABLED_BY_DEFAULT.map((name) => ({ RegionName: name, RegionOptStatus: 'ENABLED_BY_DEFAULT' as const })),
  ...OPTED_IN.map((name) => ({ RegionName: name, RegionOptStatus: 'ENABLED' as const })),
  ...OPT_IN_DISABLED.map((name) => ({ RegionName: name, RegionOptStatus: 'DISABLED' as const })),
].sort((a, b) => (a.RegionName < b.RegionName ? -1 : 1));

/** The regions enabled in the sandbox account (what ListRegions returns for ENABLED and ENABLED_BY_DEFAULT). */
export const SANDBOX_ENABLED_REGIONS = SANDBOX_REGIONS.filter((r) => r.RegionOptStatus !== 'DISABLED').map((r) => r.RegionName);

/** Pages of at most MaxResults (1-50, default 20); the token is the offset, opaque to the client. */
export function listRegions(body: string): string {
  const request = parseRequest(body);
  const filter = request['RegionOptStatusContains'];
  if (filter !== undefined && (!Array.isArray(filter) || filter.some((s) => !STATUSES.includes(s as RegionOptStatus)))) {
    fail(400, 'ValidationException', `RegionOptStatusContains must hold values among ${STATUSES.join(', ')}`);
  }
  const max = request['MaxResults'] ?? 20;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50) {
    fail(400, 'ValidationException', 'MaxResults must be an integer between 1 and 50');
  }
  const token = request['NextToken'];
  const offset = token === undefined ? 0 : Number.parseInt(Buffer.from(String(token), 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(offset) || offset < 0) fail(400, 'ValidationException', 'The NextToken is not valid');
  const matching = SANDBOX_REGIONS.filter((r) => !filter || (filter as string[]).includes(r.RegionOptStatus));
  const page = matching.slice(offset, offset + max);
  const next = offset + max < matching.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
  return JSON.stringify({ Regions: page, ...(next ? { NextToken: next } : {}) });
}

function parseRequest(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    fail(400, 'ValidationException', 'The request body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(400, 'ValidationException', 'The request body is not a JSON object');
  return parsed as Record<string, unknown>;
}
