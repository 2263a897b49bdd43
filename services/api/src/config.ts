import { z } from 'zod';
import { baseConfigShape, cpuNiceness } from '@bg/service-kit';
import { parseApiTokens } from './domain/auth';

/**
 * `API_TOKENS`: comma-separated `<scope>:sha256:<hex>` entries (scope `read` or `admin`), the hex being the SHA-256
 * of the bearer token. There is no default: a service without tokens would be either open or useless.
 */
const apiTokens = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'required: comma-separated <scope>:sha256:<hex> entries, scope read or admin'
        : undefined,
  })
  .transform((value, ctx) => {
    const parsed = parseApiTokens(value);
    for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
    return parsed.tokens;
  });

export const apiConfigSchema = z.object({
  ...baseConfigShape,
  API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  API_HOST: z.string().trim().min(1).default('127.0.0.1'),
  API_TOKENS: apiTokens,
  /** The preview evaluates at most this many accounts and says so when it stops early. */
  PREVIEW_MAX_ACCOUNTS: z.coerce.number().int().min(1).default(50_000),
  /** Rows beyond this in one import file are not read (the answer says so). */
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).default(100_000),
  /** The role model is retrained this long after the last opportunity change (CONTRACT.md §8). */
  AI_RETRAIN_DEBOUNCE_MS: z.coerce.number().int().min(0).default(2_000),
  /** The read model and its HTTP reads yield the CPU to the path that publishes group versions (see the README). */
  CPU_NICENESS: cpuNiceness(10),
});
export type ApiConfig = z.infer<typeof apiConfigSchema>;
