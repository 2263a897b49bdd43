import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { unstorableBody } from '../domain/json-guard';
import { buildProblem, invalid, problemContentType, ProblemError, type FieldError } from '../domain/problem';
import { RequestValidationError } from '../http/validator';
import { shared } from '../http/shared-plugin';
import { undecodableQueryParameter } from '../http/url-guard';

const jsonOnly = ['application/json'];

/**
 * Every error leaves as application/problem+json (RFC 9457). Input problems keep their 4xx status and say what to
 * fix; anything else is a 500 whose detail points at the log line, never at internals.
 */
export const problemsPlugin = shared('problems', async (app) => {
  // Only JSON bodies by default (no text/plain): anything else is a 415 naming what the route accepts.
  app.removeAllContentTypeParsers();
  const secureJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    // An empty body is no body: clients often send the JSON content type on bodiless POSTs.
    if (text.trim() === '') return done(null, undefined);
    secureJson(request, text, (error, value) => {
      if (error)
        return done(new ProblemError(400, `the request body is not valid JSON: ${jsonProblem(text)}`), undefined);
      // Checked before any schema or route sees the value: a recursive validator would overflow on deep nesting.
      const unstorable = unstorableBody(value);
      if (unstorable) return done(unstorable, undefined);
      done(null, value);
    });
  });

  // Every answer names its request id, which is what a 500's detail and the log refer to.
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // PostgreSQL refuses NUL in text: a %00 anywhere in the URL is an input error, answered before any route runs; so
  // is a query parameter that does not decode to text, which would otherwise be taken literally.
  app.addHook('onRequest', async (request) => {
    if (/%00/.test(request.url)) throw new ProblemError(400, 'the URL holds a NUL character (%00)');
    const undecodable = undecodableQueryParameter(request.url);
    if (undecodable !== null) {
      throw invalid('the query string', [
        {
          path: `query.${undecodable}`,
          message: 'its %-escapes are not UTF-8 text (e.g. %ED%A0%80, half a surrogate pair): escape the UTF-8 bytes',
        },
      ]);
    }
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, `no route ${request.method} ${pathOf(request)}; the routes are listed at /docs`),
  );

  app.setErrorHandler((error: FastifyError | ProblemError | RequestValidationError, request, reply) => {
    if (error instanceof ProblemError) {
      return sendProblem(request, reply, error.status, error.detail, error.errors, error.headers);
    }
    if (error instanceof RequestValidationError) return sendProblem(request, reply, 400, error.message, error.errors);
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_TYPE': {
        const accepts = request.routeOptions.config?.accepts ?? jsonOnly;
        const given = request.headers['content-type'] ? `'${request.headers['content-type']}'` : 'none';
        return sendProblem(
          request,
          reply,
          415,
          `content type ${given} is not accepted here: send ${accepts.join(' or ')}`,
        );
      }
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(request, reply, 413, `the request body is larger than ${app.initialConfig.bodyLimit} bytes`);
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(request, reply, 400, 'the request body does not match its Content-Length');
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) return sendProblem(request, reply, status, error.message);
    request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, 500, `an unexpected error occurred; it is logged with request id ${request.id}`);
  });
});

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string,
  errors?: FieldError[],
  headers?: Record<string, string>,
): FastifyReply {
  if (headers) reply.headers(headers);
  return reply
    .code(status)
    .type(problemContentType)
    .send(buildProblem(status, detail, pathOf(request), errors));
}

// The instance is the path the problem occurred at; the query string may hold values not worth echoing.
const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

function jsonProblem(text: string): string {
  try {
    JSON.parse(text);
    return 'it sets __proto__ or constructor.prototype, which is refused';
  } catch (error) {
    return (error as Error).message;
  }
}
