import { z } from 'zod';

/** RFC 3339 timestamp with a zone (`Z` or an offset); seconds fraction optional. */
export const timestamp = z.iso.datetime({ offset: true });

/** A non-empty identifier as sent by the source system. */
export const id = z.string().trim().min(1).max(256);

/** Free-form attributes: kept as they come. */
export const attributes = z.record(z.string(), z.unknown());

/** CloudEvents 1.0, JSON structured mode. `data` is validated separately, per `type`. */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id,
  type: z.string().min(1),
  source: z.string().min(1),
  time: timestamp.optional(),
  datacontenttype: z.string().optional(),
  subject: z.string().optional(),
  data: z.unknown(),
});
export type CloudEvent<T = unknown> = Omit<z.infer<typeof cloudEventSchema>, 'data'> & { data: T };
