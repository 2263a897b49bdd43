import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; one child logger per service, and per message in handlers. */
export function createLogger(service: string, level: string): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
