import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMaxMessageBytes } from '@bg/contracts';
import { waitForBrokers } from '@bg/kafka';
import { assertPortFree, freePort } from './ports';

export const kafkaVersion = '3.9.1';
const pomPath = fileURLToPath(new URL('../kafka/pom.xml', import.meta.url));

/** Where the broker jars are cached between runs (fetched once from Maven Central). */
export function kafkaJarDir(): string {
  const base =
    process.env.BG_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'buying-groups');
  return join(base, `kafka-${kafkaVersion}`);
}

/** Says exactly which tool is missing, instead of a stack trace from spawn. */
function requireCommand(command: string, hint: string): void {
  const probe = spawnSync(command, ['-version'], { stdio: 'ignore' });
  if (probe.error) throw new Error(`'${command}' was not found on PATH; ${hint}`);
}

/** Fetches Apache Kafka and its logging binding from Maven Central into the cache, unless already there. */
export function ensureKafkaJars(log: (line: string) => void = () => undefined): string {
  const dir = kafkaJarDir();
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return dir;
  requireCommand('java', 'install a Java 17+ runtime (Debian: apt-get install -y openjdk-17-jre-headless)');
  requireCommand('mvn', 'install Apache Maven (Debian: apt-get install -y maven)');
  log(`fetching Apache Kafka ${kafkaVersion} from Maven Central into ${dir} (once)…`);
  mkdirSync(dir, { recursive: true });
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', pomPath, 'dependency:copy-dependencies', `-DoutputDirectory=${dir}`, '-DincludeScope=runtime'],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`fetching the Kafka jars failed (mvn exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  if (!readdirSync(dir).some((f) => f.startsWith(`kafka_2.13-${kafkaVersion}`))) {
    throw new Error(`mvn finished but no kafka_2.13-${kafkaVersion}.jar is in ${dir}`);
  }
  writeFileSync(marker, new Date().toISOString());
  return dir;
}

const defaultHeapMb = 768;

export type KafkaLaunchOptions = {
  /** Holds the broker's data, config, log and pid file. */
  workDir: string;
  port: number;
  controllerPort: number;
  partitions?: number;
  /** The one size setting (MAX_MESSAGE_BYTES): the largest message the broker takes. */
  maxMessageBytes?: number;
  heapMb?: number;
  startTimeoutMs?: number;
  log?: (line: string) => void;
};

export type RunningKafka = {
  brokers: string;
  pid: number;
  startMs: number;
  logFile: string;
  stop: () => Promise<void>;
};

/** One node of a KRaft quorum: its id and where it listens. */
type KafkaNodeAddress = { nodeId: number; port: number; controllerPort: number };

/** What a node is started with: its own address, the whole quorum and the cluster's id. */
type NodeLaunch = Omit<KafkaLaunchOptions, 'port' | 'controllerPort'> & {
  node: KafkaNodeAddress;
  quorum: KafkaNodeAddress[];
  clusterId: string;
};

/**
 * Starts a single-node KRaft broker on 127.0.0.1 as a detached process and resolves when it logs "Kafka Server
 * started". The pid is written to `<workDir>/kafka.pid` so a later `stop` finds it.
 */
export async function startKafka(opts: KafkaLaunchOptions): Promise<RunningKafka> {
  const log = opts.log ?? (() => undefined);
  const node = { nodeId: 1, port: opts.port, controllerPort: opts.controllerPort };
  const launched = await launchNode({ ...opts, node, quorum: [node], clusterId: newClusterId() });
  await launched.started;
  const startMs = Date.now() - launched.launchedAt;
  log(
    `Kafka ${kafkaVersion} started on 127.0.0.1:${opts.port} in ${(startMs / 1000).toFixed(1)} s (pid ${launched.pid})`,
  );
  return {
    brokers: `127.0.0.1:${opts.port}`,
    pid: launched.pid,
    startMs,
    logFile: launched.logFile,
    stop: () => stopProcess(launched.pid),
  };
}

export type KafkaClusterOptions = Omit<KafkaLaunchOptions, 'port' | 'controllerPort'> & {
  /** How many controller+broker nodes (3 for a cluster that survives losing one). */
  nodes: number;
  /** Each node's ports, in node order; free ports when not given. */
  ports?: { port: number; controllerPort: number }[];
};

export type KafkaClusterNode = KafkaNodeAddress & { workDir: string; logFile: string; pid: number | null };

export type RunningKafkaCluster = {
  /** Every node's broker address, comma-separated (KAFKA_BROKERS). */
  brokers: string;
  nodes: KafkaClusterNode[];
  startMs: number;
  /** SIGKILL to one node: a crash, not a shutdown (no leadership handed over, no log flushed). */
  kill: (nodeId: number) => Promise<void>;
  /** Starts a killed or stopped node again on its own data; resolves once every node lists it as a broker again. */
  restart: (nodeId: number) => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * How a cluster of `brokers` nodes replicates, as the brokers' defaults (topics are created with the cluster's
 * defaults): every partition on up to three nodes, and with three, a write acknowledged (acks=all) only once two hold
 * it, so losing any one node loses no acknowledged message and stops no writes.
 */
