// A local server in front of the sandbox for the secrets test: it forwards every request to the
// sandbox, and answers the few that hand secrets out (STS AssumeRole, a GitHub App installation token),
// echo the caller's credentials in an error (a misbehaving proxy), return a webhook's secret in clear,
// or stand for a Slack webhook that fails and echoes its own URL.
import { createServer, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlantedResponses {
  assumedSecretAccessKey: string;
  assumedSessionToken: string;
  installationToken: string;
  webhookSecret: string;
}

export interface SecretFront {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const xml = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': '00000000-0000-0000-0000-000000000001' });
  res.end(body);
};
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

export async function startSecretFront(sandboxOrigin: string, planted: PlantedResponses): Promise<SecretFront> {
  const target = new URL(sandboxOrigin);
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, edit?: (text: string) => string) => {
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, async (reply) => {
      let payload = await readBody(reply);
      const headers = { ...reply.headers };
      if (edit) {
        payload = Buffer.from(edit(payload.toString('utf8')));
        headers['content-length'] = String(payload.length);
      }
      res.writeHead(reply.statusCode ?? 502, headers);
      res.end(payload);
    });
    upstream.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    upstream.end(body);
  };

  let slackCalls = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const text = body.toString('utf8');
    const url = req.url ?? '/';
    if (text.includes('Action=AssumeRole')) {
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      return xml(
        res,
        200,
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>' +
          `<AccessKeyId>ASSUMEDROLEKEYFORTEST</AccessKeyId><SecretAccessKey>${planted.assumedSecretAccessKey}</SecretAccessKey>` +
          `<SessionToken>${planted.assumedSessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
          '<AssumedRoleUser><AssumedRoleId>AROATESTROLEID:evidence-agent</AssumedRoleId>' +
          '<Arn>arn:aws:sts::111122223333:assumed-role/evidence-reader/evidence-agent</Arn></AssumedRoleUser>' +
          '</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>',
      );
    }
    if (text.includes('Action=GetAccountPasswordPolicy')) {
      // A proxy that echoes the request's credentials into its error.
      const token = String(req.headers['x-amz-security-token'] ?? '');
      return xml(
        res,
        403,
        `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied for session token ${token}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
      );
    }
    if (req.method === 'POST' && /^\/api\/v3\/app\/installations\/\d+\/access_tokens$/.test(url)) {
      return json(res, 201, {
        token: planted.installationToken,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { administration: 'read', members: 'read', metadata: 'read' },
        repository_selection: 'all',
      });
    }
    if (url.startsWith('/api/v3/repos/example-co/payments-api/branches/main/protection')) {
      return json(res, 403, {
        message: `Resource not accessible with ${String(req.headers.authorization)}`,
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    if (url.startsWith('/api/v3/orgs/example-co/hooks')) {
      // GitHub masks a webhook's secret; a reply that does not (with its ETag, so it is cached) is kept
      // from the store all the same.
      return forward(req, res, body, (reply) => reply.replaceAll('"secret":"********"', `"secret":"${planted.webhookSecret}"`));
    }
    if (url.startsWith('/slack/')) {
      // Rate limited with no wait (so the retries take no time), then a failure that quotes the URL.
      slackCalls += 1;
      if (slackCalls % 3 !== 0) {
        res.writeHead(429, { 'retry-after': '0' });
        return res.end();
      }
      return json(res, 500, { ok: false, error: `no_service for http://${req.headers.host}${url}` });
    }
    forward(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
