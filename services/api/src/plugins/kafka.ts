import { createKafka, EventProducer } from '@bg/kafka';
import { shared } from '../http/shared-plugin';

/** The broker connection: a producer (for the outbox relay) and an admin client (readiness, consumer lag). */
export const kafkaPlugin = shared('kafka', async (app) => {
  const kafka = createKafka({
    brokers: app.config.KAFKA_BROKERS,
    clientId: 'api',
    logger: app.log.child({ component: 'kafka' }),
  });
  const producer = new EventProducer(kafka, app.config.KAFKA_TOPIC_PREFIX);
  const admin = kafka.admin();
  await producer.connect();
  await admin.connect();
  app.decorate('kafka', kafka);
  app.decorate('producer', producer);
  app.decorate('kafkaAdmin', admin);
  app.addHook('onClose', async () => {
    await producer.disconnect();
    await admin.disconnect();
  });
});
