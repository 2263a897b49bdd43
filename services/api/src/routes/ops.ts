import { registerOpsRoutes, type StartPhase } from '@bg/service-kit';
import type { FastifyPluginAsync } from 'fastify';

export type OpsOptions = { phase: StartPhase };

/**
 * /healthz (process up) and /readyz (database and broker answer) are open; /metrics needs a token. Same routes as
 * every worker's ops server, mounted on the public one.
 */
export const opsRoutes: FastifyPluginAsync<OpsOptions> = async (app, { phase }) => {
  registerOpsRoutes(app, {
    registry: app.metrics,
    phase,
    checks: [
      { name: 'postgres', check: async () => void (await app.db.query('SELECT 1')) },
      { name: 'kafka', check: async () => void (await app.kafkaAdmin.describeCluster()) },
    ],
  });
};
