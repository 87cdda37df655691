// How an emulated AWS action refuses a request: `fail` throws a QueryFailure, which the server turns
// into the AWS error of its protocol (query/XML or JSON). Its own module: every emulator uses it, so none
// imports another emulator for it.
import type { QueryError } from './iam-xml.js';

export class QueryFailure extends Error {
  constructor(readonly error: QueryError) {
    super(error.message);
  }
}
// A declared function (not an arrow) so the compiler narrows after calls to it.
export function fail(status: number, code: string, message: string): never {
  throw new QueryFailure({ status, code, message });
}
