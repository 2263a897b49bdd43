import { z } from 'zod';

/*
 * ZoomInfo Enterprise API response shapes (api.zoominfo.com: /authenticate, /search/contact, /enrich/contact).
 * Only the fields we read are declared; zod drops the rest, so new provider fields never break us.
 */

const text = z.string().nullish();
/** ZoomInfo ids are numbers in its examples; accept strings too and keep them as strings. */
const zoomInfoId = z.union([z.number(), z.string().min(1)]).transform(String);
const company = z.object({ id: zoomInfoId.optional(), name: text }).nullish();

export const authenticateResponseSchema = z.object({ jwt: z.string().min(1) });

export const searchContactResponseSchema = z.object({
  maxResults: z.number().int().nonnegative().optional(),
  totalResults: z.number().int().nonnegative(),
  currentPage: z.number().int().positive(),
  data: z.array(
    z.object({
      id: zoomInfoId,
      firstName: text,
      lastName: text,
      jobTitle: text,
      contactAccuracyScore: z.number().optional(),
      company,
    }),
  ),
});
export type SearchContactHit = z.infer<typeof searchContactResponseSchema>['data'][number];

const enrichedContactSchema = z.object({
  id: zoomInfoId,
  firstName: text,
  lastName: text,
  email: text,
  jobTitle: text,
  /** e.g. `[{ name: "Executive", department: "C-Suite" }]`. */
  jobFunction: z.array(z.object({ name: text, department: text })).nullish(),
  /** e.g. `["C-Level"]`; a bare string is accepted as well. */
  managementLevel: z.union([z.array(z.string()), z.string()]).nullish(),
  company,
});
export type EnrichedContactData = z.infer<typeof enrichedContactSchema>;

export const enrichContactResponseSchema = z.object({
  success: z.literal(true),
  data: z.object({
    result: z.array(
      z.object({
        matchStatus: z.string(),
        data: z.array(enrichedContactSchema).nullish(),
      }),
    ),
  }),
});
