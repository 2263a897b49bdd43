import { mkdirSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics, systemTopics } from '@bg/kafka';
import { migrate } from '@bg/postgres';
import {
  assertPostgresReachable,
  ensureDatabase,
  listServices,
  replicationFor,
  startKafka,
  startKafkaCluster,
} from '@bg/infra';
import type { LocalSettings } from './settings';

/** Broker (started here unless KAFKA_BROKERS names one), database, topics and migrations: what services need. */
export async function prepareInfrastructure(settings: LocalSettings, say: (line: string) => void) {
  await assertPostgresReachable(settings.postgresAdminUrl);
  const dbName = new URL(settings.databaseUrl).pathname.slice(1);
  await ensureDatabase(settings.postgresAdminUrl, dbName);
  say(`PostgreSQL ready: database '${dbName}'`);

  let brokers = settings.externalBrokers;
  let kafkaStartMs: number | null = null;
  if (!brokers) {
    mkdirSync(settings.kafkaDir, { recursive: true });
    const common = {
      workDir: settings.kafkaDir,
      partitions: settings.partitions,
      maxMessageBytes: settings.maxMessageBytes,
      log: say,
    };
    const kafka =
      settings.kafkaNodes > 1
        ? await startKafkaCluster({
            ...common,
            nodes: settings.kafkaNodes,
            ports: Array.from({ length: settings.kafkaNodes }, (_, i) => ({
              port: settings.kafkaPort + 2 * i,
              controllerPort: settings.kafkaControllerPort + 2 * i,
            })),
            // Several JVMs on one machine: a small heap each is plenty for a local load.
            heapMb: 256,
          })
        : await startKafka({ ...common, port: settings.kafkaPort, controllerPort: settings.kafkaControllerPort });
    brokers = kafka.brokers;
    kafkaStartMs = kafka.startMs;
  }
  const kafka = new Kafka({ clientId: 'bg-setup', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const created = await ensureTopics(
    kafka,
    settings.topicPrefix,
    systemTopics(settings.partitions, settings.maxMessageBytes),
  );
  const { replicationFactor, minInsyncReplicas } = replicationFor(settings.kafkaNodes);
  say(
    `topics ready (${created.length} created, ${settings.partitions} partitions each` +
      (settings.externalBrokers
        ? ')'
        : `, replication factor ${replicationFactor}, min.insync.replicas ${minInsyncReplicas})`),
  );
  for (const service of listServices()) {
    const applied = await migrate(settings.databaseUrl, service.schema, service.migrations);
    if (applied.length > 0) say(`migrated ${service.schema}: ${applied.join(', ')}`);
  }
  return { brokers, kafkaStartMs };
}
