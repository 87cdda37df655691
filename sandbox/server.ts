// A local HTTP server that answers the AWS IAM and STS query APIs (AssumeRole into the accounts of a
// simulated organisation among them), the AWS Organizations reads (service control policies included),
// IAM Identity Center and the identity store, the CloudTrail JSON API, the
// Account API's ListRegions, IAM Access Analyzer, and the CloudWatch Logs, CloudWatch and SNS reads of
// the trail alarms for the simulated estate, so the real AWS SDK (pointed at it with fake static
// credentials) collects a day of history without an AWS account. Signatures are not checked (only the signed region is read),
// which is why it listens on loopback unless told otherwise.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessAnalyzerReply } from './access-analyzer.js';
import { accessRefusal } from './access.js';
import type { SandboxAccess } from './access.js';
import { LIST_REGIONS_PATH, listRegions } from './account-regions.js';
import { CLOUDTRAIL_TARGET_PREFIX, CloudTrailService, signedRegion } from './cloudtrail-actions.js';
import {
  CLOUDWATCH_TARGET_PREFIX,
  describeAlarmsForMetric,
  describeMetricFilters,
  listSubscriptionsByTopic,
  LOGS_TARGET_PREFIX,
  SNS_NAMESPACE,
  SNS_VERSION,
} from './cloudtrail-alarms.js';
import type { CloudTrailEstate } from './cloudtrail-estate.js';
import { errorJson, JSON_CONTENT_TYPE } from './cloudtrail-json.js';
import { GitHubSandbox } from './github/index.js';
import type { TokenAccess } from './github/token-access.js';
import { buildIamEstate, DEFAULT_ESTATE_SEED } from './estate.js';
import type { IamEstate } from './estate.js';
import { errorXml, IAM_NAMESPACE, STS_NAMESPACE, successXml } from './iam-xml.js';
import type { QueryError } from './iam-xml.js';
import { ACTIONS, CredentialReportJobs, STS_ACTIONS } from './query-actions.js';
import { fail, QueryFailure } from './query-failure.js';
import { MANAGEMENT_ACCOUNT_ID, SANDBOX_ACCOUNT_ID } from './estate-model.js';
import { organizationAt } from './organization.js';
import type { Organization } from './organization.js';
import { ORGANIZATIONS_TARGET_PREFIX, organizationsErrorJson, organizationsReply } from './organizations-api.js';
import { RoleSessions, STATIC_CALLER } from './role-sessions.js';
import { identityCenterLookup } from './identity-center-events.js';
import { identityCenterReply, IDENTITY_STORE_TARGET_PREFIX, SSO_ADMIN_TARGET_PREFIX } from './identity-center-api.js';

