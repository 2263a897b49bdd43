import { z } from 'zod';
import { defaultMaxMessageBytes } from '@bg/contracts';

/** Thrown when the environment does not fit the schema; `issues` lists every bad key at once. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` once against `schema`, reporting every bad variable together (never one at a time).
 * Services call this in `main.ts` and inject the result; nothing else reads process.env.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
}

/** `"true"`/`"false"` only: `z.coerce.boolean()` would turn "false" into true. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

/** A CPU niceness, 0 (normal) to 19 (lowest), with this service's default. */
export const cpuNiceness = (fallback: number) => z.coerce.number().int().min(0).max(19).default(fallback);

/** A comma-separated list of non-empty strings. */
export const commaList = z
  .string()
  .min(1)
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0, 'must name at least one entry');

/** Settings every service shares (CONTRACT.md §6). */
export const baseConfigShape = {
  KAFKA_BROKERS: commaList,
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prefix for every topic name; lets tests and parallel environments share one broker. */
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  /** Port of the service's ops endpoints (/healthz, /readyz, /metrics); 0 picks a free one. */
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Address of the ops endpoints: loopback on a shared machine; `0.0.0.0` in a pod, where the kubelet probes them. */
  OPS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /**
   * The one size setting: the largest message any topic takes (the broker's `message.max.bytes` and every topic's
   * `max.message.bytes` are set from it), the largest value a consumer accepts (larger inbound events are
   * dead-lettered as `too-large`) and the largest an outbox relay sends (larger ones are parked).
   */
  MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(defaultMaxMessageBytes),
  /**
   * A consumer's fetch returns once this many bytes are there, or after KAFKA_FETCH_MAX_WAIT_MS: under a light load, a
   * few milliseconds of patience make fuller chunks, so fewer transactions and broker requests per event.
   */
  KAFKA_FETCH_MIN_BYTES: z.coerce.number().int().min(1).default(1),
  KAFKA_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(1).max(10_000).default(500),
  /**
   * How often a service checks its own tables and analyses / vacuums those past autovacuum's thresholds (the server's
   * autovacuum may be off, and visits only once a minute when on); 0 leaves it all to the server.
   */
  DB_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(0).default(2_000),
  /**
   * Where traces go, over OTLP/HTTP (the collector's base URL; `/v1/traces` is added), as the OpenTelemetry variable of
   * the same name says. Unset: no SDK is registered and every span is a no-op.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The process's CPU niceness (0–19). A service off the path from a CRM change to its public group version (the
   * API's read model, enrichment) defaults higher, so that on a machine whose cores are all busy that path goes first.
   */
  CPU_NICENESS: cpuNiceness(0),
};
export const baseConfigSchema = z.object(baseConfigShape);
export type BaseConfig = z.infer<typeof baseConfigSchema>;
