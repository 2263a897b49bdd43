import { physicalTopic } from '@bg/kafka';
import { createEventConsumer, fetchSettings, type Logger } from '@bg/service-kit';
import { topicsReadBy } from '@bg/contracts';
import { Gauge } from 'prom-client';
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
  registerLagGauge(
    app,
    physicalTopic(config.KAFKA_TOPIC_PREFIX, projectionConsumer),
    Object.keys(topicsReadBy(projectionConsumes)).map((t) => physicalTopic(config.KAFKA_TOPIC_PREFIX, t)),
  );
  await consumer.start();
  app.addHook('onClose', async () => {
    await consumer.stop();
  });
});

/** Consumer lag per topic partition, measured when Prometheus scrapes (latest offset − committed offset). */
function registerLagGauge(app: Parameters<typeof projectionsPlugin>[0], groupId: string, topics: string[]): void {
  new Gauge({
    name: 'bg_consumer_lag',
    help: 'Messages not yet applied to the projection, by topic and partition',
    labelNames: ['topic', 'partition'],
    registers: [app.metrics],
    async collect() {
      this.reset();
      try {
        const committed = await app.kafkaAdmin.fetchOffsets({ groupId, topics });
        for (const { topic, partitions } of committed) {
          const latest = new Map(
            (await app.kafkaAdmin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
          );
          for (const { partition, offset } of partitions) {
            const high = latest.get(partition) ?? 0;
            const done = Number(offset) < 0 ? 0 : Number(offset);
            this.set({ topic, partition: String(partition) }, Math.max(0, high - done));
          }
        }
      } catch (error) {
        app.log.debug({ err: error }, 'consumer lag unavailable');
      }
    },
  });
}
