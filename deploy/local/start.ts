/**
 * `npm start [-- --brokers 3] [-- --replicas 2]`: brings the whole system up on this machine — PostgreSQL database, a
 * Kafka broker or a three-node cluster (from Maven Central jars, no Docker), topics, migrations, every service (each
 * `--replicas` times), the API — loads a small demo dataset and prints where to look. Stays in the foreground
 * supervising the services; Ctrl-C (or `npm run stop` from another shell) stops everything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledEntries, listServices, stopKafka } from '@bg/infra';
import {
  apiTokensValue,
  localSettings,
  localTokens,
  prepareInfrastructure,
  serviceReplicas,
  stackArgs,
  Supervisor,
} from './src/index';
import { loadDemo } from './src/demo';

const say = (line: string) => console.log(`[start] ${line}`);
/** Set once services are started: a start that fails later (the demo, the API never ready) stops them too. */
let supervisor: Supervisor | undefined;
const args = stackArgs(process.argv.slice(2));
const settings = localSettings(process.env, { kafkaNodes: args.kafkaNodes });

async function main() {
  const began = Date.now();
  mkdirSync(settings.runDir, { recursive: true });
  const { brokers } = await prepareInfrastructure(settings, say);
  const tokens = localTokens(join(settings.runDir, 'api-tokens.json'));
  supervisor = new Supervisor(settings.logsDir, settings.pidsDir, say);
  const env = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: settings.databaseUrl,
    KAFKA_TOPIC_PREFIX: settings.topicPrefix,
    LOG_LEVEL: settings.logLevel,
    API_PORT: String(settings.apiPort),
    // An operator's own API_TOKENS (hashes) are kept; the stack's tokens are added (the demo loader uses the admin one).
    API_TOKENS: [process.env.API_TOKENS, apiTokensValue(tokens)].filter(Boolean).join(','),
  };
  const services = listServices();
  const compiled = compiledEntries(services);
  // Each process its own ops port (9400 + n); the n-th API its own API_PORT (API_PORT + n − 1), since two cannot
  // share one: put a load balancer in front of them, or talk to the first.
  const processes = serviceReplicas(services, args.replicas).map((p, i) => ({
    ...p,
    opsPort: 9400 + i,
    apiPort: settings.apiPort + p.replica - 1,
  }));
  for (const p of processes) {
    supervisor.start({
      name: p.name,
      entry: compiled.get(p.service.name)!,
      env: { ...env, OPS_PORT: String(p.opsPort), API_PORT: String(p.apiPort) },
    });
  }
  writeFileSync(join(settings.runDir, 'supervisor.pid'), String(process.pid));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping services…');
    await supervisor!.stopAll();
    if (!settings.externalBrokers) await stopKafka(settings.kafkaDir);
    say('stopped; nothing left running');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const demo = await loadDemo({ brokers, settings, tokens, say });
  // The API serves its ops routes on its own port (metrics behind a token); workers on their ops port.
  const opsUrl = (p: (typeof processes)[number]) =>
    p.service.name === 'api'
      ? `http://127.0.0.1:${p.apiPort}/metrics (token)`
      : `http://127.0.0.1:${p.opsPort}/metrics`;
  const ops = processes.map(
    (p) => `    ${p.name.padEnd(18)} ${opsUrl(p).padEnd(38)} log: ${join(settings.logsDir, `${p.name}.log`)}`,
  );
  const apiPorts = processes.filter((p) => p.service.name === 'api').map((p) => p.apiPort);
  console.log(`
Buying groups is up (${((Date.now() - began) / 1000).toFixed(1)} s).

  Kafka         ${brokers}   (topics: crm.*.v1 in, buying-groups.changes.v1 out)
  PostgreSQL    ${settings.databaseUrl.replace(/:[^:@/]*@/, ':***@')}
  Console       http://127.0.0.1:${settings.apiPort}/console/   (sign in with a token below)
  API           http://127.0.0.1:${settings.apiPort}/v1/…   docs: /docs (OpenAPI JSON), /docs/ui/ (Swagger UI)${apiPorts.length > 1 ? `\n                (${apiPorts.length} API processes, on ports ${apiPorts.join(', ')})` : ''}
  Admin token   ${tokens.admin}${process.env.API_TOKENS ? '   (and those of API_TOKENS)' : ''}
  Read token    ${tokens.read}
  Services (ops endpoints /healthz /readyz /metrics)${args.replicas > 1 ? `, ${args.replicas} replicas each` : ''}:
${ops.join('\n')}

  Demo: ${demo}

  Try: open the console, click "Decision Maker missing" and "Completeness < 50", or
    curl -s -H "Authorization: Bearer ${tokens.read}" 'http://127.0.0.1:${settings.apiPort}/v1/buying-groups?missingRole=Decision%20Maker&completenessLt=50'
    kcat -C -b ${brokers} -t buying-groups.changes.v1 -o beginning -e | head
  AI (CONTRACT §8), once the model has trained on the demo's won deals (a few seconds):
    curl -s -H "Authorization: Bearer ${tokens.read}" http://127.0.0.1:${settings.apiPort}/v1/ai/model
    curl -s -X POST -H "Authorization: Bearer ${tokens.admin}" -H 'Content-Type: application/json' -d '{}' http://127.0.0.1:${settings.apiPort}/v1/role-templates/rt-learnt/generate

Ctrl-C stops everything (or run: npm run stop).`);
}

main().catch(async (error: unknown) => {
  console.error(`[start] failed: ${(error as Error).message}`);
  await supervisor?.stopAll().catch(() => undefined);
  if (!settings.externalBrokers) await stopKafka(settings.kafkaDir).catch(() => undefined);
  process.exit(1);
});
