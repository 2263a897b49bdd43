import { ConfigError } from './config';

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
