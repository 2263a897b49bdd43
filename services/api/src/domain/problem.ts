/**
 * Problem details (RFC 9457): every error this API answers, in one shape, with a `detail` a person can act on and, for
 * invalid input, the list of offending fields by path.
 */
export type FieldError = { path: string; message: string };

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
};

export const problemContentType = 'application/problem+json';

const kinds: Record<number, { slug: string; title: string }> = {
  400: { slug: 'invalid-request', title: 'Invalid request' },
  401: { slug: 'unauthorized', title: 'Unauthorized' },
  403: { slug: 'forbidden', title: 'Forbidden' },
  404: { slug: 'not-found', title: 'Not found' },
  405: { slug: 'method-not-allowed', title: 'Method not allowed' },
  406: { slug: 'not-acceptable', title: 'Not acceptable' },
  409: { slug: 'conflict', title: 'Conflict' },
  413: { slug: 'payload-too-large', title: 'Payload too large' },
  415: { slug: 'unsupported-media-type', title: 'Unsupported media type' },
  422: { slug: 'unprocessable', title: 'Unprocessable content' },
  429: { slug: 'too-many-requests', title: 'Too many requests' },
  500: { slug: 'internal', title: 'Internal server error' },
  503: { slug: 'unavailable', title: 'Service unavailable' },
};

/** A stable URI per kind of problem, so clients can branch on `type` rather than on text. */
export function problemType(status: number): string {
  return `urn:buying-groups:problem:${(kinds[status] ?? kindFor(status)).slug}`;
}

export function buildProblem(status: number, detail: string, instance: string, errors?: FieldError[]): Problem {
  const { title } = kinds[status] ?? kindFor(status);
  return {
    type: problemType(status),
    title,
    status,
    detail,
    instance,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** Thrown by handlers for an answer other than success; the error handler turns it into problem+json. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export const notFound = (detail: string) => new ProblemError(404, detail);
export const conflict = (detail: string) => new ProblemError(409, detail);

/** 400 with field errors; the detail leads with the first so that a one-line log still says what to fix. */
export function invalid(where: string, errors: FieldError[]): ProblemError {
  return new ProblemError(400, summarize(where, errors), errors);
}

export function summarize(where: string, errors: FieldError[]): string {
  const [first] = errors;
  if (!first) return `${where} is invalid`;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `${where} is invalid: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`;
}

function kindFor(status: number): { slug: string; title: string } {
  return status >= 500 ? kinds[500]! : kinds[400]!;
}
