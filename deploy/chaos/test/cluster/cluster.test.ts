/**
 * The system on a three-broker cluster with two replicas of every service, each a separate process under the
 * Supervisor, under a steady load of CRM person updates. Mid-load one broker and one replica of each service are
 * killed with SIGKILL; the Supervisor restarts the replicas, the broker is started again on its data. Once the load
 * has stopped and the pipeline settled, the checks of the chaos run decide: every group equals the from-scratch
 * oracle, every group's versions are gapless (redeliveries identical), no input was applied twice, nothing was
 * dead-lettered or parked. The file runs its own cluster (a broker is killed on purpose) and its own database.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { Topics } from '@bg/contracts';
import { freePort, listServices, startKafkaCluster, type RunningKafkaCluster } from '@bg/infra';
import { apiTokensValue, serviceReplicas, Supervisor } from '@bg/local-stack';
import {
  compareWithOracle,
  createTestContext,
  describeBacklog,
  generateAccounts,
  generatePersons,
  pipelineBacklog,
  seededRandom,
  waitUntilBacklogSettled,
  type Backlog,
  type TestContext,
} from '@bg/testing';
import { checkAnsweredOnce, checkVersions, deadLetters } from '../../src/checks';
import { SteadyLoad } from '../../src/load';
import { latestVersions, readPublicTopic } from '../../src/public-topic';
import { defineScenario, publishRecords, scenarioOracleInterest } from '../../src/scenario';

const replicas = 2;
const partitions = 4;
const rate = 40;
const ownPrefix = 'cluster-test-';
const runId = randomBytes(4).toString('hex');
const tokens = { admin: `bga_${randomBytes(16).toString('hex')}`, read: `bgr_${randomBytes(16).toString('hex')}` };
const processes = serviceReplicas(listServices(), replicas);
const said: string[] = [];
const say = (line: string) => said.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let workDir: string;
let cluster: RunningKafkaCluster;
let ctx: TestContext;
let supervisor: Supervisor;
let db: pg.Pool;
let kafka: Kafka;
let load: SteadyLoad | undefined;
let failed = false;
const readyUrls = new Map<string, string>();

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'bg-cluster-test-'));
  cluster = await startKafkaCluster({ workDir: join(workDir, 'kafka'), nodes: 3, partitions, heapMb: 256, log: say });
  // The names services use by default (no prefix): the cluster is this file's alone.
  ctx = await createTestContext({ kafkaBrokers: cluster.brokers.split(','), topicPrefix: '', partitions });
  // Short retries, as a CRM would: a send refused while a leader moves is counted and sent again (SteadyLoad).
  kafka = new Kafka({
    clientId: 'cluster-test',
    brokers: ctx.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
  db = new pg.Pool({ connectionString: ctx.databaseUrl, max: 2 });
  supervisor = new Supervisor(join(workDir, 'logs'), join(workDir, 'pids'), (line) => say(`supervisor: ${line}`));
  for (const p of processes) {
    const opsPort = await freePort();
    const apiPort = await freePort();
    readyUrls.set(p.name, `http://127.0.0.1:${p.service.name === 'api' ? apiPort : opsPort}/readyz`);
    supervisor.start({
      name: p.name,
      entry: p.service.entry,
      env: {
        ...ctx.env,
        LOG_LEVEL: 'info',
        OPS_PORT: String(opsPort),
        API_PORT: String(apiPort),
        API_TOKENS: apiTokensValue(tokens),
      },
    });
  }
  await waitReady(180_000);
  say(`ready: ${processes.map((p) => p.name).join(', ')}`);
}, 300_000);

afterAll(async () => {
  await load?.stop().catch(() => undefined);
  await load?.close().catch(() => undefined);
  await supervisor?.stopAll(10_000);
  await db?.end();
  await cluster?.stop();
  if (failed) {
    console.warn(`cluster test, what happened:\n${said.join('\n')}\nlogs and broker data kept in ${workDir}`);
  } else rmSync(workDir, { recursive: true, force: true });
}, 120_000);

/** Processes whose /readyz does not answer 200. */
async function notReady(): Promise<string[]> {
  const answers = await Promise.all(
    [...readyUrls].map(async ([name, url]) => ((await fetch(url).catch(() => null))?.ok ? null : name)),
  );
  return answers.filter((n): n is string => n !== null);
}

