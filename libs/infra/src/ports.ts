import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Fails with a clear message when something already listens on 127.0.0.1:`port`. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} (for ${what}) is already taken on 127.0.0.1; stop what uses it or choose another port`
            : `cannot bind port ${port} for ${what}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/**
 * A port free right now, for a server that a process starts a moment later. Chosen below the kernel's ephemeral range:
 * a port from that range (what listening on port 0 gives) may meanwhile become the local end of any outgoing
 * connection, and a long-lived one (a Kafka or PostgreSQL client) then keeps the server from ever listening — a full
 * bench run lost its ingestion service that way. Below the range, only another listener can take it.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralRangeStart();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (below - 10_000));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between 10000 and ${below}`);
}

/** Where outgoing connections' local ports start (Linux; 32768, its default, elsewhere). */
export function ephemeralRangeStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 11_000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
