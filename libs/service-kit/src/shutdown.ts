import type { Logger } from 'pino';

export type ShutdownStep = { name: string; run: () => Promise<unknown> | unknown };

/**
 * Runs the steps in order under one deadline (e.g. not ready → consumers → relay → producer → http → pool),
 * then exits. A second signal, or the deadline, exits at once with a non-zero code.
 */
export function installShutdown(logger: Logger, steps: ShutdownStep[], deadlineMs = 15_000): () => Promise<void> {
  let shuttingDown = false;
  const shutdown = async (reason: string, exitCode = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        exitCode = 1;
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return () => shutdown('fatal error', 1);
}
