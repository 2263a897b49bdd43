import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultMaxMessageBytes } from '@bg/contracts';
import { repoRoot } from '@bg/infra';

/** Settings of the local stack, from env with defaults that suit one developer machine. */
export function localSettings(env: NodeJS.ProcessEnv = process.env, options: { kafkaNodes?: number } = {}) {
  const runDir = env.BG_RUN_DIR ?? join(repoRoot, '.run');
  return {
    runDir,
    kafkaDir: join(runDir, 'kafka'),
    logsDir: join(runDir, 'logs'),
    pidsDir: join(runDir, 'pids'),
    kafkaPort: Number(env.KAFKA_PORT ?? 9092),
    kafkaControllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? 9093),
    /** Brokers started here (`--brokers`): 1, or a cluster whose node n listens on the ports above + 2(n−1). */
    kafkaNodes: options.kafkaNodes ?? 1,
    /** When set, an already running broker is used and none is started. */
    externalBrokers: env.KAFKA_BROKERS,
    postgresAdminUrl: env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/buying_groups',
    apiPort: Number(env.API_PORT ?? 8080),
    partitions: Number(env.KAFKA_PARTITIONS ?? 6),
    /** The one size setting (MAX_MESSAGE_BYTES): the broker, every topic and every service get it. */
    maxMessageBytes: Number(env.MAX_MESSAGE_BYTES ?? defaultMaxMessageBytes),
    topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
export type LocalSettings = ReturnType<typeof localSettings>;

/**
 * The command line of `npm start` and `npm run infra:up`: `--brokers N` (Kafka nodes started here, default 1) and
 * `--replicas N` (processes of each service, default 1); a bad value is an error naming it.
 */
export function stackArgs(argv: string[]): { kafkaNodes: number; replicas: number; positionals: string[] } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { brokers: { type: 'string', default: '1' }, replicas: { type: 'string', default: '1' } },
  });
  const count = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a whole number of at least 1, not '${value}'`);
    return n;
  };
  return { kafkaNodes: count('brokers', values.brokers), replicas: count('replicas', values.replicas), positionals };
}
