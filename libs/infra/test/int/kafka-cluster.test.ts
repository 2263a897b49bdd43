import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { defaultMaxMessageBytes, Topics } from '@bg/contracts';
import { createKafka, ensureTopics, EventProducer, systemTopics, waitForBrokers } from '@bg/kafka';
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

/** The services' client: its retries outlast the moves of leadership to the surviving nodes. */
function servicesClient(clientId: string): Kafka {
  const quiet = () => undefined;
  return createKafka({
    brokers: cluster.brokers.split(','),
    clientId,
    logger: { error: quiet, warn: quiet, info: quiet, debug: quiet },
  });
}

/** The brokers' ports the cluster's metadata lists now (any broker may answer). */
async function describedPorts(): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).brokers.map((b) => b.port);
  } finally {
    await admin.disconnect();
  }
}

describe('a three-node KRaft cluster from the launcher', () => {
  it('is one cluster of three brokers, each node also a controller', async () => {
    // Any broker may answer, from its own copy of the metadata, which trails the controller's by a moment: the three
    // must appear, not necessarily in the first answer (a CI run once saw two 34 ms after the launcher returned).
    await expect(waitForBrokers(cluster.brokers.split(','), 60_000)).resolves.toBeUndefined();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeCluster();
      expect(described.clusterId).toBeTruthy();
      expect(new Set(cluster.nodes.map((n) => n.controllerPort)).size).toBe(3);
    } finally {
      await admin.disconnect();
    }
  });

  it("creates every topic with the cluster's replication, whatever brokers a client sees: 3 replicas, min.insync 2", async () => {
    // Created while one node is down, a topic still gets three replicas (the controller places one on the fenced node);
    // counting the brokers a client saw gave two. The controller fences a dead node once its session ends (~9 s);
    // until then clients still pick it, which the services' client (its retries) rides out, not the plain one.
    await cluster.kill(3);
    try {
      const dead = cluster.nodes.find((n) => n.nodeId === 3)!.port;
      await vi.waitFor(async () => expect((await describedPorts()).includes(dead)).toBe(false), {
        timeout: 60_000,
        interval: 500,
      });
      await ensureTopics(servicesClient('rf-test'), 'rf.', systemTopics(2, defaultMaxMessageBytes));
    } finally {
      await cluster.restart(3);
    }
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

  it('loses no acknowledged write when a node is killed and its partitions move to the others mid-send', async () => {
    // Six partitions over three nodes: every node leads some, so a send spans all three.
    await ensureTopics(kafka, 'kill.', systemTopics(6, defaultMaxMessageBytes));
    // The services' client and producer: their retries outlast the moves of leadership to the surviving nodes.
    const servicesKafka = servicesClient('cluster-test-producer');
    const producer = new EventProducer(servicesKafka, 'kill.');
    await producer.connect();
    const batch = (label: string) =>
      Array.from({ length: 300 }, (_, i) => ({ topic: Topics.crmPersons, key: `p-${i}`, value: `${label} ${i}` }));
    try {
      await producer.send(batch('before'));
      await cluster.kill(2);
      // Node 2's partitions fail until the controller moves their leadership to nodes that already answered for
      // theirs; with acks=all and two of three in sync, the send is acknowledged while node 2 is gone.
      await producer.send(batch('while node 2 is down'));
      await cluster.restart(2);
      await producer.send(batch('after node 2 came back'));
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(`kill.${Topics.crmPersons}`);
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(900);
    } finally {
      await admin.disconnect();
    }
  }, 180_000); // 19 s quiet; three brokers moving leadership under stress -c 2 took past the default minute
});
