// ARN parsing: the partition (`aws`, `aws-us-gov`, `aws-cn`) and account of an ARN. Evidence ids are
// built in the partition the credentials belong to, never assumed to be the commercial one.
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  /** 12 digits, `aws` for AWS-managed policies, or empty for global resources such as S3 buckets. */
  accountId: string;
  resource: string;
}

const ARN = /^arn:([a-z][a-z0-9-]*):([a-z0-9-]+):([a-z0-9-]*):([a-z0-9]*):(.+)$/;

export function parseArn(arn: string): ParsedArn | undefined {
  const match = ARN.exec(arn);
  if (!match) return undefined;
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = match;
  return { partition, service, region, accountId, resource };
}
