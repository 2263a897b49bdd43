/**
 * `npm run chaos [-- --rate 100 --accounts 300 --persons 3000 --broker-outage 130 --postgres-outage 10
 *                    --warmup 60 --window 60 --no-build --keep]`
 *
 * Runs the whole system on a broker and a PostgreSQL server of its own (started here, never the machine's shared
 * ones), with every service a separate process under the Supervisor, and puts it through faults under a steady load
 * of person updates: each service killed with SIGKILL in turn, the broker stopped for longer than the old restart
 * budget (two minutes) and started again, PostgreSQL stopped (every session cut) and started again. Then, once the
 * pipeline has settled, it checks that every group on the public topic equals the from-scratch oracle, that every
 * group's versions are gapless, that no dead letter was written, and that p50 latency over the last minute is within
 * 2× of its figure before the faults. It prints each phase and each check, exits non-zero on any failure, and stops
 * everything it started, whatever happens (logs are kept on failure). About 9 minutes on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import pg from 'pg';
import { defaultMaxMessageBytes } from '@bg/contracts';
import { ensureTopics, systemTopics } from '@bg/kafka';
import {
  compiledEntries,
  ensureDatabase,
  freePort,
  listServices,
  repoRoot,
  startKafka,
  type RunningKafka,
} from '@bg/infra';
import { apiTokensValue, Supervisor } from '@bg/local-stack';
import {
  compareWithOracle,
  describeBacklog,
  generateAccounts,
  generatePersons,
  pipelineBacklog,
  seededRandom,
  totalLag,
  waitUntilBacklogSettled,
  type Backlog,
} from '@bg/testing';
import { checkAnsweredOnce, checkVersions, deadLetters, percentiles } from './src/checks';
import { SteadyLoad } from './src/load';
import { PostgresCluster } from './src/postgres-cluster';
import { ArrivalProbe, latestVersions, readPublicTopic } from './src/public-topic';
import { clock, Report } from './src/report';
import { defineScenario, publishRecords, scenarioOracleInterest } from './src/scenario';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    accounts: { type: 'string', default: '300' },
    persons: { type: 'string', default: '3000' },
    partitions: { type: 'string', default: '3' },
    seed: { type: 'string', default: '11' },
    /** Seconds the broker stays down (the old restart budget was two minutes). */
    'broker-outage': { type: 'string', default: '130' },
    /** Seconds PostgreSQL stays down. */
    'postgres-outage': { type: 'string', default: '10' },
    /** Seconds of load before measuring (caches, plans, JIT). */
    warmup: { type: 'string', default: '60' },
    /** Seconds of load measured before the faults, and again at the end. */
    window: { type: 'string', default: '60' },
    /** Skip `npm run build` (the services run as compiled JavaScript). */
    'no-build': { type: 'boolean', default: false },
    /** Keep the logs and the broker's data even when every check passes (logs alone are kept on failure). */
    keep: { type: 'boolean', default: false },
  },
});
const rate = Number(args.rate);
const windowMs = Number(args.window) * 1000;
const warmupMs = Number(args.warmup) * 1000;
const brokerOutageMs = Number(args['broker-outage']) * 1000;
const postgresOutageMs = Number(args['postgres-outage']) * 1000;
const partitions = Number(args.partitions);
const runId = Date.now().toString(36);
const ownPrefix = 'chaos-';
const recoveryTimeoutMs = 5 * 60_000;
// After a recovery, before the next fault (in no stretch): the updates in flight finish before the next fault.
const settleGapMs = 5_000;

const report = new Report();
const say = report.say;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything started here, stopped in `cleanup` whatever happened. */
const started: {
  postgres?: PostgresCluster;
  kafka?: RunningKafka;
  supervisor?: Supervisor;
  load?: SteadyLoad;
  probe?: ArrivalProbe;
  db?: pg.Pool;
  workDir?: string;
} = {};

