import { createEventConsumer, fetchSettings, type Logger } from '@bg/service-kit';
import { applyProjectionEvents, projectionConsumer, projectionConsumes } from '../handlers/apply-projection';
import { shared } from '../http/shared-plugin';

export type ProjectionsOptions = {
  /** Called when the consumer stops for good: the process should exit non-zero so a supervisor restarts it. */
  onFatal: (error: unknown) => void;
};

/**
 * Keeps the API's read model current from Kafka (group snapshots, accounts, persons) with the same unit of work as
 * every other consumer. Registered last so that it is stopped first on close, before the pool it writes to.
 */
export const projectionsPlugin = shared<ProjectionsOptions>('projections', async (app, { onFatal }) => {
  const { config } = app;
  const consumer = createEventConsumer(
    {
      pool: app.db,
      kafka: app.kafka,
      producer: app.producer,
      // The app is built with the service's pino logger (app.ts).
      logger: app.log as Logger,
      metrics: app.metrics,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      maxMessageBytes: config.MAX_MESSAGE_BYTES,
      fetch: fetchSettings(config),
      onFatal,
    },
    {
      groupId: projectionConsumer,
      consumes: projectionConsumes,
      apply: (tx, events) => applyProjectionEvents(tx, events, () => app.aiTrainer.trainingDataChanged()),
    },
  );
  await consumer.start();
  app.addHook('onClose', async () => {
    await consumer.stop();
  });
});
