import { parseEvents, type StreamEvent } from './sse';
import { session } from './session';

/** A problem+json answer (or a failure to reach the API), with what to show the operator. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Signing out when the API refuses the token: the app listens for this. */
export const unauthorized = new EventTarget();

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = session.token();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (response.ok) return body as T;
  const problem = (body ?? {}) as { detail?: string; title?: string; errors?: { path: string; message: string }[] };
  if (response.status === 401) unauthorized.dispatchEvent(new Event('401'));
  throw new ApiError(response.status, problem.detail ?? problem.title ?? response.statusText, problem.errors ?? []);
}

export async function call<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
  let response: Response;
  try {
    const init: RequestInit = { method, headers: headers() };
    if (body !== undefined) {
      const isRaw = typeof body === 'string' || body instanceof Blob;
      init.body = isRaw ? (body as BodyInit) : JSON.stringify(body);
      init.headers = headers({ 'content-type': contentType ?? 'application/json' });
    }
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'the API does not answer: is it running?');
  }
  return answer<T>(response);
}

export const get = <T>(path: string) => call<T>('GET', path);

/** A query string of the values that are set. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/**
 * Follows a server-sent event stream with fetch (EventSource cannot send the Authorization header). Reconnects after
 * a drop; `onOpen(again)` runs on every connection, `again` telling the caller that it may have missed changes.
 * Returns the function that stops following.
 */
export function follow(
  path: string,
  handlers: {
    onEvent: (event: StreamEvent) => void;
    onState: (state: LiveState) => void;
    onOpen: (again: boolean) => void;
  },
): () => void {
  const abort = new AbortController();
  let connections = 0;
  const run = async () => {
    while (!abort.signal.aborted) {
      handlers.onState(connections === 0 ? 'connecting' : 'reconnecting');
      try {
        const response = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal: abort.signal });
        if (response.status === 401) {
          unauthorized.dispatchEvent(new Event('401'));
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseEvents(buffer + value);
          buffer = parsed.rest;
          for (const event of parsed.events) {
            if (event.event === 'ready') {
              handlers.onState('live');
              handlers.onOpen(connections > 0);
              connections++;
            } else handlers.onEvent(event);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      if (connections === 0) connections = 1;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  };
  void run();
  return () => abort.abort();
}
