import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { defaultMaxMessageBytes, Topics } from '@bg/contracts';
import { createKafka, ensureTopics, EventProducer, systemTopics } from '@bg/kafka';
import { startKafkaCluster, type RunningKafkaCluster } from '../../src/kafka-launcher';

let workDir: string;
let cluster: RunningKafkaCluster;
let kafka: Kafka;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'bg-kafka-cluster-'));
  cluster = await startKafkaCluster({ workDir, nodes: 3, partitions: 2, heapMb: 256, log: console.warn });
  kafka = new Kafka({ clientId: 'cluster-test', brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('a three-node KRaft cluster from the launcher', () => {
  it('is one cluster of three brokers, each node also a controller', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeCluster();
      expect(described.brokers.map((b) => b.port).sort()).toEqual(cluster.nodes.map((n) => n.port).sort());
      expect(new Set(cluster.nodes.map((n) => n.controllerPort)).size).toBe(3);
    } finally {
      await admin.disconnect();
    }
  });

  it('creates every topic with three replicas and min.insync.replicas 2', async () => {
    await ensureTopics(kafka, 'rf.', systemTopics(2, defaultMaxMessageBytes));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = `rf.${Topics.crmPersons}`;
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic, `rf.${Topics.components}`] });
      for (const t of topics) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
      });
      expect(resources[0]!.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('takes acknowledged writes with one node killed, and the node rejoins on its own data', async () => {
    await ensureTopics(kafka, 'kill.', systemTopics(2, defaultMaxMessageBytes));
    // The services' client and producer: their retries outlast a leader's move to a surviving node.
    const quiet = () => undefined;
    const servicesKafka = createKafka({
      brokers: cluster.brokers.split(','),
      clientId: 'cluster-test-producer',
      logger: { error: quiet, warn: quiet, info: quiet, debug: quiet },
    });
    const producer = new EventProducer(servicesKafka, 'kill.');
    await producer.connect();
    try {
      await cluster.kill(2);
      // acks=all with two of three in sync: the write is acknowledged while node 2 is gone.
      await producer.send([{ topic: Topics.crmPersons, key: 'p-1', value: 'while node 2 is down' }]);
      await cluster.restart(2);
      await producer.send([{ topic: Topics.crmPersons, key: 'p-1', value: 'after node 2 came back' }]);
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(`kill.${Topics.crmPersons}`);
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(2);
    } finally {
      await admin.disconnect();
    }
  });
});
