// Recorded GitHub responses from @octokit/fixtures, replayed with the top-level nock 14: its own
// fixtures.mock() uses a nested nock 13 that does not intercept fetch (Octokit 22).
import fixtures from '@octokit/fixtures';
import nock from 'nock';

export const FIXTURE_ORG = 'octokit-fixture-org';
export const FIXTURE_TOKEN = '0000000000000000000000000000000000000001';

/** Defines the scenario's interceptors; `pick` keeps some of them (by index in the recording). */
export function replayRecorded(scenario: string, pick: (index: number) => boolean = () => true): nock.Scope[] {
  const definitions = fixtures
    .get(`api.github.com/${scenario}`)
    .filter((_, index) => pick(index))
    .map((definition) => ({
      ...definition,
      // nock.define wants raw header pairs; the recording has an object.
      rawHeaders: Object.entries(definition.headers).flat(),
      headers: undefined,
      reqheaders: Object.fromEntries(Object.entries(definition.reqheaders ?? {}).filter(([key]) => key !== 'content-length' && key !== 'host')),
    }));
  return nock.define(definitions as unknown as nock.Definition[]);
}
