// The template-source collector against nock: the accounts endpoint read with its token, one evidence
// document per account, MFA judged per account; an HTTP error and a response of another shape fail
// the run with the URL and the field named.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { templateSource } from '../../collectors/_template/index.js';
import { templateSourceOptionsSchema } from '../../collectors/_template/schema.js';
import { evaluateChecks } from '../../src/evaluate-checks.js';
import { contextFor } from '../helpers/collect-context.js';

const URL_ = 'https://accounts.example.test/api/accounts';
const TOKEN = 'test-secret-not-real-template';
const accounts = JSON.parse(readFileSync(new URL('../fixtures/_template/accounts.json', import.meta.url), 'utf8')) as nock.Body;
const options = templateSourceOptionsSchema.parse({ url: URL_, token: TOKEN });

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('the template-source collector', () => {
  it('reads every account with the token and judges MFA per account', async () => {
    const scope = nock('https://accounts.example.test').matchHeader('authorization', `Bearer ${TOKEN}`).get('/api/accounts').reply(200, accounts);
    const { ctx, apiCalls } = contextFor(templateSource, options, { clientEnvironment: {} });
    const result = await templateSource.collect(ctx);
    scope.done();
    expect(apiCalls()).toBe(1);
    expect(ctx.scope.key).toBe('accounts.example.test');
    expect(result.evidence.map((e) => e.resourceId)).toEqual(['u-100', 'u-101']);
    const { findings } = evaluateChecks(templateSource.checks, result.evidence, result.errors, options, new Date(0), 'test');
    expect(findings.map((f) => [f.resourceId, f.status, f.message])).toEqual([
      ['u-100', 'pass', 'account ana (u-100) has MFA'],
      ['u-101', 'fail', 'account bo (u-101) has no MFA'],
    ]);
  });

  it('fails the run on an HTTP error, naming the URL', async () => {
    nock('https://accounts.example.test').get('/api/accounts').reply(503, 'unavailable');
    const { ctx } = contextFor(templateSource, options, { clientEnvironment: {} });
    await expect(templateSource.collect(ctx)).rejects.toThrow(`GET ${URL_}: HTTP 503`);
  });

  it('fails the run on a response of another shape, naming the field', async () => {
    nock('https://accounts.example.test')
      .get('/api/accounts')
      .reply(200, { accounts: [{ id: 'u-1', name: 'ana', mfa: true }] });
    const { ctx } = contextFor(templateSource, options, { clientEnvironment: {} });
    await expect(templateSource.collect(ctx)).rejects.toThrow(`GET ${URL_}: unexpected response at accounts.0.mfaEnabled`);
  });

  it('doctor: the preflight proves the token with the one GET, names a refused read and bad credentials', async () => {
    const scope = nock('https://accounts.example.test')
      .get('/api/accounts')
      .reply(200, accounts)
      .get('/api/accounts')
      .reply(403, 'forbidden')
      .get('/api/accounts')
      .reply(401, 'unauthorized');
    const { ctx } = contextFor(templateSource, options, { clientEnvironment: {} });
    const ok = await templateSource.preflight!(ctx);
    const denied = await templateSource.preflight!(ctx);
    const bad = await templateSource.preflight!(ctx);
    scope.done();
    expect(ok.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(denied[1]).toEqual({
      name: templateSource.permissions[0],
      status: 'fail',
      detail: `GET ${URL_}: HTTP 403: give the token read access to the accounts`,
    });
    expect(bad).toEqual([{ name: 'credentials', status: 'fail', detail: `GET ${URL_}: HTTP 401: the token is not valid` }]);
  });
});
