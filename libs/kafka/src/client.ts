import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

export type KafkaLogger = {
  error: (o: object, m: string) => void;
  warn: (o: object, m: string) => void;
  info: (o: object, m: string) => void;
  debug: (o: object, m: string) => void;
};

/**
 * The one place kafkajs is constructed. kafkajs is unmaintained since 2023; keeping it behind this port means a switch
 * to @confluentinc/kafka-javascript (KafkaJS-compatible API) touches only libs/kafka.
 */
export function createKafka(opts: { brokers: string[]; clientId: string; logger: KafkaLogger }): Kafka {
  const config: KafkaConfig = {
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      const fields = { namespace: entry.namespace, ...extra };
      if (entry.level === logLevel.ERROR) opts.logger.error(fields, message);
      else if (entry.level === logLevel.WARN) opts.logger.warn(fields, message);
      else if (entry.level === logLevel.INFO) opts.logger.info(fields, message);
      else opts.logger.debug(fields, message);
    },
    retry: { initialRetryTime: 100, retries: 8 },
  };
  return new Kafka(config);
}

/** Physical topic name: tests and side-by-side environments share a broker through a prefix. */
export function physicalTopic(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}
