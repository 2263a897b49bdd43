import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { buildProblem, problemContentType } from '../domain/problem';

/**
 * Answers what Node's HTTP parser refuses before fastify sees a request — a request line and headers larger than
 * `maxHeaderSize` (a long query string), a request that is not HTTP, a client too slow to send one — as
 * application/problem+json like every other error (fastify's default answers application/json). There is no request
 * yet, so the problem has no `instance`. Used as fastify's `clientErrorHandler`.
 */
export function clientErrorHandler(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A connection the client reset has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] = problemFor(error.code);
  this.log.debug({ err: error }, 'refused a request the HTTP parser could not read');
  if (socket.writable) {
    const { type, title } = buildProblem(status, detail, '');
    const body = JSON.stringify({ type, title, status, detail });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${problemContentType}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function problemFor(code: string): [number, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        `the request line and headers are too large: together they must fit in ${maxHeaderSize} bytes; ` +
          'shorten the query string or the headers',
      ];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'the request was not received in time'];
    default:
      return [400, `the request is not valid HTTP/1.1 (${code})`];
  }
}
