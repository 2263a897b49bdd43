import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startKafka, startKafkaCluster, assertPostgresReachable } from '@bg/infra';

export type Infrastructure = {
  kafkaBrokers: string;
  /** A URL to a database the tests may create other databases from. */
  postgresAdminUrl: string;
  /** How the infrastructure was obtained, for the log. */
  origin: 'environment' | 'testcontainers' | 'local-launcher';
  stop: () => Promise<void>;
};

const defaultPostgresUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Infrastructure given by env (KAFKA_BROKERS + DATABASE_URL) → containers when a container engine answers → the local
 * launcher (Kafka from Maven Central jars, the machine's PostgreSQL). Never a skip: failing to get any is an error.
 */
export async function provideInfrastructure(log: (line: string) => void): Promise<Infrastructure> {
  if (process.env.KAFKA_BROKERS && process.env.DATABASE_URL) {
    await assertPostgresReachable(process.env.DATABASE_URL);
    return {
      kafkaBrokers: process.env.KAFKA_BROKERS,
      postgresAdminUrl: process.env.DATABASE_URL,
      origin: 'environment',
      stop: async () => undefined,
    };
  }
  if (await containerEngineAnswers()) return startContainers();
  const postgresAdminUrl = process.env.DATABASE_URL ?? defaultPostgresUrl;
  await assertPostgresReachable(postgresAdminUrl);
  const workDir = mkdtempSync(join(tmpdir(), 'bg-test-kafka-'));
  // BG_TEST_KAFKA_NODES=3 runs the tests on a three-node cluster (replication factor 3, min.insync.replicas 2).
  const nodes = Number(process.env.BG_TEST_KAFKA_NODES ?? 1);
  const kafka =
    nodes > 1
      ? await startKafkaCluster({ workDir, nodes, partitions: 2, heapMb: 256, log })
      : await startKafka({
          workDir,
          port: await freePort(),
          controllerPort: await freePort(),
          partitions: 2,
          heapMb: 512,
          log,
        });
  return {
    kafkaBrokers: kafka.brokers,
    postgresAdminUrl,
    origin: 'local-launcher',
    stop: async () => {
      await kafka.stop();
      keepBrokerLogs(workDir, log);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * The broker's log (warnings, and the controller's decisions such as fencing a node) outlives the run in
 * `.artifacts/kafka/`: a test that failed on the broker's side (a leaderless partition, a group coordinator that does
 * not answer) is explained there.
 */
function keepBrokerLogs(workDir: string, log: (line: string) => void): void {
  const target = join(process.cwd(), '.artifacts', 'kafka');
  const logs = [join(workDir, 'kafka.log'), ...[1, 2, 3].map((n) => join(workDir, `node-${n}`, 'kafka.log'))];
  const found = logs.filter((file) => existsSync(file));
  if (found.length === 0) return;
  mkdirSync(target, { recursive: true });
  for (const file of found) copyFileSync(file, join(target, file.slice(workDir.length + 1).replaceAll('/', '-')));
  log(`broker log kept in ${target}`);
}

/** testcontainers' own probe: throws at once when no Docker/Podman engine is reachable. */
async function containerEngineAnswers(): Promise<boolean> {
  if (process.env.BG_TEST_INFRA === 'local') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<Infrastructure> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const [kafka, postgres] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new PostgreSqlContainer('postgres:15-alpine').withCommand(['postgres', '-c', 'fsync=off']).start(),
  ]);
  return {
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    postgresAdminUrl: postgres.getConnectionUri(),
    origin: 'testcontainers',
    stop: async () => {
      await Promise.all([kafka.stop(), postgres.stop()]);
    },
  };
}
