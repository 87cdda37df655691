// @octokit/fixtures ships no types: the part the tests use.
declare module '@octokit/fixtures' {
  interface RecordedDefinition {
    scope: string;
    method: string;
    path: string;
    status: number;
    response: unknown;
    headers: Record<string, string>;
    reqheaders?: Record<string, string | number>;
  }
  const fixtures: { get(name: string): RecordedDefinition[] };
  export default fixtures;
}
