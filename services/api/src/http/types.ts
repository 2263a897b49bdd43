import type { Admin, Kafka } from 'kafkajs';
import type { EventProducer } from '@bg/kafka';
import type { Pool } from '@bg/postgres';
import type { Registry } from 'prom-client';
import type { ApiConfig } from '../config';
import type { Requirement } from '../domain/auth';

declare module 'fastify' {
  interface FastifyInstance {
    config: ApiConfig;
    /** The app's clock: injected so that tests can pin time. */
    now: () => Date;
    db: Pool;
    kafka: Kafka;
    producer: EventProducer;
    kafkaAdmin: Admin;
    metrics: Registry;
  }
  interface FastifyContextConfig {
    /** Who may call the route; routes without it need a read token, except the open probes. */
    auth?: Requirement;
    /** Media types the route's body may have (for the 415 answer); JSON when absent. */
    accepts?: string[];
  }
}
