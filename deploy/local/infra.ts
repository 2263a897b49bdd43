/**
 * `npm run infra:up` / `infra:down`: only the infrastructure (broker, database, topics, migrations) — for running
 * services by hand (`npm start -w @bg/ingestion`) or an outside test suite.
 */
import { stopKafka } from '@bg/infra';
import { localSettings, prepareInfrastructure } from './src/index';

const settings = localSettings();
const command = process.argv[2];
if (command === 'up') {
  const { brokers } = await prepareInfrastructure(settings, (line) => console.log(`[infra] ${line}`));
  console.log(`\nexport KAFKA_BROKERS=${brokers}\nexport DATABASE_URL=${settings.databaseUrl}`);
} else if (command === 'down') {
  console.log((await stopKafka(settings.kafkaDir)) ? 'Kafka stopped' : 'no Kafka was running');
} else {
  console.error('usage: infra.ts up|down');
  process.exit(2);
}