async function main(): Promise<void> {
  report.phase('setup: build, own PostgreSQL, own broker, services');
  if (!args['no-build']) {
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    say('services built (npm run build)');
  }
  const services = listServices();
  const compiled = compiledEntries(services);
  const workDir = (started.workDir = mkdtempSync(join(tmpdir(), 'bg-chaos-')));

  const postgres = (started.postgres = await PostgresCluster.create(await freePort()));
  await ensureDatabase(postgres.url(), 'buying_groups');
  const databaseUrl = postgres.url('buying_groups');
  say(`PostgreSQL 15 of its own on 127.0.0.1:${postgres.port} (data in ${postgres.dir}, fsync off)`);
  const db = (started.db = new pg.Pool({ connectionString: databaseUrl, max: 2 }));
  // Its connections break when PostgreSQL restarts: the pool reconnects on the next query.
  db.on('error', () => undefined);

  const kafkaOptions = {
    workDir: join(workDir, 'kafka'),
    port: await freePort(),
    controllerPort: await freePort(),
    partitions,
    heapMb: 768,
    log: say,
  };
  started.kafka = await startKafka(kafkaOptions);
  const brokers = started.kafka.brokers;
  const client = (retry: KafkaConfig['retry'], clientId: string) =>
    new Kafka({ clientId, brokers: [brokers], logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry });
  // Short retries for the load and the checks (a send that fails is counted, not waited on); long ones for the probe.
  const kafka = client({ retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 }, 'chaos');
  const probeKafka = client({ retries: 20, initialRetryTime: 500, maxRetryTime: 10_000 }, 'chaos-probe');
  await ensureTopics(kafka, '', systemTopics(partitions, defaultMaxMessageBytes));
  say(`topics created (${partitions} partitions each)`);

  const tokens = { admin: `chaos-admin-${runId}`, read: `chaos-read-${runId}` };
  const apiPort = await freePort();
  const readyUrls = new Map<string, string>();
  const supervisor = (started.supervisor = new Supervisor(join(workDir, 'logs'), join(workDir, 'pids'), (line) =>
    say(`supervisor: ${line}`),
  ));
  for (const service of services) {
    const opsPort = await freePort();
    readyUrls.set(
      service.name,
      service.name === 'api' ? `http://127.0.0.1:${apiPort}/readyz` : `http://127.0.0.1:${opsPort}/readyz`,
    );
    supervisor.start({
      name: service.name,
      entry: compiled.get(service.name)!,
      env: {
        KAFKA_BROKERS: brokers,
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'info',
        OPS_PORT: String(opsPort),
        API_PORT: String(apiPort),
        API_TOKENS: apiTokensValue(tokens),
      },
    });
  }
  const notReady = async () => {
    const answers = await Promise.all(
      [...readyUrls].map(async ([name, url]) => ((await fetch(url).catch(() => null))?.ok ? null : name)),
    );
    return answers.filter((n): n is string => n !== null);
  };
  const waitReady = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let waiting = await notReady();
    while (waiting.length > 0) {
      if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs / 1000} s: ${waiting.join(', ')}`);
      await sleep(500);
      waiting = await notReady();
    }
  };
  await waitReady(120_000);
  say(`services ready: ${services.map((s) => s.name).join(', ')} (logs in ${join(workDir, 'logs')})`);

  const backlog = async (): Promise<Backlog | null> => pipelineBacklog(kafka, db, ownPrefix).catch(() => null);
  const waitSettled = (timeoutMs: number) =>
    waitUntilBacklogSettled(backlog, { timeoutMs, progress: (b) => say(`  waiting to settle: ${describeBacklog(b)}`) });

  // ---------------------------------------------------------------------------------------------------------------
  report.phase('data: components through the API, CRM records on the inbound topics');
  const random = seededRandom(Number(args.seed));
  const accounts = generateAccounts(random, Number(args.accounts), '2026-11-01T00:00:00Z');
  const persons = new Map(
    generatePersons(random, Number(args.persons), accounts, '2026-11-01T00:00:00Z').map((p) => [p.personId, p]),
  );
  await publishRecords(kafka, { accounts });
  const api = `http://127.0.0.1:${apiPort}`;
  say(`defined through the API: ${await defineScenario(api, tokens.admin)}`);
  await publishRecords(kafka, { persons: [...persons.values()] });
  say(`published ${accounts.length} accounts and ${persons.size} people`);
  const probe = (started.probe = new ArrivalProbe(probeKafka, `${ownPrefix}probe-${runId}`));
  await probe.start();
  const loaded = Date.now();
  await waitSettled(5 * 60_000);
  say(`initial load settled in ${clock(Date.now() - loaded)}`);

  // ---------------------------------------------------------------------------------------------------------------
  report.phase(`steady load: ${rate} person updates/s from now to the end`);
  const load = (started.load = new SteadyLoad({ kafka, rate, persons, accounts, random, runId }));
  load.start();
  /** Stretches of the run by the time their updates were sent, for the latency table. */
  const stretches: { name: string; from: number; to: number }[] = [];
  const stretch = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const from = Date.now();
    try {
      return await fn();
    } finally {
      stretches.push({ name, from, to: Date.now() });
    }
  };
  const latencyOf = (from: number, to: number) => {
    const values: number[] = [];
    let sent = 0;
    for (const [id, s] of load.samples) {
      if (s.sentAt < from || s.sentAt >= to) continue;
      sent++;
      const arrived = probe.arrivals.get(id);
      if (arrived !== undefined) values.push(arrived - s.sentAt);
    }
    return { sent, ...percentiles(values) };
  };
  const describeLatency = (l: ReturnType<typeof latencyOf>) =>
    `p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.n} of ${l.sent} updates made a version)`;
  const machineLoad = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;

  await stretch('warm-up', () => sleep(warmupMs));
  say(`warmed up for ${warmupMs / 1000} s; measuring`);
  // How much lag the pipeline carries when all is well: "caught up" after a fault means back to about that.
  const lagSamples: number[] = [];
  await stretch('before the faults', async () => {
    const until = Date.now() + windowMs;
    while (Date.now() < until) {
      const b = await backlog();
      if (b) lagSamples.push(totalLag(b) + b.outbox);
      await sleep(2_000);
    }
  });
  await sleep(5_000); // the last updates of the window have a few seconds to arrive
  const before = stretches.at(-1)!;
  const baseline = latencyOf(before.from, before.to);
  const caughtUpLag = Math.max(rate, 2 * percentiles(lagSamples).p95);
  say(`pre-fault latency over ${args.window} s: ${describeLatency(baseline)}; ${machineLoad()}`);
  say(
    `pre-fault backlog (lag + outbox): p50 ${percentiles(lagSamples).p50}, p95 ${percentiles(lagSamples).p95}; "caught up" below ${caughtUpLag}`,
  );

  /** After a fault: every service ready again and the pipeline caught up with the load (backlog as before the faults). */
  const recover = async (fault: string, since: number) => {
    const deadline = since + recoveryTimeoutMs;
    let readyAt: number | null = null;
    let last: Backlog | null = null;
    let caughtUp = 0;
    let lastSaid = 0;
    while (Date.now() < deadline) {
      await sleep(1_000);
      if (readyAt === null) {
        if ((await notReady()).length === 0) readyAt = Date.now();
        else continue;
      }
      last = await backlog();
      caughtUp = last && totalLag(last) + last.outbox < caughtUpLag ? caughtUp + 1 : 0;
      if (caughtUp >= 3) {
        report.check(
          `recovered from ${fault}`,
          true,
          `every service ready ${clock(readyAt - since)} after, caught up with the load ${clock(Date.now() - since)} after`,
        );
        return;
      }
      if (last && Date.now() - lastSaid > 15_000) {
        say(`  catching up: ${describeBacklog(last)}`);
        lastSaid = Date.now();
      }
    }
    report.check(
      `recovered from ${fault}`,
      false,
      `not within ${recoveryTimeoutMs / 1000} s: ${readyAt === null ? `not ready: ${(await notReady()).join(', ')}` : last ? describeBacklog(last) : 'no backlog answer'}`,
    );
  };

  // ---------------------------------------------------------------------------------------------------------------
  report.phase('fault 1: each service killed with SIGKILL in turn (the Supervisor restarts it)');
  for (const service of services) {
    const pid = supervisor.pidOf(service.name);
    if (pid === undefined) throw new Error(`${service.name} is not running`);
    await stretch(`kill -9 ${service.name}`, async () => {
      const at = Date.now();
      process.kill(pid, 'SIGKILL');
      say(`kill -9 ${service.name} (pid ${pid})`);
      await recover(`kill -9 ${service.name}`, at);
    });
    await sleep(settleGapMs);
  }

  // ---------------------------------------------------------------------------------------------------------------
  report.phase(
    `fault 2: the broker stopped for ${brokerOutageMs / 1000} s, then started again (same data, same ports)`,
  );
  await stretch('broker outage', async () => {
    const brokerDown = Date.now();
    await started.kafka!.stop();
    started.kafka = undefined;
    say(`broker stopped (${clock(Date.now() - brokerDown)} to stop); down until +${brokerOutageMs / 1000} s`);
    await sleep(brokerOutageMs - (Date.now() - brokerDown));
    started.kafka = await startKafka(kafkaOptions);
    say(`broker started again after ${clock(Date.now() - brokerDown)} down`);
    await recover('the broker outage', Date.now());
  });
  await sleep(settleGapMs);

  // ---------------------------------------------------------------------------------------------------------------
  report.phase(`fault 3: PostgreSQL stopped (fast: every session cut) for ${postgresOutageMs / 1000} s, then started`);
  await stretch('PostgreSQL restart', async () => {
    const postgresDown = Date.now();
    postgres.stop('fast');
    say('PostgreSQL stopped');
    await sleep(postgresOutageMs);
    postgres.start();
    say(`PostgreSQL started again after ${clock(Date.now() - postgresDown)} down`);
    await recover('the PostgreSQL restart', Date.now());
  });
  await sleep(settleGapMs);

  // ---------------------------------------------------------------------------------------------------------------
  report.phase(`after the faults: ${args.window} s more of load, measured`);
  await stretch('after the faults', () => sleep(windowMs));
  await load.stop();
  say(`load stopped: ${load.sent} updates sent, ${load.failed} refused while the broker was away`);
  const unsure = load.unsure.size;
  await load.settle(60_000);
  await load.close();
  say(`${unsure} people whose last send had failed sent again`);

  // ---------------------------------------------------------------------------------------------------------------
  report.phase('settle, then check');
  const settleFrom = Date.now();
  let settled: Backlog | null = null;
  try {
    settled = await waitSettled(5 * 60_000);
    report.check(
      'settled',
      true,
      `consumer lag 0 on every group, outboxes empty, no pending recomputation (${clock(Date.now() - settleFrom)} after the load stopped)`,
    );
  } catch (error) {
    report.check('settled', false, (error as Error).message);
  }
  const after = stretches.at(-1)!;
  const final = latencyOf(after.from, after.to);
  say(`latency over the last ${args.window} s: ${describeLatency(final)}; ${machineLoad()}`);
  say('latency by stretch of the run (by when the update was sent):');
  for (const s of stretches)
    say(`  ${s.name.padEnd(22)} ${clock(s.to - s.from).padStart(6)}  ${describeLatency(latencyOf(s.from, s.to))}`);

  const groups = await readPublicTopic(kafka, `${ownPrefix}audit-${runId}`);
  const oracle = compareWithOracle(latestVersions(groups), {
    accounts,
    persons: [...persons.values()],
    interests: [scenarioOracleInterest()],
  });
  report.check('every active group on the public topic equals the oracle', oracle.pass, oracle.detail);
  const versions = checkVersions(groups);
  report.check('versions gapless per group (redeliveries identical)', versions.pass, versions.detail);
  const once = checkAnsweredOnce(groups, load.linkChanges);
  report.check('no input applied twice (one version per input per group)', once.pass, once.detail);
  const letters = await deadLetters(kafka);
  report.check(
    'no dead letters on internal topics',
    Object.keys(letters.internal).length === 0,
    Object.keys(letters.internal).length === 0
      ? 'every internal .dlq topic is empty'
      : JSON.stringify(letters.internal),
  );
  report.check(
    'no dead letters on inbound topics (all input was valid)',
    Object.keys(letters.inbound).length === 0,
    Object.keys(letters.inbound).length === 0 ? 'every crm .dlq topic is empty' : JSON.stringify(letters.inbound),
  );
  report.check(
    'no outbox message parked',
    settled !== null && settled.parked === 0,
    settled === null ? 'not settled' : `${settled.parked} parked`,
  );
  report.check(
    'p50 latency back to its pre-fault figure (within 2×)',
    final.n > 0 && baseline.n > 0 && final.p50 <= 2 * baseline.p50,
    `p50 ${final.p50} ms over the last ${args.window} s vs ${baseline.p50} ms before the faults (limit ${2 * baseline.p50} ms)`,
  );
}

