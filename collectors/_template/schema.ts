// Options of the template-source collector (its section of the config) and the shape of the JSON it
// reads: one GET of an endpoint that lists the system's accounts.
import { z } from 'zod';

export const ACCOUNT_TYPE = 'template-source.account';

export const templateSourceOptionsSchema = z.strictObject({
  /** The endpoint listing the accounts: `{ "accounts": [{ "id", "name", "mfaEnabled" }] }`. */
  url: z.url({ error: 'expected the https URL of the endpoint that lists the accounts' }),
  /** A read-only bearer token, from the environment: token: ${TEMPLATE_SOURCE_TOKEN}. */
  token: z.string().min(1, 'expected a token (put it in an environment variable)').optional(),
  /** Cron schedule for the daemon (default: daily at 05:00). */
  schedule: z.string().optional(),
  timeoutSeconds: z.number().int().min(10).max(86_400).default(300),
});
export type TemplateSourceOptions = z.infer<typeof templateSourceOptionsSchema>;

const accountSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  mfaEnabled: z.boolean(),
});
export type TemplateSourceAccount = z.infer<typeof accountSchema>;

export const accountsResponseSchema = z.object({ accounts: z.array(accountSchema) });
