import { z } from 'zod';
import { baseConfigShape } from '@bg/service-kit';

export const roleAssignmentConfigSchema = z.object({
  ...baseConfigShape,
  /** Accounts per transaction when a solution interest is (re)defined. */
  RECOMPUTE_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
});
export type RoleAssignmentConfig = z.infer<typeof roleAssignmentConfigSchema>;