export function replicationFor(brokers: number): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = Math.max(1, Math.min(brokers, 3));
  return { replicationFactor, minInsyncReplicas: Math.max(1, replicationFactor - 1) };
}

/**
 * Starts `nodes` KRaft nodes on 127.0.0.1, each controller and broker, voting in one quorum under one cluster id, each
 * in `<workDir>/node-<id>`. They are launched together (a node waits for the quorum before it says it started) and the
 * call resolves once the cluster's metadata lists every node as a live broker. The broker defaults follow the cluster's
 * size (`replicationFor`): with three nodes, internal topics and new topics get replication factor 3 and
 * `min.insync.replicas` 2.
 */
export async function startKafkaCluster(opts: KafkaClusterOptions): Promise<RunningKafkaCluster> {
  const log = opts.log ?? (() => undefined);
  const began = Date.now();
  const quorum: KafkaNodeAddress[] = [];
  for (let i = 0; i < opts.nodes; i++) {
    const ports = opts.ports?.[i] ?? { port: await freePort(), controllerPort: await freePort() };
    quorum.push({ nodeId: i + 1, ...ports });
  }
  const clusterId = newClusterId();
  const nodes: KafkaClusterNode[] = quorum.map((node) => ({
    ...node,
    workDir: join(opts.workDir, `node-${node.nodeId}`),
    logFile: join(opts.workDir, `node-${node.nodeId}`, 'kafka.log'),
    pid: null,
  }));
  const nodeOf = (nodeId: number) => {
    const node = nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new Error(`no Kafka node ${nodeId} in this cluster`);
    return node;
  };
  const launch = async (node: KafkaClusterNode) => {
    const launched = await launchNode({ ...opts, workDir: node.workDir, node, quorum, clusterId });
    node.pid = launched.pid;
    return launched.started;
  };
  const stop = async () => {
    await Promise.all(nodes.map((n) => (n.pid === null ? undefined : stopProcess(n.pid))));
    for (const n of nodes) n.pid = null;
  };
  const brokers = nodes.map((n) => `127.0.0.1:${n.port}`);
  try {
    const starts = await Promise.allSettled(nodes.map(launch));
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    await waitForBrokers(brokers, opts.startTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  const startMs = Date.now() - began;
  log(
    `Kafka ${kafkaVersion} cluster of ${nodes.length} started in ${(startMs / 1000).toFixed(1)} s: ${nodes.map((n) => `node ${n.nodeId} on 127.0.0.1:${n.port} (pid ${n.pid})`).join(', ')}`,
  );
  return {
    brokers: brokers.join(','),
    nodes,
    startMs,
    kill: async (nodeId) => {
      const node = nodeOf(nodeId);
      if (node.pid === null) return;
      const pid = node.pid;
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(50);
      node.pid = null;
    },
    restart: async (nodeId) => {
      const node = nodeOf(nodeId);
      if (node.pid !== null) throw new Error(`Kafka node ${nodeId} is still running (pid ${node.pid})`);
      await launch(node);
      await waitForBrokers(brokers, opts.startTimeoutMs);
      log(`Kafka node ${nodeId} started again on 127.0.0.1:${node.port} (pid ${node.pid})`);
    },
    stop,
  };
}

/**
 * Formats the node's storage (first start only), spawns it detached and returns at once; `started` resolves when the
 * node logs "Kafka Server started" (for a node of a quorum, only once the quorum has formed).
 */
async function launchNode(
  opts: NodeLaunch,
): Promise<{ pid: number; logFile: string; launchedAt: number; started: Promise<void> }> {
  const log = opts.log ?? (() => undefined);
  const jars = ensureKafkaJars(log);
  await assertPortFree(opts.node.port, 'Kafka');
  await assertPortFree(opts.node.controllerPort, 'the Kafka controller');
  mkdirSync(opts.workDir, { recursive: true });
  const dataDir = join(opts.workDir, 'data');
  const propsFile = join(opts.workDir, 'server.properties');
  const log4jFile = join(opts.workDir, 'log4j.properties');
  const logFile = join(opts.workDir, 'kafka.log');
  writeFileSync(propsFile, serverProperties(opts, dataDir));
  writeFileSync(log4jFile, log4jProperties);
  const classpath = `${jars}/*`;
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    const format = () =>
      spawnSync(
        'java',
        [
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          opts.clusterId,
          '-c',
          propsFile,
          '--ignore-formatted',
        ],
        { encoding: 'utf8' },
      );
    // Seen once in a test run under heavy load (cause not captured); a second try is cheap.
    let result = format();
    if (result.status !== 0) result = format();
    if (result.status !== 0) throw new Error(`formatting Kafka storage failed:\n${result.stdout}\n${result.stderr}`);
  }
  const launchedAt = Date.now();
  const out = openSync(logFile, 'a');
  // The log is appended to across runs: only what this start writes may say that the broker is up.
  const logStart = fstatSync(out).size;
  const heapMb = opts.heapMb ?? defaultHeapMb;
  const child = spawn(
    'java',
    [
      `-Xmx${heapMb}m`,
      `-Xms${Math.min(heapMb, 256)}m`,
      '-XX:+UseG1GC',
      // C1 only: on a box of two cores the C2 compiler was the broker's largest cost for minutes after a start (41 s
      // of compile time in its first 90 s, while a bench ran), and the broker's own work needs no peak-tuned code
      // (its raw pass-through is the same). The broker's CPU in the quick bench: backfill 10.1 → 4.9 s, 200/s 7.4 → 3.3 s.
      '-XX:TieredStopAtLevel=1',
      `-Dlog4j.configuration=file:${log4jFile}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propsFile,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  closeSync(out);
  const pid = child.pid!;
  writeFileSync(join(opts.workDir, 'kafka.pid'), String(pid));
  const started = waitForLine({
    file: logFile,
    from: logStart,
    needle: 'Kafka Server started',
    pid,
    timeoutMs: opts.startTimeoutMs ?? 90_000,
  });
  return { pid, logFile, launchedAt, started };
}

/**
 * Stops the broker whose pid file is in `workDir`, and the nodes of a cluster started there (`node-*`), if running.
 * Returns whether any was found.
 */
export async function stopKafka(workDir: string): Promise<boolean> {
  const nodeDirs = existsSync(workDir)
    ? readdirSync(workDir)
        .filter((name) => /^node-\d+$/.test(name))
        .map((name) => join(workDir, name))
    : [];
  const pidFiles = [workDir, ...nodeDirs].map((dir) => join(dir, 'kafka.pid')).filter((file) => existsSync(file));
  await Promise.all(pidFiles.map((file) => stopProcess(Number(readFileSync(file, 'utf8')))));
  return pidFiles.length > 0;
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopProcess(pid: number, graceMs = 20_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves once `needle` appears in `file` past byte `from`: the log is appended to across runs, so only what the
 * broker `pid` wrote since this start counts. Throws when it exits first; stops it and throws after `timeoutMs`.
 */
export async function waitForLine(opts: {
  file: string;
  from: number;
  needle: string;
  pid: number;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    const text = readFrom(opts.file, opts.from);
    if (text.includes(opts.needle)) return;
    if (!isAlive(opts.pid))
      throw new Error(`Kafka exited during start; last lines of ${opts.file}:\n${tail(text, 30)}`);
    await sleep(200);
  }
  await stopProcess(opts.pid);
  throw new Error(`Kafka did not start within ${opts.timeoutMs} ms; see ${opts.file}`);
}

/** The text of `file` from byte `offset` on. */
function readFrom(file: string, offset: number): string {
  const fd = openSync(file, 'r');
  try {
    const bytes = Buffer.alloc(Math.max(fstatSync(fd).size - offset, 0));
    readSync(fd, bytes, 0, bytes.length, offset);
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A KRaft cluster id: 16 random bytes, base64url (what `kafka-storage random-uuid` prints). One in 64 starts with '-',
 * which `kafka-storage format --cluster-id` reads as an option and refuses (seen in CI): such an id is drawn again.
 */
function newClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(opts: NodeLaunch, dataDir: string): string {
  const { port, controllerPort, nodeId } = opts.node;
  // Internal topics (group offsets, transaction state) replicated as the system's topics are.
  const { replicationFactor, minInsyncReplicas } = replicationFor(opts.quorum.length);
  return [
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${opts.quorum.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    `num.partitions=${opts.partitions ?? 3}`,
    `default.replication.factor=${replicationFactor}`,
    `min.insync.replicas=${minInsyncReplicas}`,
    // Few offset partitions make the first group join fast.
    `offsets.topic.replication.factor=${replicationFactor}`,
    'offsets.topic.num.partitions=5',
    `transaction.state.log.replication.factor=${replicationFactor}`,
    `transaction.state.log.min.isr=${minInsyncReplicas}`,
    'transaction.state.log.num.partitions=5',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    `message.max.bytes=${opts.maxMessageBytes ?? defaultMaxMessageBytes}`,
    `replica.fetch.max.bytes=${opts.maxMessageBytes ?? defaultMaxMessageBytes}`,
    'log.retention.hours=168',
    // The log cleaner allocates its whole dedupe map at start, 128 MB by default: half of a 256 MB test node's heap,
    // one contiguous allocation that failed with OutOfMemoryError when a killed node restarted under load (CI, the
    // cluster test). An eighth of the heap still holds over a million keys per cleaning, far above our compacted topics.
    `log.cleaner.dedupe.buffer.size=${Math.floor(((opts.heapMb ?? defaultHeapMb) * 1024 * 1024) / 8)}`,
    '',
  ].join('\n');
}

const log4jProperties = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  // The controller's decisions (a node fenced for a missed heartbeat, a leader elected, a topic created) are few and
  // explain a partition without a leader or a group without a coordinator.
  'log4j.logger.org.apache.kafka.controller=INFO',
  '',
].join('\n');
