import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The request target exactly as sent, to check how the client encoded it. */
  rawUrl: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
  rawBody: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent verbatim instead of `body`, e.g. to answer malformed JSON. */
  raw?: string;
  /** Never answer, to exercise client timeouts. */
  hang?: boolean;
}

/** May answer later (a promise), as a provider holding a request does. */
export type Handler = (request: ReceivedRequest) => Reply | Promise<Reply>;

export interface LocalServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 with an OS-assigned port: the providers' stand-in, nothing leaves the machine. */
export async function startLocalServer(handler: Handler): Promise<LocalServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const target = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: target.pathname,
        rawUrl: req.url ?? '/',
        query: target.searchParams,
        headers: req.headers,
        body,
        rawBody,
      };
      requests.push(request);
      void Promise.resolve(handler(request)).then((reply) => {
        if (reply.hang) return;
        const payload = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
        res.writeHead(reply.status, {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...reply.headers,
        });
        res.end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
