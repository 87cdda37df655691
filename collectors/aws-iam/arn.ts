// ARN parsing moved to collectors/_aws/ (shared with aws-cloudtrail); re-exported for existing imports.
export { parseArn } from '../_aws/arn.js';
export type { ParsedArn } from '../_aws/arn.js';
