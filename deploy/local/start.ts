/**
 * `npm start`: brings the whole system up on this machine — PostgreSQL database, a Kafka broker (from Maven Central
 * jars, no Docker), topics, migrations, every service, the API — loads a small demo dataset and prints where to look.
 * Stays in the foreground supervising the services; Ctrl-C (or `npm run stop` from another shell) stops everything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledEntries, listServices, stopKafka } from '@bg/infra';
import { apiTokensValue, localSettings, localTokens, prepareInfrastructure, Supervisor } from './src/index';
import { loadDemo } from './src/demo';

const say = (line: string) => console.log(`[start] ${line}`);
const settings = localSettings();

async function main() {
  const began = Date.now();
  mkdirSync(settings.runDir, { recursive: true });
  const { brokers } = await prepareInfrastructure(settings, say);
  const tokens = localTokens(join(settings.runDir, 'api-tokens.json'));
  const supervisor = new Supervisor(settings.logsDir, settings.pidsDir, say);
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
  services.forEach((service, i) =>
    supervisor.start({
      name: service.name,
      entry: compiled.get(service.name)!,
      env: { ...env, OPS_PORT: String(9400 + i) },
    }),
  );
  writeFileSync(join(settings.runDir, 'supervisor.pid'), String(process.pid));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping services…');
    await supervisor.stopAll();
    if (!settings.externalBrokers) await stopKafka(settings.kafkaDir);
    say('stopped; nothing left running');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const demo = await loadDemo({ brokers, settings, tokens, say });
  // The API serves its ops routes on its own port (metrics behind a token); workers on their ops port.
  const opsUrl = (name: string, i: number) =>
    name === 'api' ? `http://127.0.0.1:${settings.apiPort}/metrics (token)` : `http://127.0.0.1:${9400 + i}/metrics`;
  const ops = services.map(
    (s, i) =>
      `    ${s.name.padEnd(16)} ${opsUrl(s.name, i).padEnd(38)} log: ${join(settings.logsDir, `${s.name}.log`)}`,
  );
  console.log(`
Buying groups is up (${((Date.now() - began) / 1000).toFixed(1)} s).

  Kafka         ${brokers}   (topics: crm.*.v1 in, buying-groups.changes.v1 out)
  PostgreSQL    ${settings.databaseUrl.replace(/:[^:@/]*@/, ':***@')}
  Console       http://127.0.0.1:${settings.apiPort}/console/   (sign in with a token below)
  API           http://127.0.0.1:${settings.apiPort}/v1/…   docs: /docs (OpenAPI JSON), /docs/ui/ (Swagger UI)
  Admin token   ${tokens.admin}${process.env.API_TOKENS ? '   (and those of API_TOKENS)' : ''}
  Read token    ${tokens.read}
  Services (ops endpoints /healthz /readyz /metrics):
${ops.join('\n')}

  Demo: ${demo}

  Try: open the console, click "Decision Maker missing" and "Completeness < 50", or
    curl -s -H "Authorization: Bearer ${tokens.read}" 'http://127.0.0.1:${settings.apiPort}/v1/buying-groups?missingRole=Decision%20Maker&completenessLt=50'
    kcat -C -b ${brokers} -t buying-groups.changes.v1 -o beginning -e | head

Ctrl-C stops everything (or run: npm run stop).`);
}

main().catch(async (error: unknown) => {
  console.error(`[start] failed: ${(error as Error).message}`);
  if (!settings.externalBrokers) await stopKafka(settings.kafkaDir).catch(() => undefined);
  process.exit(1);
});
