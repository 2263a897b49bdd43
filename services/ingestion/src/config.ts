import { z } from 'zod';
import { baseConfigShape } from '@bg/service-kit';

export const ingestionConfigSchema = z.object(baseConfigShape);
export type IngestionConfig = z.infer<typeof ingestionConfigSchema>;
