// The account-wide reads besides the authorization details: password policy, account summary and the
// virtual MFA devices (which tell a root virtual MFA device from a hardware one).
import { GetAccountPasswordPolicyCommand, GetAccountSummaryCommand, NoSuchEntityException, paginateListVirtualMFADevices } from '@aws-sdk/client-iam';
import type { IAMClient, PasswordPolicy } from '@aws-sdk/client-iam';
import { compareStrings } from '../../src/compare-strings.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';
import { IAM_PAGE_SIZE, iamPageGuard } from './pagination.js';
import { resourceIds } from './schema.js';
import type { AccountRef } from './schema.js';

/** The account's password policy, or null when it has none (IAM answers NoSuchEntity). */
export async function readPasswordPolicy(iam: IAMClient, signal: AbortSignal): Promise<PasswordPolicy | null> {
  try {
    const output = await iam.send(new GetAccountPasswordPolicyCommand({}), { abortSignal: signal });
    if (!output.PasswordPolicy) throw new MalformedResponseError('GetAccountPasswordPolicy returned no PasswordPolicy');
    return output.PasswordPolicy;
  } catch (error) {
    if (error instanceof NoSuchEntityException) return null;
    throw error;
  }
}

export async function readAccountSummary(iam: IAMClient, signal: AbortSignal): Promise<Record<string, number>> {
  const output = await iam.send(new GetAccountSummaryCommand({}), { abortSignal: signal });
  if (!output.SummaryMap) throw new MalformedResponseError('GetAccountSummary returned no SummaryMap');
  return output.SummaryMap;
}

export interface RootVirtualMfa {
  /** Serial numbers of virtual MFA devices assigned to the root user, sorted. */
  serials: string[];
  pages: number;
}

export async function readRootVirtualMfa(iam: IAMClient, account: AccountRef, signal: AbortSignal): Promise<RootVirtualMfa> {
  const rootArn = resourceIds.root(account);
  const rootSerial = resourceIds.rootVirtualMfaSerial(account);
  const result: RootVirtualMfa = { serials: [], pages: 0 };
  const pages = paginateListVirtualMFADevices({ client: iam, pageSize: IAM_PAGE_SIZE }, { AssignmentStatus: 'Assigned' }, { abortSignal: signal });
  const guard = iamPageGuard('ListVirtualMFADevices');
  for await (const page of pages) {
    result.pages += 1;
    guard.page(page);
    for (const device of page.VirtualMFADevices ?? []) {
      // Only the serial is kept: the seed and QR code fields are never stored, whatever IAM returns.
      const serial = device.SerialNumber;
      if (serial && (device.User?.Arn === rootArn || serial === rootSerial)) {
        result.serials.push(serial);
      }
    }
  }
  result.serials.sort(compareStrings);
  return result;
}