export interface SandboxOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Most items per page of GetAccountAuthorizationDetails and ListVirtualMFADevices (default 25). */
  pageSize?: number;
  /** Head count on the end day (default 40). */
  users?: number;
  /** Pad the estate to these totals with team groups, workload roles and team policies (benchmarks). */
  groups?: number;
  roles?: number;
  policies?: number;
  seed?: number;
  /** The day the drift history ends on; default: today (UTC) at start. */
  historyEnd?: Date;
  /** The simulated instant served until setDate; default: now. */
  date?: Date;
  /** Generate/Get calls after the starting GenerateCredentialReport before the report is ready (default 1). */
  reportReadyAfterPolls?: number;
  /** CloudTrail LookupEvents calls allowed per second and region, as AWS enforces (default 2; 0: no limit). */
  lookupEventsPerSecond?: number;
  /** Pads each day of the padded regions' event history to this many events (default 0: tens a day). */
  eventsPerDay?: number;
  /** The regions eventsPerDay pads (default us-east-1 and eu-west-1). */
  paddedRegions?: string[];
  /** The simulated GitHub organization: repositories (default 12) and merged pull requests per day (default ~4). */
  github?: TokenAccess & { repositories?: number; pullRequestsPerDay?: number };
  /** Credentials and permissions of the AWS caller (default: anything goes): see access.ts. */
  access?: SandboxAccess;
  /**
   * The AWS organisation: most items per page of its List operations (default 20, Organizations' maximum),
   * and generated member accounts added to it (benchmarks).
   */
  organization?: { pageSize?: number; memberAccounts?: number };
  /** IAM Identity Center: most items per page (default 100, its maximum) and a padded directory (benchmarks). */
  identityCenter?: { pageSize?: number; permissionSets?: number; users?: number; assignments?: number };
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT`: give it to IAMClient and STSClient as `endpoint`. */
  endpoint: string;
  /**
   * Serves the account as it stands at this instant from now on (a snapshot taken at 06:00 does not see a
   * user created at 09:12). CloudTrail's event history grows on from it with real time, as a collection's
   * own clock does, so events made while a run reads are not lost between its reads.
   */
  setDate(date: Date): void;
  /** Requests received, counted live: by IAM/STS action and by CloudTrail operation. */
  requests: { total: number; byAction: Record<string, number> };
  /** CloudTrail error replies served, by `operation:code` (e.g. `LookupEvents:ThrottlingException`). */
  cloudTrailErrors: Readonly<Record<string, number>>;
  /** The anchor day of the drift history (UTC midnight). */
  historyEnd: Date;
  /** The estate currently served. */
  estate(): IamEstate;
  /** The trails currently served. */
  cloudTrail(): CloudTrailEstate;
  /** The AWS organisation currently served. */
  organization(): Organization;
  /** `<endpoint>/api/v3`: the GitHub API root of the simulated organization (GraphQL at /api/graphql). */
  githubBaseUrl: string;
  /** The simulated GitHub organization (its request counts, its planted changes). */
  github: GitHubSandbox;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const MAX_CACHED_DAYS = 400;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const pageSize = options.pageSize ?? 25;
  const historyEnd = utcMidnight(options.historyEnd ?? new Date());
  const estateOptions = {
    users: options.users,
    groups: options.groups,
    roles: options.roles,
    policies: options.policies,
    seed: options.seed ?? DEFAULT_ESTATE_SEED,
    historyEnd,
  };
  const reports = new CredentialReportJobs(options.reportReadyAfterPolls ?? 1);
  const cloudTrail = new CloudTrailService({
    ...estateOptions,
    eventsPerDay: options.eventsPerDay,
    paddedRegions: options.paddedRegions,
    lookupEventsPerSecond: options.lookupEventsPerSecond,
  });
  const access = options.access ?? {};
  const { token, tokenScopes, deniedPermissions, ...githubModel } = options.github ?? {};
  const github = new GitHubSandbox({ historyEnd, seed: options.seed, ...githubModel, access: { token, tokenScopes, deniedPermissions } });
  const organizationOptions = { historyEnd, memberAccounts: options.organization?.memberAccounts };
  const organizationPageSize = options.organization?.pageSize ?? 20;
  const sessions = new RoleSessions(organizationOptions);
  // Replies to a member account's session: every account is a copy of the workload account's estate,
  // its account id in every ARN and field replaced by the member's own.
  const memberAccount = new WeakMap<ServerResponse, string>();
  const requests = { total: 0, byAction: {} as Record<string, number> };
  // CloudTrail errors served, by `operation:code` (ThrottlingException among them).
  const errors: Record<string, number> = {};
  const count = (action: string) => {
    requests.total++;
    requests.byAction[action] = (requests.byAction[action] ?? 0) + 1;
  };
  let now = options.date ?? new Date();
  let setAt = performance.now();
  /** The simulated clock: the instant set, running on with real time since. */
  const clock = () => new Date(now.getTime() + Math.floor(performance.now() - setAt));

  // An estate is a pure function of its instant: build each instant served once.
  const estates = new Map<string, IamEstate>();
  const currentEstate = (): IamEstate => {
    const instant = now.toISOString();
    let estate = estates.get(instant);
    if (!estate) {
      if (estates.size >= MAX_CACHED_DAYS) estates.clear();
      estate = buildIamEstate(now, estateOptions);
      estates.set(instant, estate);
    }
    return estate;
  };

  const send = (res: ServerResponse, status: number, contentType: string, reply: string, requestId: string) => {
    const account = memberAccount.get(res);
    const body = account === undefined ? reply : reply.replaceAll(SANDBOX_ACCOUNT_ID, account);
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': requestId,
    });
    res.end(body);
  };

  const handleCloudTrail = async (req: IncomingMessage, res: ServerResponse, op: string, requestId: string, readAlready?: string) => {
    count(op);
    let status = 200;
    let body: string;
    try {
      const refused = accessRefusal(access, 'json', `cloudtrail:${op}`, req.headers.authorization);
      if (refused) throw new QueryFailure(refused);
      body = cloudTrail.handle(op, readAlready ?? (await readBody(req)), signedRegion(req.headers.authorization), now, clock());
    } catch (err) {
      const error: QueryError = err instanceof QueryFailure ? err.error : { status: 500, code: 'InternalFailure', message: String(err) };
      status = error.status;
      body = errorJson(error.code, error.message);
      errors[`${op}:${error.code}`] = (errors[`${op}:${error.code}`] ?? 0) + 1;
    }
    send(res, status, JSON_CONTENT_TYPE, body, requestId);
  };

  // The Account API speaks REST JSON: errors name their code in a header as well as the body.
  const handleAccount = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    count('ListRegions');
    try {
      const refused = accessRefusal(access, 'rest', 'account:ListRegions', req.headers.authorization);
      if (refused) throw new QueryFailure(refused);
      send(res, 200, 'application/json', listRegions(await readBody(req)), requestId);
    } catch (err) {
      const error: QueryError = err instanceof QueryFailure ? err.error : { status: 500, code: 'InternalServerException', message: String(err) };
      res.setHeader('x-amzn-errortype', error.code);
      send(res, error.status, 'application/json', JSON.stringify({ message: error.message }), requestId);
    }
  };

  // CloudWatch Logs (JSON 1.1) and CloudWatch (JSON 1.0): one operation each, on security-trail's log group.
  const handleMonitoring = async (req: IncomingMessage, res: ServerResponse, op: string, contentType: string, requestId: string) => {
    count(op);
    let status = 200;
    let body: string;
    try {
      const service = op === 'DescribeAlarmsForMetric' ? 'cloudwatch' : 'logs';
      const refused = accessRefusal(access, 'json', `${service}:${op}`, req.headers.authorization);
      if (refused) throw new QueryFailure(refused);
      const request = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      const region = signedRegion(req.headers.authorization);
      if (op === 'DescribeMetricFilters') body = describeMetricFilters(request, region, now, estateOptions);
      else if (op === 'DescribeAlarmsForMetric') body = describeAlarmsForMetric(request, region, now, estateOptions);
      else body = fail(400, 'UnknownOperationException', `Unknown operation ${op}.`);
    } catch (err) {
      const error: QueryError = err instanceof QueryFailure ? err.error : { status: 500, code: 'InternalFailure', message: String(err) };
      status = error.status;
      body = errorJson(error.code, error.message);
    }
    send(res, status, contentType, body, requestId);
  };

  // IAM Access Analyzer speaks REST JSON: errors name their code in a header as well as the body.
  const handleAccessAnalyzer = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => {
    const op = url.pathname === '/analyzer' ? 'ListAnalyzers' : 'ListFindings';
    count(op);
    try {
      const refused = accessRefusal(access, 'rest', `access-analyzer:${op}`, req.headers.authorization);
      if (refused) throw new QueryFailure(refused);
      const reply = accessAnalyzerReply(req.method ?? 'GET', url, await readBody(req), signedRegion(req.headers.authorization), now, estateOptions);
      send(res, 200, 'application/json', reply, requestId);
    } catch (err) {
      const error: QueryError = err instanceof QueryFailure ? err.error : { status: 500, code: 'InternalServerException', message: String(err) };
      res.setHeader('x-amzn-errortype', error.code);
      send(res, error.status, 'application/json', JSON.stringify({ message: error.message }), requestId);
    }
  };

  // GitHub Enterprise Server's layout: REST under /api/v3, GraphQL at /api/graphql.
  const handleGitHub = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
    const base = `http://${req.headers.host ?? '127.0.0.1'}/api/v3`;
    const reply = github.handle({ method: req.method ?? 'GET', path, headers: { ...headers, 'x-sandbox-base': base }, body: await readBody(req) }, now);
    res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  };

  // Organizations speaks JSON 1.1, with `Message` (not `message`) in its errors.
  const handleOrganizations = async (req: IncomingMessage, res: ServerResponse, op: string, requestId: string) => {
    count(op);
    const caller = sessions.sessionOf(req.headers.authorization) ?? STATIC_CALLER;
    try {
      const body = organizationsReply(op, await readBody(req), {
        now,
        callerAccount: caller.account,
        pageSize: organizationPageSize,
        options: organizationOptions,
      });
      send(res, 200, JSON_CONTENT_TYPE, body, requestId);
    } catch (err) {
      const error: QueryError = err instanceof QueryFailure ? err.error : { status: 500, code: 'ServiceException', message: String(err) };
      send(res, error.status, JSON_CONTENT_TYPE, organizationsErrorJson(error.code, error.message), requestId);
    }
  };

  // IAM Identity Center and the identity store speak JSON 1.1, with `Message` in their errors.
  const identityCenterOptions = {
    ...organizationOptions,
    padding: { permissionSets: options.identityCenter?.permissionSets, users: options.identityCenter?.users, assignments: options.identityCenter?.assignments },
  };
  const handleIdentityCenter = async (req: IncomingMessage, res: ServerResponse, service: 'sso-admin' | 'identitystore', op: string, requestId: string) => {
    count(op);
    const caller = sessions.sessionOf(req.headers.authorization) ?? STATIC_CALLER;
    try {
      const body = identityCenterReply(service, op, await readBody(req), {
        now,
        callerAccount: caller.account,
        pageSize: options.identityCenter?.pageSize ?? 100,
        options: identityCenterOptions,
      });
      send(res, 200, JSON_CONTENT_TYPE, body, requestId);
    } catch (err) {
      const error: QueryError = err instanceof QueryFailure ? err.error : { status: 500, code: 'InternalServerException', message: String(err) };
      send(res, error.status, JSON_CONTENT_TYPE, organizationsErrorJson(error.code, error.message), requestId);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    const url = req.url ?? '/';
    if (url.startsWith('/api/v3/')) return handleGitHub(req, res, url.slice('/api/v3'.length));
    if (url === '/api/graphql') return handleGitHub(req, res, '/graphql');
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith(ORGANIZATIONS_TARGET_PREFIX)) {
      return handleOrganizations(req, res, target.slice(ORGANIZATIONS_TARGET_PREFIX.length), requestId);
    }
    if (typeof target === 'string' && target.startsWith(SSO_ADMIN_TARGET_PREFIX)) {
      return handleIdentityCenter(req, res, 'sso-admin', target.slice(SSO_ADMIN_TARGET_PREFIX.length), requestId);
    }
    if (typeof target === 'string' && target.startsWith(IDENTITY_STORE_TARGET_PREFIX)) {
      return handleIdentityCenter(req, res, 'identitystore', target.slice(IDENTITY_STORE_TARGET_PREFIX.length), requestId);
    }
    const session = sessions.sessionOf(req.headers.authorization);
    if (session && session.account !== SANDBOX_ACCOUNT_ID) {
      memberAccount.set(res, session.account);
      // The management account's own resources (its organisation trail) keep its id in the requests that name them.
      if (session.account !== MANAGEMENT_ACCOUNT_ID) memberRequests.set(req, session.account);
    }
    if (req.method === 'POST' && new URL(req.url ?? '/', 'http://sandbox').pathname === LIST_REGIONS_PATH) {
      return handleAccount(req, res, requestId);
    }
    const path = new URL(url, 'http://sandbox');
    if (path.pathname === '/analyzer' || path.pathname === '/finding') return handleAccessAnalyzer(req, res, path, requestId);
    if (typeof target === 'string' && target.startsWith(CLOUDTRAIL_TARGET_PREFIX)) {
      const op = target.slice(CLOUDTRAIL_TARGET_PREFIX.length);
      // The management account's Identity Center and Organizations history (identity-center-events.ts).
      if (op === 'LookupEvents' && session?.account === MANAGEMENT_ACCOUNT_ID) {
        const body = await readBody(req);
        // These records name other accounts (the one an assignment is for): never rewritten.
        memberAccount.delete(res);
        let reply: string | undefined;
        try {
          reply = identityCenterLookup(body, signedRegion(req.headers.authorization), clock(), identityCenterOptions);
        } catch (err) {
          const error: QueryError = err instanceof QueryFailure ? err.error : { status: 500, code: 'InternalFailure', message: String(err) };
          count(op);
          return send(res, error.status, JSON_CONTENT_TYPE, errorJson(error.code, error.message), requestId);
        }
        if (reply !== undefined) {
          count(op);
          return send(res, 200, JSON_CONTENT_TYPE, reply, requestId);
        }
        memberAccount.set(res, session.account);
        return handleCloudTrail(req, res, op, requestId, body);
      }
      return handleCloudTrail(req, res, op, requestId);
    }
    if (typeof target === 'string' && target.startsWith(LOGS_TARGET_PREFIX)) {
      return handleMonitoring(req, res, target.slice(LOGS_TARGET_PREFIX.length), JSON_CONTENT_TYPE, requestId);
    }
    if (typeof target === 'string' && target.startsWith(CLOUDWATCH_TARGET_PREFIX)) {
      return handleMonitoring(req, res, target.slice(CLOUDWATCH_TARGET_PREFIX.length), 'application/x-amz-json-1.0', requestId);
    }
    let namespace = IAM_NAMESPACE;
    let status = 200;
    let body: string;
    try {
      // Query parameters may come in the URL (GET) or the form body (POST, what the SDK sends).
      const params = new URLSearchParams(new URL(req.url ?? '/', 'http://sandbox').search);
      for (const [key, value] of new URLSearchParams(await readBody(req))) params.append(key, value);
      const action = params.get('Action');
      count(action ?? '(none)');
      if (params.get('Version') === '2011-06-15' || (action !== null && STS_ACTIONS.has(action))) {
        namespace = STS_NAMESPACE;
        // STS replies carry their own account ids (the caller's, the role's): never rewritten.
        memberAccount.delete(res);
      }
      if (!action) fail(400, 'MissingAction', 'The request is missing an action or a required parameter.');
      // SNS speaks the same query protocol, under its own version and namespace.
      if (params.get('Version') === SNS_VERSION) {
        namespace = SNS_NAMESPACE;
        const refusedSns = accessRefusal(access, 'query', `sns:${action}`, req.headers.authorization);
        if (refusedSns) throw new QueryFailure(refusedSns);
        if (action !== 'ListSubscriptionsByTopic') fail(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
        body = successXml(action, namespace, listSubscriptionsByTopic(params, now, estateOptions), requestId);
        return send(res, 200, 'text/xml', body, requestId);
      }
      const refused = accessRefusal(access, 'query', `${namespace === STS_NAMESPACE ? 'sts' : 'iam'}:${action}`, req.headers.authorization);
      if (refused) throw new QueryFailure(refused);
      const run = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
      if (!run) fail(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
      const result = run(params, { estate: currentEstate(), now, pageSize, reports, caller: session, sessions });
      body = successXml(action, namespace, result, requestId);
    } catch (err) {
      const error: QueryError = err instanceof QueryFailure ? err.error : { status: 500, code: 'ServiceFailure', message: String(err) };
      status = error.status;
      body = errorXml(namespace, error, requestId);
    }
    send(res, status, 'text/xml', body, requestId);
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    setDate(date: Date) {
      if (Number.isNaN(date.getTime())) throw new RangeError('setDate needs a valid date');
      now = new Date(date.getTime());
      setAt = performance.now();
    },
    requests,
    cloudTrailErrors: errors,
    historyEnd,
    estate: currentEstate,
    cloudTrail: () => cloudTrail.estate(now),
    organization: () => organizationAt(now, organizationOptions),
    githubBaseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}/api/v3`,
    github,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // The SDK keeps connections alive; without this close() would wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}

function utcMidnight(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Requests signed by a member account's session: the ARNs they send name the member, the estate the workload account. */
const memberRequests = new WeakMap<IncomingMessage, string>();

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) fail(413, 'RequestEntityTooLarge', 'Request body too large.');
    chunks.push(buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const member = memberRequests.get(req);
  return member === undefined ? body : body.replaceAll(member, SANDBOX_ACCOUNT_ID);
}
