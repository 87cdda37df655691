// Who may call the sandbox, as AWS answers it: with `accessKeyId` set, a request signed with any other
// key is refused as AWS refuses unknown credentials (InvalidClientTokenId from IAM and STS,
// UnrecognizedClientException from the JSON APIs); an action in `deniedActions` is refused as a missing
// permission is (AccessDenied, AccessDeniedException). So `doctor` and tests meet a bad key and a policy
// that lacks one action over real HTTP, through the real SDK. Signatures themselves are not checked.
import { SANDBOX_ACCOUNT_ID } from './estate.js';
import type { QueryError } from './iam-xml.js';

export interface SandboxAccess {
  /** The only access key id accepted (default: any). */
  accessKeyId?: string;
  /** Actions the caller's policy does not allow, as IAM names them: `iam:ListVirtualMFADevices`, `cloudtrail:LookupEvents`. */
  deniedActions?: readonly string[];
}

export type AwsApi = 'query' | 'json' | 'rest';

/** The access key id of a SigV4 Authorization header (`Credential=<key>/<date>/<region>/<service>/…`). */
export function signedAccessKeyId(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

const CALLER = `arn:aws:sts::${SANDBOX_ACCOUNT_ID}:assumed-role/evidence-reader/evidence-agent`;

/** The refusal AWS would send for this request, or null when it is allowed. */
export function accessRefusal(access: SandboxAccess, api: AwsApi, action: string, authorization: string | undefined): QueryError | null {
  if (access.accessKeyId !== undefined && signedAccessKeyId(authorization) !== access.accessKeyId) {
    const message = 'The security token included in the request is invalid.';
    if (api === 'query') return { status: 403, code: 'InvalidClientTokenId', message };
    return { status: api === 'json' ? 400 : 403, code: 'UnrecognizedClientException', message };
  }
  if (access.deniedActions?.includes(action)) {
    const message = `User: ${CALLER} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`;
    if (api === 'query') return { status: 403, code: 'AccessDenied', message };
    return { status: api === 'json' ? 400 : 403, code: 'AccessDeniedException', message };
  }
  return null;
}
