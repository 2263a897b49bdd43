import { z } from 'zod';

const earliestInstant = Date.parse('0001-01-01T00:00:00.000Z');
const latestInstant = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * RFC 3339 timestamp with a zone (`Z` or an offset); seconds fraction optional. Parsed as an instant and carried on in
 * one form, UTC with milliseconds (`2026-11-26T09:59:58.000Z`): every hop compares and stores the same text, and an
 * offset such as `+23:59` that PostgreSQL would refuse never reaches it. Instants outside years 1–9999 are refused.
 */
export const timestamp = z.codec(
  z.iso.datetime({ offset: true }).refine((text) => {
    const instant = Date.parse(text);
    return !Number.isNaN(instant) && instant >= earliestInstant && instant <= latestInstant;
  }, 'must be an instant between years 0001 and 9999 (UTC)'),
  z.string(),
  // Encoding (e.g. a response serialiser) leaves the normalised text as it is.
  { decode: (text) => new Date(Date.parse(text)).toISOString(), encode: (text) => text },
);

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
