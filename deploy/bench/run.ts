/**
 * `npm run bench [-- --quick | --full | --accounts N --persons N] [--rates 200,1000,max] [--seconds 15]
 *                 [--brokers 3] [--replicas 2]`
 *
 * Measures the whole pipeline on this machine in one run and prints a table plus a JSON report
 * (deploy/bench/reports/): the raw Kafka pass-through limit, the backfill of a synthetic CRM until every group is
 * settled on the public topic, steady-state latency (CRM event produced → its buying-group.changed received) at
 * several rates, peak RSS per service and the CPU split. It asserts nothing: it reports.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { defaultMaxMessageBytes, Topics, internalEventTypes } from '@bg/contracts';
import { ensureTopics, systemTopics } from '@bg/kafka';
import { migrate } from '@bg/postgres';
import {
  assertPostgresReachable,
  compiledEntries,
  dropDatabase,
  ensureDatabase,
  freePort,
  listServices,
  startKafka,
  startKafkaCluster,
  withDatabase,
} from '@bg/infra';
import { apiTokensValue, serviceReplicas, Supervisor } from '@bg/local-stack';
import { compareWithOracle, pipelineBacklog, waitUntilBacklogSettled } from '@bg/testing';
import { benchSolutionInterests, generateDataset, presets, type BenchSize } from './src/dataset';
import {
  difference,
  figures,
  parseHopMetrics,
  sumSnapshots,
  type HopFigures,
  type HopSnapshot,
} from './src/hop-metrics';
import { backendsByClient, CpuMeter, peakRssMb, postgresPids } from './src/process-stats';
import { rawPassThrough } from './src/raw-passthrough';
import { databasePageCache, type PageCacheFigures } from './src/page-cache';
import { statementsAvailable, statementTotals, topStatements, type StatementCost } from './src/statements';
import { projectedGroups } from './src/oracle';
import { round, roundValues, summarize } from './src/stats';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    accounts: { type: 'string' },
    persons: { type: 'string' },
    seed: { type: 'string' },
    /** People spread evenly over accounts (small groups), as an outside run through the contract might load them. */
    uniform: { type: 'boolean', default: false },
    rates: { type: 'string', default: '200,1000,max' },
    seconds: { type: 'string', default: '15' },
    partitions: { type: 'string', default: '6' },
    /** Kafka nodes: 1, or a cluster (3: replication factor 3, min.insync.replicas 2, acks=all as in production). */
    brokers: { type: 'string', default: '1' },
    /** Processes of each service, sharing its consumer group (the partitions) as replicas in production do. */
    replicas: { type: 'string', default: '1' },
    /** Live solution interests: the three of the dataset, then ones whose audiences cover few accounts. */
    'solution-interests': { type: 'string', default: '3' },
    /** Write V8 CPU profiles of every service into this folder (open in Chrome DevTools, or summarize-profile.ts). */
    profile: { type: 'string' },
    /** Keep the bench's database afterwards (its name is printed), to EXPLAIN statements against the data it left. */
    'keep-database': { type: 'boolean', default: false },
    /** Node/V8 flags for every service (not the bench's own process): `--service-node-args=--max-old-space-size=160`. */
    'service-node-args': { type: 'string' },
  },
});

const base: BenchSize = args.full ? presets.full : presets.quick;
const size: BenchSize = {
  ...base,
  accounts: Number(args.accounts ?? base.accounts),
  persons: Number(args.persons ?? base.persons),
  seed: Number(args.seed ?? base.seed),
  skew: args.uniform ? 1 : base.skew,
};
const partitions = Number(args.partitions);
const brokerCount = Number(args.brokers);
const replicaCount = Number(args.replicas);
const interestCount = Number(args['solution-interests']);
const rates = args.rates!.split(',').map((r) => (r === 'max' ? Infinity : Number(r)));
const seconds = Number(args.seconds);
/** The bench's own consumer groups: left out of the pipeline's lag. */
const benchGroupPrefix = 'bench-';

/** How long the bench watches the settled system do nothing, for the CPU it burns regardless of load. */
const idleSeconds = 10;
const say = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const ce = (id: string, type: string, data: unknown) =>
  JSON.stringify({
    specversion: '1.0',
    id,
    type,
    source: 'crm/bench',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  });

