import { z } from 'zod';
import { baseConfigShape } from '@bg/service-kit';

export const ingestionConfigSchema = z.object({
  ...baseConfigShape,
  /** Larger events are dead-lettered as `too-large`. */
  MAX_EVENT_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
});
export type IngestionConfig = z.infer<typeof ingestionConfigSchema>;
