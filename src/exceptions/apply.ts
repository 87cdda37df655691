// Which exception, if any, covers a failing finding on a day: same check, resource matching the glob,
// approved on or before the day and not expired (the expiry day itself still counts).
import { globMatch } from '../glob.js';
import type { AcceptedException } from './schema.js';

export interface ExceptedFinding {
  checkId: string;
  resourceId: string;
  status: string;
}

/** The exception covering a failing finding on `day` (YYYY-MM-DD), or undefined. Only fails are excepted. */
export function exceptionFor(finding: ExceptedFinding, exceptions: readonly AcceptedException[], day: string): AcceptedException | undefined {
  if (finding.status !== 'fail') return undefined;
  return exceptions.find((e) => e.check === finding.checkId && e.approved <= day && day <= e.expires && globMatch(e.resource, finding.resourceId));
}
