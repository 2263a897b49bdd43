import { z } from 'zod';
import { baseConfigShape } from '@bg/service-kit';

export const roleAssignmentConfigSchema = z.object({
  ...baseConfigShape,
  /** Accounts per transaction when a solution interest is (re)defined. */
  RECOMPUTE_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /**
   * About how many linked people a page of that job may hold in all (an account with more makes a page alone): a page's
   * memory and transaction length follow its people, and a few accounts hold thousands.
   */
  RECOMPUTE_PAGE_PEOPLE: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
});
export type RoleAssignmentConfig = z.infer<typeof roleAssignmentConfigSchema>;