async function waitReady(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let waiting = await notReady(); waiting.length > 0; waiting = await notReady()) {
    if (Date.now() > deadline) {
      const logs = waiting.map((name) => `--- ${name}:\n${logTail(name)}`).join('\n');
      throw new Error(`not ready after ${timeoutMs / 1000} s: ${waiting.join(', ')}\n${logs}`);
    }
    await sleep(500);
  }
}

function logTail(name: string): string {
  const file = join(workDir, 'logs', `${name}.log`);
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '(no log)';
}

const backlog = (): Promise<Backlog | null> => pipelineBacklog(kafka, db, ownPrefix).catch(() => null);
const settled = (timeoutMs: number) =>
  waitUntilBacklogSettled(backlog, { timeoutMs, progress: (b) => say(`waiting to settle: ${describeBacklog(b)}`) });

describe('two replicas of every service on a three-broker cluster', () => {
  it('loses and double-applies nothing when a broker and a replica of each service are killed under load', async () => {
    try {
      const random = seededRandom(16);
      const accounts = generateAccounts(random, 60, '2026-11-01T00:00:00Z');
      const persons = new Map(
        generatePersons(random, 600, accounts, '2026-11-01T00:00:00Z').map((p) => [p.personId, p]),
      );
      await publishRecords(kafka, { accounts });
      say(
        `defined through the API: ${await defineScenario(readyUrls.get('api-1')!.replace('/readyz', ''), tokens.admin)}`,
      );
      await publishRecords(kafka, { persons: [...persons.values()] });
      await settled(120_000);
      say(`initial load of ${accounts.length} accounts and ${persons.size} people settled`);

      load = new SteadyLoad({ kafka, rate, persons, accounts, random, runId });
      load.start();
      await sleep(8_000);

      // The broker leading the most partitions of the inbound person topic: its loss moves the most leaders.
      const victim = await busiestBroker();
      const killed = processes
        .filter((p) => p.replica === 1)
        .map((p) => ({ name: p.name, pid: supervisor.pidOf(p.name)! }));
      await cluster.kill(victim);
      for (const { pid } of killed) process.kill(pid, 'SIGKILL');
      say(`kill -9 broker node ${victim} and ${killed.map((k) => `${k.name} (pid ${k.pid})`).join(', ')}`);
      // The replicas are restarted by the Supervisor; the broker stays away while the others carry the load.
      await sleep(15_000);
      await cluster.restart(victim);
      say(`broker node ${victim} started again`);
      await waitReady(120_000);
      for (const { name, pid } of killed) expect(supervisor.pidOf(name), `${name} restarted`).not.toBe(pid);
      say('every replica ready again');
      await sleep(8_000);

      await load.stop();
      const unsure = load.unsure.size;
      await load.settle(60_000);
      await load.close();
      say(
        `load stopped: ${load.sent} updates sent, ${load.failed} refused while leaders moved, ${unsure} people sent again`,
      );
      await settled(180_000);
      say('settled: lag 0 on every group, outboxes empty, no pending recomputation');

      const groups = await readPublicTopic(kafka, `${ownPrefix}audit-${runId}`);
      const oracle = compareWithOracle(latestVersions(groups), {
        accounts,
        persons: [...persons.values()],
        interests: [scenarioOracleInterest()],
      });
      const versions = checkVersions(groups);
      const once = checkAnsweredOnce(groups, load?.linkChanges);
      const letters = await deadLetters(kafka);
      const parked = (await backlog())?.parked;
      say(`oracle: ${oracle.detail}; versions: ${versions.detail}; once: ${once.detail}`);
      expect(oracle.pass, oracle.detail).toBe(true);
      expect(oracle.compared).toBeGreaterThan(10);
      expect(versions.pass, versions.detail).toBe(true);
      expect(once.pass, once.detail).toBe(true);
      expect(letters).toEqual({ internal: {}, inbound: {} });
      expect(parked).toBe(0);
      // The load ran on through the faults (about 40 s of it), not only around them.
      expect(load.sent).toBeGreaterThan(rate * 20);
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 600_000);
});

/** The node that leads the most partitions of the person topic now. */
async function busiestBroker(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [Topics.crmPersons] });
    const leads = new Map<number, number>();
    for (const p of topics[0]!.partitions) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
    return [...leads].sort((a, b) => b[1] - a[1])[0]![0];
  } finally {
    await admin.disconnect();
  }
}
