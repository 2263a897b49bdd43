import { join } from 'node:path';
import { defaultMaxMessageBytes } from '@bg/contracts';
import { repoRoot } from '@bg/infra';

/** Settings of the local stack, from env with defaults that suit one developer machine. */
export function localSettings(env: NodeJS.ProcessEnv = process.env) {
  const runDir = env.BG_RUN_DIR ?? join(repoRoot, '.run');
  return {
    runDir,
    kafkaDir: join(runDir, 'kafka'),
    logsDir: join(runDir, 'logs'),
    pidsDir: join(runDir, 'pids'),
    kafkaPort: Number(env.KAFKA_PORT ?? 9092),
    kafkaControllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? 9093),
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
