// The registry of built-in collectors: alphabetical, one line each. The contract test fails when a
// folder under collectors/ is missing here.
import type { Collector } from '../src/collector.js';
import { awsCloudTrail } from './aws-cloudtrail/index.js';
import { awsIam } from './aws-iam/index.js';
import { awsOrganization } from './aws-organization/index.js';
import { github } from './github/index.js';
import { manual } from './manual/index.js';

// One line each, so adding a collector is a one-line change (npm run new-collector inserts it there):
// prettier-ignore
export const builtinCollectors: readonly Collector[] = [
  awsCloudTrail,
  awsIam,
  awsOrganization,
  github,
  manual,
];
