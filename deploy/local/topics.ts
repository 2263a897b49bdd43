/** `npm run topics`: creates every topic (and dead-letter topic) on KAFKA_BROKERS (idempotent). */
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics, systemTopics } from '@bg/kafka';
import { localSettings } from './src/index';

const settings = localSettings();
const brokers = settings.externalBrokers ?? `127.0.0.1:${settings.kafkaPort}`;
const kafka = new Kafka({ clientId: 'bg-topics', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const created = await ensureTopics(
  kafka,
  settings.topicPrefix,
  systemTopics(settings.partitions, settings.maxMessageBytes),
);
console.log(created.length > 0 ? `created: ${created.join(', ')}` : 'all topics exist');
