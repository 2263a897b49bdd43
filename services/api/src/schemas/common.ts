import { z } from 'zod';

/** Ids the caller chooses for components: short, URL-safe, so they can sit in a path unescaped. */
export const componentId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'must be 1–128 characters: letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
  );

/** Ids that come from the CRMs (accounts, persons) or are derived (buying groups): as the contract allows. */
export const recordId = z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

export const displayName = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
export const description = z.string().max(2000, 'must be at most 2000 characters').nullish();

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (served as application/problem+json)' });

const problemDescriptions: Record<number, string> = {
  400: 'Invalid input: `errors` lists each offending field by path',
  401: 'No token, or a token that is not configured',
  403: 'A read token on a route that needs an admin token',
  404: 'No such resource',
  409: 'The resource is in a state that does not allow this',
  415: 'The body has a content type this route does not accept',
  422: 'Understood, but the data cannot give what was asked (the detail says what is missing)',
};

/** The error answers a route can give, all application/problem+json (also how they are serialized). */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemDescriptions[status] ?? 'Problem',
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    ]),
  );
}

/** An empty query string value means "not given" (e.g. `?cursor=` from a form), not an empty filter. */
export const optionalParam = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/**
 * Fields a client may echo back from a GET (a read-modify-write round trip): accepted and ignored. Any other unknown
 * field is refused, so a misspelt one is reported instead of silently dropped.
 */
export const readOnlyFields = {
  id: z.unknown().optional().describe('read-only; ignored'),
  createdAt: z.unknown().optional().describe('read-only; ignored'),
  updatedAt: z.unknown().optional().describe('read-only; ignored'),
};