let cleaning: Promise<void> | null = null;
/** Stops everything this run started; keeps the logs when something failed, and the broker's data too with --keep. */
function cleanup(keepLogs: boolean, keepAll = args.keep!): Promise<void> {
  cleaning ??= (async () => {
    await started.load?.stop().catch(() => undefined);
    await started.load?.close().catch(() => undefined);
    await started.probe?.stop().catch(() => undefined);
    await started.supervisor?.stopAll(10_000).catch(() => undefined);
    await started.db?.end().catch(() => undefined);
    await started.kafka?.stop().catch(() => undefined);
    if (started.postgres && started.workDir) {
      copyQuietly(join(started.postgres.dir, 'postgres.log'), join(started.workDir, 'logs', 'postgres.log'));
    }
    try {
      started.postgres?.destroy();
    } catch (error) {
      console.error(`could not stop the throwaway PostgreSQL: ${(error as Error).message}`);
    }
    if (started.workDir) {
      if (keepAll) console.log(`logs and broker data kept in ${started.workDir}`);
      else if (keepLogs) {
        copyQuietly(join(started.workDir, 'kafka', 'kafka.log'), join(started.workDir, 'logs', 'kafka.log'));
        rmSync(join(started.workDir, 'kafka'), { recursive: true, force: true });
        console.log(`logs kept in ${join(started.workDir, 'logs')}`);
      } else rmSync(started.workDir, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

function copyQuietly(from: string, to: string): void {
  try {
    copyFileSync(from, to);
  } catch {
    // nothing written there yet
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping everything the chaos run started…`);
    void cleanup(true).then(() => process.exit(130));
  });
}

main().then(
  async () => {
    const code = report.summary();
    await cleanup(code !== 0);
    process.exit(code);
  },
  async (error: unknown) => {
    const code = report.summary(error);
    await cleanup(true);
    process.exit(code);
  },
);
