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
import { assertPortFree } from './ports';

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

/**
 * Starts a single-node KRaft broker on 127.0.0.1 as a detached process and resolves when it logs "Kafka Server
 * started". The pid is written to `<workDir>/kafka.pid` so a later `stop` finds it.
 */
export async function startKafka(opts: KafkaLaunchOptions): Promise<RunningKafka> {
  const log = opts.log ?? (() => undefined);
  const jars = ensureKafkaJars(log);
  await assertPortFree(opts.port, 'Kafka');
  await assertPortFree(opts.controllerPort, 'the Kafka controller');
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
          clusterId(),
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
  const started = Date.now();
  const out = openSync(logFile, 'a');
  // The log is appended to across runs: only what this start writes may say that the broker is up.
  const logStart = fstatSync(out).size;
  const child = spawn(
    'java',
    [
      `-Xmx${opts.heapMb ?? 768}m`,
      `-Xms${Math.min(opts.heapMb ?? 768, 256)}m`,
      '-XX:+UseG1GC',
      `-Dlog4j.configuration=file:${log4jFile}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propsFile,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  const pid = child.pid!;
  writeFileSync(join(opts.workDir, 'kafka.pid'), String(pid));
  await waitForLine({
    file: logFile,
    from: logStart,
    needle: 'Kafka Server started',
    pid,
    timeoutMs: opts.startTimeoutMs ?? 90_000,
  });
  const startMs = Date.now() - started;
  log(`Kafka ${kafkaVersion} started on 127.0.0.1:${opts.port} in ${(startMs / 1000).toFixed(1)} s (pid ${pid})`);
  return { brokers: `127.0.0.1:${opts.port}`, pid, startMs, logFile, stop: () => stopProcess(pid) };
}

/** Stops the broker whose pid file is in `workDir`, if it is running. */
export async function stopKafka(workDir: string): Promise<boolean> {
  const pidFile = join(workDir, 'kafka.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  return stopProcess(pid).then(() => true);
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

/** A KRaft cluster id: 16 random bytes, base64url (what `kafka-storage random-uuid` prints). */
function clusterId(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
}

function serverProperties(opts: KafkaLaunchOptions, dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${opts.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${opts.port},CONTROLLER://127.0.0.1:${opts.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${opts.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    `num.partitions=${opts.partitions ?? 3}`,
    // A single node: every replication factor is 1. Few offset partitions make the first group join fast.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=5',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=5',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    `message.max.bytes=${opts.maxMessageBytes ?? defaultMaxMessageBytes}`,
    `replica.fetch.max.bytes=${opts.maxMessageBytes ?? defaultMaxMessageBytes}`,
    'log.retention.hours=168',
    '',
  ].join('\n');
}

const log4jProperties = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  '',
].join('\n');
