import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { describeIssues, type RequestPart } from '../domain/issues';
import { summarize, type FieldError } from '../domain/problem';

const parts: Record<string, RequestPart> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };
const wording: Record<RequestPart, string> = {
  body: 'the request body',
  query: 'the query string',
  params: 'the path',
  headers: 'the request headers',
};

/** Invalid input in one part of the request, already described field by field. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
  constructor(
    readonly part: RequestPart,
    readonly errors: FieldError[],
  ) {
    super(summarize(wording[part], errors));
    this.name = 'RequestValidationError';
  }
}

/**
 * Validates with the route's zod schema (the same one the OpenAPI document is generated from) and describes failures
 * with paths such as `body.slots[0].conditions.all[1].op` and messages a person can act on.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    const part = parts[httpPart ?? 'body'] ?? 'body';
    return { error: new RequestValidationError(part, describeIssues(part, result.error.issues, data)) };
  };
