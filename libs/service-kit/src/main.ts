import type { z } from 'zod';
import { setCpuNiceness } from './cpu-priority';
import { ConfigError, loadConfig, type BaseConfig } from './config';
import { createLogger, type Logger } from './logger';
import { installShutdown } from './shutdown';
import { startTracing } from './telemetry';

/**
 * Entry-point wrapper: a bad configuration prints every problem and exits 2; any other start-up failure exits 1.
 * Either way a supervisor sees a non-zero code instead of a half-started process.
 */
export function runMain(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error('failed to start:', error);
    process.exit(1);
  });
}

/**
 * The whole `main.ts` of a service: config → logger → start (which waits for its dependencies and migrates) →
 * ordered shutdown on SIGTERM/SIGINT, and a non-zero exit when a consumer crashes for good (so a supervisor restarts
 * the process clean).
 */
export function runServiceMain<S extends z.ZodType<BaseConfig>>(opts: {
  name: string;
  configSchema: S;
  start: (
    config: z.infer<S>,
    logger: Logger,
    onFatal: (error: unknown) => void,
  ) => Promise<{ stop: () => Promise<void> }>;
}): void {
  runMain(async () => {
    const config = loadConfig(opts.configSchema);
    setCpuNiceness(config.CPU_NICENESS);
    const logger = createLogger(opts.name, config.LOG_LEVEL);
    const tracing = startTracing(opts.name, config.OTEL_EXPORTER_OTLP_ENDPOINT);
    // Installed before start: a service still waiting for its dependencies stops at once on SIGTERM.
    let service: { stop: () => Promise<void> } | null = null;
    const shutdownOnFatal = installShutdown(logger, [
      { name: opts.name, run: () => service?.stop() },
      // Last, so the spans of the shutdown's own work go too.
      { name: 'traces', run: () => tracing.stop() },
    ]);
    service = await opts.start(config, logger, (error) => {
      logger.fatal({ err: error }, 'consumer crashed');
      void shutdownOnFatal();
    });
  });
}
