// Exceptions (accepted risks): a failing finding an approver has accepted until a date. Kept failing,
// marked excepted; an expired exception stops applying by itself.
import { z } from 'zod';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
function isCalendarDay(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const day = (what: string) =>
  z.preprocess(
    // YAML reads an unquoted 2026-01-15 as a date.
    (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value),
    z
      .string({ error: `expected the ${what} as YYYY-MM-DD` })
      .regex(DAY, `expected the ${what} as YYYY-MM-DD`)
      // 2026-02-30 has the shape of a day but is none: refused rather than read as 2 March.
      .refine((value) => !DAY.test(value) || isCalendarDay(value), {
        error: (issue) => `expected the ${what} as a day of the calendar, got "${String(issue.input)}"`,
      }),
  );

export const exceptionSchema = z
  .strictObject({
    /** A stable reference for the exception, e.g. the ticket of its approval. */
    id: z.string().min(1).max(100),
    /** The check it excepts (exact id). */
    check: z.string().regex(/^[a-z0-9]+(_[a-z0-9]+)+$/, 'expected a check id such as github_repo_default_branch_protected'),
    /** Resource ids it covers: a glob, `*` matching any run of characters. */
    resource: z.string().min(1).max(500),
    reason: z.string().min(10, 'expected the reason in a sentence (10 characters or more)'),
    approver: z.string().min(1),
    approved: day('approval date'),
    /** The exception applies up to and including this day; required: accepted risks are reviewed. */
    expires: day('expiry date'),
  })
  .superRefine((exception, ctx) => {
    if (isCalendarDay(exception.approved) && isCalendarDay(exception.expires) && exception.expires < exception.approved) {
      ctx.addIssue({ code: 'custom', path: ['expires'], message: `expected a day on or after the approval (${exception.approved})` });
    }
  });

export const exceptionsFileSchema = z.strictObject({ exceptions: z.array(exceptionSchema).default([]) }).superRefine((file, ctx) => {
  const seen = new Map<string, number>();
  file.exceptions.forEach((exception, index) => {
    const first = seen.get(exception.id);
    if (first === undefined) seen.set(exception.id, index);
    else ctx.addIssue({ code: 'custom', path: ['exceptions', index, 'id'], message: `expected a unique id (exceptions[${first}] is already ${exception.id})` });
  });
});

export type AcceptedException = z.infer<typeof exceptionSchema>;

/** What is stored with each run: the exceptions in force when it was collected. */
export interface ExceptionsEvidence {
  /** The file as configured (a path, never its directory's secrets). */
  source: string;
  exceptions: AcceptedException[];
}

export const EXCEPTIONS_EVIDENCE_TYPE = 'agent.exceptions';
export const EXCEPTIONS_RESOURCE_ID = 'exceptions';

/** The exceptions stored with a snapshot (none when the run had no exceptions file). */
export async function exceptionsStoredWith(
  store: { documentOf(seq: number, type: string, resourceId: string): Promise<{ data: unknown } | undefined> },
  seq: number,
): Promise<AcceptedException[]> {
  const document = await store.documentOf(seq, EXCEPTIONS_EVIDENCE_TYPE, EXCEPTIONS_RESOURCE_ID);
  return (document?.data as ExceptionsEvidence | undefined)?.exceptions ?? [];
}