async function main() {
  const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  await assertPostgresReachable(adminUrl);
  const runId = `${Date.now()}`;
  const database = `bg_bench_${runId}`;
  await ensureDatabase(adminUrl, database);
  const databaseUrl = withDatabase(adminUrl, database);
  const workDir = mkdtempSync(join(tmpdir(), 'bg-bench-'));
  const kafkaProcess =
    brokerCount > 1
      ? await startKafkaCluster({ workDir, nodes: brokerCount, partitions, heapMb: 512, log: say })
      : await startKafka({
          workDir,
          port: await freePort(),
          controllerPort: await freePort(),
          partitions,
          heapMb: 1024,
          log: say,
        });
  /** The broker's process, or every node's of a cluster (a node restarted by hand is not followed). */
  const brokerPids = 'nodes' in kafkaProcess ? kafkaProcess.nodes.flatMap((n) => n.pid ?? []) : [kafkaProcess.pid];
  const kafka = new Kafka({ clientId: 'bench', brokers: kafkaProcess.brokers.split(','), logLevel: logLevel.NOTHING });
  const supervisor = new Supervisor(join(workDir, 'logs'), join(workDir, 'pids'), say);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  let backendsTimer: NodeJS.Timeout | undefined;
  try {
    await ensureTopics(kafka, '', systemTopics(partitions, defaultMaxMessageBytes));
    for (const service of listServices()) await migrate(databaseUrl, service.schema, service.migrations);

    say(`generating ${size.accounts} accounts, ${size.persons} people (seed ${size.seed})…`);
    const data = generateDataset(size, '2026-11-01T00:00:00Z');
    const inputEvents = data.accounts.length + data.persons.length + data.activities.length;
    const personBytes = Math.round(Buffer.byteLength(ce('evt-000000000000', 'person.upserted', data.persons[0])));

    // 1. The limit: raw pass-through on the same broker, before the services compete for the cores.
    say(`raw kafkajs pass-through of ${inputEvents} messages of ${personBytes} bytes…`);
    const cpuRaw = new CpuMeter(() => ({ broker: brokerPids, 'load generator': [process.pid] }));
    cpuRaw.start();
    const rawPerSecond = await rawPassThrough(kafka, {
      inTopic: 'bench.raw.in',
      outTopic: 'bench.raw.out',
      count: inputEvents,
      valueBytes: personBytes,
      partitions,
    });
    const rawCpu = cpuRaw.stop();
    say(`raw pass-through: ${Math.round(rawPerSecond)} msg/s`);

    // 2. The services, as separate processes like in production.
    const tokens = { admin: `bench-admin-${runId}`, read: `bench-read-${runId}` };
    const services = listServices();
    const compiled = compiledEntries(services);
    // Each process its own ops port, and each API its own port (the first one is the one the bench talks to).
    const replicas = serviceReplicas(services, replicaCount);
    const ports: number[] = [];
    for (let i = 0; i < replicas.length; i++) ports.push(await freePort());
    const processes = replicas.map((r, i) => ({ ...r, port: ports[i]!, api: r.service.name === 'api' }));
    const urlOf = (p: (typeof processes)[number], path: string) => `http://127.0.0.1:${p.port}${path}`;
    for (const p of processes) {
      supervisor.start({
        name: p.name,
        entry: compiled.get(p.service.name)!,
        env: {
          KAFKA_BROKERS: kafkaProcess.brokers,
          DATABASE_URL: databaseUrl,
          LOG_LEVEL: 'warn',
          OPS_PORT: String(p.api ? 0 : p.port),
          API_PORT: String(p.port),
          API_TOKENS: apiTokensValue(tokens),
        },
        nodeArgs: [
          ...(args['service-node-args']?.split(/\s+/).filter(Boolean) ?? []),
          ...(args.profile
            ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`, `--cpu-prof-name=${p.name}.cpuprofile`]
            : []),
        ],
      });
    }
    await Promise.all(processes.map((p) => waitReady(urlOf(p, '/readyz'))));
    say(
      `services ready: ${processes.map((p) => p.name).join(', ')} on ${brokerCount} broker${brokerCount > 1 ? 's' : ''}`,
    );
    /** Each process's /metrics text (the API's needs a token). */
    const scrape = (p: (typeof processes)[number]) =>
      fetch(urlOf(p, '/metrics'), { headers: { authorization: `Bearer ${tokens.admin}` } })
        .then((r) => r.text())
        .catch(() => '');
    /** Every hop's histograms now (the API's /metrics needs a token). */
    const scrapeHops = async (): Promise<Record<string, HopSnapshot>> => {
      const scraped = await Promise.all(processes.map(async (p) => [p, parseHopMetrics(await scrape(p))] as const));
      // A service's hops are those of all its replicas together.
      return Object.fromEntries(
        services.map((s) => [s.name, sumSnapshots(scraped.filter(([p]) => p.service === s).map(([, h]) => h))]),
      );
    };
    const hopsSince = async (before: Record<string, HopSnapshot>) => {
      const after = await scrapeHops();
      return Object.fromEntries(
        Object.entries(after)
          .filter(([name]) => name !== 'enrichment')
          .map(([name, snapshot]) => [name, figures(difference(snapshot, before[name]!))]),
      );
    };
    /** Per service, the pids of its replicas now (a restarted one is followed). */
    const pids = () =>
      Object.fromEntries(
        services.map((s) => [
          s.name,
          processes.filter((p) => p.service === s).flatMap((p) => supervisor.pidOf(p.name) ?? []),
        ]),
      );
    const meter = () =>
      new CpuMeter(() => ({
        broker: brokerPids,
        postgres: postgresPids(),
        ...pids(),
        'load generator': [process.pid],
      }));
    // PostgreSQL's share, split by the client each backend serves (read every second: pools open connections lazily).
    let backends = await backendsByClient(db, database);
    backendsTimer = setInterval(() => {
      backendsByClient(db, database).then(
        (found) => (backends = found),
        () => undefined,
      );
    }, 1_000);
    const postgresMeter = () => new CpuMeter(() => backends);

    // Arrival time of the public event(s) of each timed input event id (cause and coalesced). Only the ids a phase
    // times are kept: every backfill id (2.1M at full scale) would grow the bench's heap past a gigabyte, and its
    // garbage collection would take cores from the services it measures.
    const timed = new Set<string>();
    const arrivals = new Map<string, number>();
    let publicEvents = 0;
    let lastPublicAt = 0;
    const probe = kafka.consumer({ groupId: `${benchGroupPrefix}probe-${runId}`, maxWaitTimeInMs: 500 });
    await probe.connect();
    await probe.subscribe({ topic: Topics.buyingGroupChanges, fromBeginning: true });
    await probe.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) {
          publicEvents++;
          lastPublicAt = now;
          for (const id of causesOf(message.value!)) if (timed.has(id) && !arrivals.has(id)) arrivals.set(id, now);
        }
      },
    });

    // 3. Backfill.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const cpuBackfill = meter();
    cpuBackfill.start();
    const postgresBackfill = postgresMeter();
    postgresBackfill.start();
    const withStatements = await statementsAvailable(db);
    if (!withStatements) say('pg_stat_statements is not preloaded by this server: no per-statement profile');
    const hopsBeforeBackfill = await scrapeHops();
    const backfillStart = Date.now();
    await producer.send({
      topic: Topics.components,
      messages: benchSolutionInterests(new Date().toISOString(), interestCount, data.accounts).map((si) => ({
        key: si.solutionInterestId,
        value: ce(`def-${si.solutionInterestId}`, internalEventTypes.solutionInterestDefined, si),
      })),
    });
    let published = 0;
    const progress = setInterval(
      () => say(`backfill: published ${published}/${inputEvents}, ${publicEvents} group versions out`),
      2_000,
    );
    const publish = async (topic: string, type: string, records: { key: string; data: unknown }[]) => {
      for (let i = 0; i < records.length; i += 2_000) {
        const chunk = records.slice(i, i + 2_000);
        await producer.send({
          topic,
          messages: chunk.map((r, j) => ({ key: r.key, value: ce(`${type}-${i + j}`, type, r.data) })),
        });
        published += chunk.length;
      }
    };
    await publish(
      Topics.crmAccounts,
      'account.upserted',
      data.accounts.map((a) => ({ key: a.accountId, data: a })),
    );
    await publish(
      Topics.crmPersons,
      'person.upserted',
      data.persons.map((p) => ({ key: p.personId, data: p })),
    );
    await publish(
      Topics.crmActivities,
      'activity.recorded',
      data.activities.map((a) => ({ key: a.personId, data: a })),
    );
    const publishedAt = Date.now();
    // Settled = the services' lag, outboxes and recomputations all empty; the bench's own consumer groups excepted.
    const backlog = () => pipelineBacklog(kafka, db, benchGroupPrefix);
    await waitUntilBacklogSettled(backlog, { timeoutMs: Infinity, intervalMs: 500 });
    clearInterval(progress);
    const backfillSeconds = (lastPublicAt - backfillStart) / 1000;
    const backfillCpu = cpuBackfill.stop();
    const backfillPostgresCpu = roundValues(postgresBackfill.stop());
    const backfillHops = await hopsSince(hopsBeforeBackfill);
    const backfillStatements: StatementCost[] = withStatements ? await topStatements(db) : [];
    const groups = await db.query("SELECT count(*)::int AS n FROM role_assignment.groups WHERE status = 'active'");
    say(
      `backfill settled: ${inputEvents} events → ${publicEvents} group versions, ${groups.rows[0].n} groups, in ${backfillSeconds.toFixed(1)} s (publishing took ${((publishedAt - backfillStart) / 1000).toFixed(1)} s)`,
    );

    // 4. Steady state: person updates that each change a membership, at fixed rates.
    const steady = [];
    let counter = 0;
    for (const rate of rates) {
      const target = Number.isFinite(rate) ? Math.round(rate * seconds) : Math.min(20_000, size.persons);
      const sentAt = new Map<string, number>();
      const cpu = meter();
      cpu.start();
      const postgresCpu = postgresMeter();
      postgresCpu.start();
      const hopsBefore = await scrapeHops();
      const began = Date.now();
      const tick = 20;
      let sent = 0;
      while (sent < target) {
        const due = Number.isFinite(rate)
          ? Math.min(target, Math.floor(((Date.now() - began) / 1000) * rate))
          : Math.min(target, sent + 500);
        if (due > sent) {
          const messages = [];
          for (; sent < due; sent++) {
            const person = data.persons[(counter * 7919) % data.persons.length]!;
            counter++;
            const id = `upd-${runId}-${counter}`;
            const decides = person.jobTitle !== 'Chief Marketing Officer';
            const next = {
              ...person,
              jobTitle: decides ? 'Chief Marketing Officer' : 'Office Clerk',
              updatedAt: new Date(Date.parse('2026-11-02T00:00:00Z') + counter).toISOString(),
            };
            data.persons[((counter - 1) * 7919) % data.persons.length] = next;
            messages.push({ key: person.personId, value: ce(id, 'person.upserted', next), id });
          }
          const now = Date.now();
          for (const m of messages) {
            sentAt.set(m.id, now);
            timed.add(m.id);
          }
          await producer.send({
            topic: Topics.crmPersons,
            messages: messages.map(({ key, value }) => ({ key, value })),
          });
        }
        if (Number.isFinite(rate)) await new Promise((r) => setTimeout(r, tick));
      }
      const sendSeconds = (Date.now() - began) / 1000;
      const lagPeaks: Record<string, number> = {};
      const lagTimer = setInterval(() => {
        void backlog().then((b) => {
          for (const [g, l] of Object.entries(b.lag)) lagPeaks[g] = Math.max(lagPeaks[g] ?? 0, l);
        });
      }, 1_000);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && [...sentAt.keys()].some((id) => !arrivals.has(id)))
        await new Promise((r) => setTimeout(r, 200));
      clearInterval(lagTimer);
      const latencies = [...sentAt].filter(([id]) => arrivals.has(id)).map(([id, t]) => arrivals.get(id)! - t);
      const cpuSeconds = cpu.stop();
      const postgresCpuByClient = roundValues(postgresCpu.stop());
      const totals = withStatements ? await statementTotals(db) : null;
      const result = {
        targetRate: Number.isFinite(rate) ? rate : 'max',
        achievedRate: Math.round(target / sendSeconds),
        sent: target,
        received: latencies.length,
        latencyMs: summarize(latencies),
        cpuSeconds,
        postgresCpuByClient,
        // The work per update: every process's CPU (load generator excepted) over the updates sent.
        cpuMsPerUpdate: round(
          (1000 *
            Object.entries(cpuSeconds)
              .filter(([k]) => k !== 'load generator')
              .reduce((a, [, v]) => a + v, 0)) /
            target,
          2,
        ),
        // Round trips to PostgreSQL per update (every statement, BEGIN and COMMIT included), and their execution time.
        statementsPerUpdate: totals ? round(totals.calls / target, 1) : null,
        statementExecMsPerUpdate: totals ? round(totals.execMs / target, 2) : null,
        // Where the queue built up: the peak lag of each consumer group while the results came in.
        peakLagByConsumerGroup: lagPeaks,
        // Where an update's time went, hop by hop (p50/p99 ms): waiting in Kafka, applying, waiting in the outbox.
        hops: await hopsSince(hopsBefore),
        // The statements PostgreSQL spent most time on in this phase.
        statements: withStatements ? await topStatements(db, 40) : [],
      };
      steady.push(result);
      say(
        `steady ${result.targetRate}/s: achieved ${result.achievedRate}/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms, ${target - latencies.length} missing; peak lag ${JSON.stringify(lagPeaks)}`,
      );
    }

    // 5. A template change: every account of the solution interest re-checked by the paged recompute job.
    const changedDefinition = benchSolutionInterests(new Date().toISOString(), interestCount, data.accounts)[0]!;
    changedDefinition.revision = 100;
    changedDefinition.template = {
      ...changedDefinition.template,
      version: 2,
      // CEOs become decision makers too: many groups gain a member.
      slots: changedDefinition.template.slots.map((slot, i) =>
        i === 0
          ? {
              ...slot,
              conditions: {
                field: 'jobTitle',
                op: 'containsAny',
                value: ['Chief Marketing', 'CMO', 'CTO', 'Chief Technology', 'CEO', 'Chief Executive'],
              },
            }
          : slot,
      ),
    };
    const versionsBefore = publicEvents;
    const changeCpu = meter();
    changeCpu.start();
    const changePostgresCpu = postgresMeter();
    changePostgresCpu.start();
    const changeStart = Date.now();
    await producer.send({
      topic: Topics.components,
      messages: [
        {
          key: changedDefinition.solutionInterestId,
          value: ce(`def-v2-${runId}`, internalEventTypes.solutionInterestDefined, changedDefinition),
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 1_000));
    await waitUntilBacklogSettled(backlog, { timeoutMs: Infinity, intervalMs: 500 });
    const job = (
      await db.query(
        `SELECT accounts_done, groups_changed, extract(epoch FROM finished_at - created_at)::float AS seconds
         FROM role_assignment.recompute_jobs ORDER BY job_id DESC LIMIT 1`,
      )
    ).rows[0];
    const templateChange = {
      accounts: Number(job?.accounts_done ?? 0),
      groupsChanged: Number(job?.groups_changed ?? 0),
      jobSeconds: round(Number(job?.seconds ?? 0)),
      // Until the last resulting version reached the public topic.
      settledSeconds: round((Math.max(lastPublicAt, changeStart) - changeStart) / 1000),
      groupVersions: publicEvents - versionsBefore,
      cpuSeconds: changeCpu.stop(),
      postgresCpuByClient: roundValues(changePostgresCpu.stop()),
      // The statements PostgreSQL spent most time on while the job ran.
      statements: withStatements ? await topStatements(db, 40) : [],
    };
    say(
      `template change: job over ${templateChange.accounts} accounts in ${templateChange.jobSeconds} s (${templateChange.groupsChanged} groups changed); ${templateChange.groupVersions} public versions, settled in ${templateChange.settledSeconds} s`,
    );

    // 6. The final groups (the API's read model, every lag 0) against the from-scratch oracle over the records as last
    // sent and the definitions as last changed.
    const oracleStart = Date.now();
    const finalInterests = benchSolutionInterests(new Date().toISOString(), interestCount, data.accounts).map((si) =>
      si.solutionInterestId === changedDefinition.solutionInterestId ? changedDefinition : si,
    );
    const checked = compareWithOracle(await projectedGroups(db), {
      accounts: data.accounts,
      persons: data.persons,
      interests: finalInterests,
    });
    const oracle = { pass: checked.pass, compared: checked.compared, members: checked.members, detail: checked.detail };
    say(
      `oracle: ${oracle.pass ? 'equal' : 'DIFFERENT'}: ${oracle.detail} (checked in ${round((Date.now() - oracleStart) / 1000)} s)`,
    );

    // The floor under every rate: what each process burns with nothing to do (polls, timers, fetches, metrics).
    const idle = meter();
    idle.start();
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const idleCores = Object.fromEntries(Object.entries(idle.stop()).map(([k, v]) => [k, round(v / idleSeconds, 3)]));
    say(`idle ${idleSeconds} s: CPU in cores ${JSON.stringify(idleCores)}`);

    // A cheap database profile: what each table saw, and how many transactions committed.
    const tableStats = (
      await db.query(
        `SELECT schemaname || '.' || relname AS "table", seq_scan, idx_scan, n_tup_ins AS inserts, n_tup_upd AS updates, n_tup_del AS deletes
         FROM pg_stat_user_tables ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC LIMIT 15`,
      )
    ).rows;
    const commits = (await db.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()'))
      .rows[0].xact_commit;
    const postgresMemory = await postgresMemoryFigures(db);
    // Per service: how many chunks it applied, how long one took on average, how many events it handled.
    const chunkProfile: Record<string, { chunks: number; avgChunkMs: number; events: number }> = {};
    for (const service of services) {
      if (service.name === 'api') continue;
      const texts = await Promise.all(processes.filter((p) => p.service === service).map(scrape));
      const sum = (name: string) =>
        texts
          .flatMap((text) => [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))])
          .reduce((a, m) => a + Number(m[1]), 0);
      const chunks = sum('bg_chunk_duration_seconds_count');
      chunkProfile[service.name] = {
        chunks,
        avgChunkMs: round((1000 * sum('bg_chunk_duration_seconds_sum')) / Math.max(chunks, 1)),
        events: sum('bg_events_handled_total'),
      };
    }
    const rss = Object.fromEntries(processes.map((p) => [p.name, peakRssMb(supervisor.pidOf(p.name) ?? 0)]));
    brokerPids.forEach((pid, i) => (rss[brokerPids.length > 1 ? `broker-${i + 1}` : 'broker'] = peakRssMb(pid)));
    await producer.disconnect();
    await probe.disconnect();

    const pipelinePerSecond = inputEvents / backfillSeconds;
    const sustained = steady.filter((s) => s.latencyMs.p99 < 1000 && s.received === s.sent).map((s) => s.achievedRate);
    const report = {
      when: new Date().toISOString(),
      machine: { cores: (await import('node:os')).cpus().length, node: process.version },
      size,
      partitions,
      brokers: brokerCount,
      replicas: replicaCount,
      rawPassThrough: {
        messages: inputEvents,
        valueBytes: personBytes,
        perSecond: Math.round(rawPerSecond),
        cpuSeconds: rawCpu,
      },
      backfill: {
        inputEvents,
        groupVersions: publicEvents,
        activeGroups: groups.rows[0].n,
        seconds: round(backfillSeconds),
        perSecond: Math.round(pipelinePerSecond),
        cpuSeconds: backfillCpu,
        postgresCpuByClient: backfillPostgresCpu,
        hops: backfillHops,
        statements: backfillStatements,
      },
      solutionInterests: interestCount,
      ratioPipelineToRaw: round(pipelinePerSecond / rawPerSecond, 3),
      steadyState: steady,
      highestRateWithP99Under1s: sustained.length > 0 ? Math.max(...sustained) : null,
      templateChange,
      oracle,
      idleCores,
      peakRssMb: rss,
      database: { commits: Number(commits), busiestTables: tableStats, memory: postgresMemory },
      chunkProfile,
    };
    printTable(report);
    const reportsDir = join(import.meta.dirname, 'reports');
    mkdirSync(reportsDir, { recursive: true });
    const file = join(reportsDir, `bench-${runId}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    say(`report: ${file}`);
  } finally {
    clearInterval(backendsTimer);
    await supervisor.stopAll();
    await db.end();
    await kafkaProcess.stop();
    if (args['keep-database']) say(`database kept: ${database}`);
    else await dropDatabase(adminUrl, database).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The input event ids a published version answers (`cause` and `coalesced`), read from the end of the value without
 * parsing the whole snapshot: the probe must not compete with the services for the cores more than a journey
 * system reading only what it needs would.
 */
function causesOf(value: Buffer): string[] {
  const text = value.toString('utf8', Math.max(0, value.length - 64 * 1024));
  const cause = /"cause":\{"eventId":"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const coalesced = /"coalesced":(\[[^\]]*\])/.exec(text)?.[1];
  if (cause === undefined) {
    const { data } = JSON.parse(value.toString('utf8')) as {
      data: { cause: { eventId: string }; coalesced?: string[] };
    };
    return [data.cause.eventId, ...(data.coalesced ?? [])];
  }
  return [JSON.parse(`"${cause}"`) as string, ...(coalesced ? (JSON.parse(coalesced) as string[]) : [])];
}

type PostgresMemory = {
  sharedBuffers: string;
  databaseMb: number;
  blocksRead: number;
  hitPercent: number;
  pageCache: PageCacheFigures | null;
};

/**
 * How the run's data sat against PostgreSQL's own cache: its shared buffers, the database's size, and the blocks its
 * statements had to read from outside them (the OS page cache or the disk). A database much larger than the shared
 * buffers makes every random row read a system call, or a disk read once the page cache is reclaimed.
 */
async function postgresMemoryFigures(db: pg.Pool): Promise<PostgresMemory> {
  const { rows } = await db.query<{ shared_buffers: string; bytes: string; read: string; hit: string }>(
    `SELECT current_setting('shared_buffers') AS shared_buffers, pg_database_size(current_database()) AS bytes,
            blks_read AS read, blks_hit AS hit
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  const row = rows[0]!;
  const read = Number(row.read);
  const hit = Number(row.hit);
  return {
    sharedBuffers: row.shared_buffers,
    databaseMb: Math.round(Number(row.bytes) / 1024 / 1024),
    blocksRead: read,
    hitPercent: round((100 * hit) / Math.max(1, hit + read), 2),
    pageCache: await databasePageCache(db),
  };
}

/** "; the OS page cache holds 1234 of its 6447 MB of files (DAMON pages out pages idle ≥ 60 s)". */
function pageCacheText(cache: PageCacheFigures | null): string {
  if (!cache) return '';
  const evicting = cache.damonPageout ? ` (DAMON pages out ${cache.damonPageout})` : '';
  return `; the OS page cache holds ${cache.residentMb} of its ${cache.filesMb} MB of files${evicting}`;
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} not ready in time`);
}

function printTable(r: {
  brokers: number;
  replicas: number;
  rawPassThrough: { perSecond: number };
  backfill: {
    inputEvents: number;
    seconds: number;
    perSecond: number;
    groupVersions: number;
    cpuSeconds: Record<string, number>;
    postgresCpuByClient: Record<string, number>;
    hops: Record<string, HopFigures>;
  };
  solutionInterests: number;
  ratioPipelineToRaw: number;
  steadyState: {
    targetRate: number | string;
    achievedRate: number;
    received: number;
    sent: number;
    cpuMsPerUpdate: number;
    postgresCpuByClient: Record<string, number>;
    statementsPerUpdate: number | null;
    latencyMs: { p50: number; p95: number; p99: number; max: number };
    hops: Record<string, HopFigures>;
    statements: StatementCost[];
  }[];
  highestRateWithP99Under1s: number | null;
  peakRssMb: Record<string, number>;
  chunkProfile: Record<string, { avgChunkMs: number; events: number }>;
  templateChange: {
    accounts: number;
    jobSeconds: number;
    groupsChanged: number;
    settledSeconds: number;
    cpuSeconds: Record<string, number>;
    postgresCpuByClient: Record<string, number>;
    statements: StatementCost[];
  };
  oracle: { pass: boolean; compared: number; members: number };
  idleCores: Record<string, number>;
  database: { memory: PostgresMemory };
}) {
  const rows: [string, string][] = [
    [
      'brokers × replicas',
      `${r.brokers} broker${r.brokers > 1 ? 's' : ''}, ${r.replicas} replica${r.replicas > 1 ? 's' : ''} of each service`,
    ],
    ['raw kafkajs pass-through', `${r.rawPassThrough.perSecond} msg/s`],
    [
      'backfill',
      `${r.backfill.inputEvents} events in ${r.backfill.seconds} s = ${r.backfill.perSecond} events/s (${r.backfill.groupVersions} group versions)`,
    ],
    ['pipeline ÷ raw', `${r.ratioPipelineToRaw} (target ≥ 0.25)`],
    ...r.steadyState.map((s): [string, string] => [
      `steady ${s.targetRate}/s`,
      `achieved ${s.achievedRate}/s  p50 ${s.latencyMs.p50}  p95 ${s.latencyMs.p95}  p99 ${s.latencyMs.p99}  max ${s.latencyMs.max} ms  (${s.received}/${s.sent}); CPU ${s.cpuMsPerUpdate} ms/update${s.statementsPerUpdate === null ? '' : `, ${s.statementsPerUpdate} statements/update`}`,
    ]),
    [
      'template change',
      `job over ${r.templateChange.accounts} accounts in ${r.templateChange.jobSeconds} s, ${r.templateChange.groupsChanged} groups changed; public topic settled in ${r.templateChange.settledSeconds} s`,
    ],
    [
      'final groups vs oracle',
      `${r.oracle.pass ? 'equal' : 'DIFFERENT (see the log)'}: ${r.oracle.compared} active groups, ${r.oracle.members} members`,
    ],
    [
      'idle CPU (cores)',
      Object.entries(r.idleCores)
        .filter(([k]) => k !== 'load generator')
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['highest rate with p99 < 1 s', r.highestRateWithP99Under1s === null ? 'none' : `${r.highestRateWithP99Under1s}/s`],
    [
      'avg chunk (ms) / events',
      Object.entries(r.chunkProfile)
        .map(([k, v]) => `${k} ${v.avgChunkMs}/${v.events}`)
        .join(', '),
    ],
    [
      'peak RSS (MB)',
      Object.entries(r.peakRssMb)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    [
      'PostgreSQL memory',
      `shared_buffers ${r.database.memory.sharedBuffers}, database ${r.database.memory.databaseMb} MB at the end; ${r.database.memory.blocksRead} blocks read from outside shared buffers (${r.database.memory.hitPercent}% hits)` +
        pageCacheText(r.database.memory.pageCache),
    ],
    [
      'backfill CPU (s)',
      Object.entries(r.backfill.cpuSeconds)
        .map(([k, v]) => `${k} ${round(v)}`)
        .join(', '),
    ],
    [
      'template change CPU (s)',
      Object.entries(r.templateChange.cpuSeconds)
        .map(([k, v]) => `${k} ${round(v)}`)
        .join(', '),
    ],
    ...[
      ['backfill', r.backfill.postgresCpuByClient] as const,
      ...r.steadyState.map((s) => [`steady ${s.targetRate}/s`, s.postgresCpuByClient] as const),
      ['template change', r.templateChange.postgresCpuByClient] as const,
    ].map(([phase, byClient]): [string, string] => [
      `PostgreSQL CPU (s), ${phase}`,
      `by client: ${Object.entries(byClient)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    ]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\n' + rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n') + '\n');
  console.log(
    `  per hop, p50/p99 ms (${r.solutionInterests} solution interests): waiting in Kafka | applying | waiting in the outbox`,
  );
  const phases: [string, Record<string, HopFigures>][] = [
    ['backfill', r.backfill.hops],
    ...r.steadyState.map((s): [string, Record<string, HopFigures>] => [`steady ${s.targetRate}/s`, s.hops]),
  ];
  const cell = (f: { p50: number | null; p99: number | null }) => `${f.p50 ?? '–'}/${f.p99 ?? '–'}`.padEnd(13);
  for (const [phase, hops] of phases) {
    console.log(`  ${phase}`);
    for (const [service, f] of Object.entries(hops)) {
      console.log(
        `    ${service.padEnd(16)} ${cell(f.kafkaWait)} | ${cell(f.apply)} | ${service === 'api' ? '(projection)' : cell(f.outbox)}`,
      );
    }
  }
  const statementPhases = [
    ...r.steadyState.map((s) => ({ name: `steady ${s.targetRate}/s`, statements: s.statements })),
    { name: 'template change', statements: r.templateChange.statements },
  ];
  for (const phase of statementPhases) {
    if (phase.statements.length === 0) continue;
    const planned = phase.statements.reduce((a, st) => a + st.planMs, 0);
    console.log(
      `  PostgreSQL, ${phase.name}: the statements that took most time (exec ms, plan ms, calls, mean exec ms); planning in the top ${phase.statements.length}: ${planned} ms`,
    );
    for (const st of phase.statements.slice(0, 8)) {
      console.log(
        `    ${String(st.totalMs).padStart(7)} ${String(st.planMs).padStart(6)} ${String(st.calls).padStart(7)} ${String(st.meanMs).padStart(8)}  ${st.query.slice(0, 90)}`,
      );
    }
  }
  console.log('');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
