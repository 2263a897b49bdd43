/**
 * `npm run infra:up [-- --brokers 3]` / `infra:down`: only the infrastructure (broker or three-node cluster, database,
 * topics, migrations) — for running services by hand (`npm start -w @bg/ingestion`) or an outside test suite.
 */
import { stopKafka } from '@bg/infra';
import { localSettings, prepareInfrastructure, stackArgs } from './src/index';

const args = stackArgs(process.argv.slice(2));
const settings = localSettings(process.env, { kafkaNodes: args.kafkaNodes });
const command = args.positionals[0];
if (command === 'up') {
  const { brokers } = await prepareInfrastructure(settings, (line) => console.log(`[infra] ${line}`));
  console.log(`\nexport KAFKA_BROKERS=${brokers}\nexport DATABASE_URL=${settings.databaseUrl}`);
} else if (command === 'down') {
  console.log((await stopKafka(settings.kafkaDir)) ? 'Kafka stopped' : 'no Kafka was running');
} else {
  console.error('usage: infra.ts up [--brokers N] | down');
  process.exit(2);
}
