import { Counter, Gauge, type Registry } from 'prom-client';
import type { Pool, Queryable } from '@bg/postgres';

export type EnrichmentMetrics = ReturnType<typeof createEnrichmentMetrics>;

/** What an operator watches: calls by provider and outcome, job results, skipped lookups, people published. */
export function createEnrichmentMetrics(registry: Registry, pool: Pool) {
  const registers = [registry];
  return {
    providerCalls: new Counter({
      name: 'bg_enrichment_provider_calls_total',
      help: 'Outbound provider calls (and calls refused before going out), by provider and outcome',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    jobs: new Counter({
      name: 'bg_enrichment_jobs_total',
      help: 'Job attempts by kind and result (done, retry, parked, lost)',
      labelNames: ['kind', 'result'],
      registers,
    }),
    lookupsSkipped: new Counter({
      name: 'bg_enrichment_lookups_skipped_total',
      help: 'Missing roles that led to no lookup, by reason (cooldown, no-provider)',
      labelNames: ['reason'],
      registers,
    }),
    lookupsCancelled: new Counter({
      name: 'bg_enrichment_lookups_cancelled_total',
      help: 'Lookups dropped: pending ones whose role was filled, unfinished ones whose group was dissolved',
      registers,
    }),
    personsPublished: new Counter({
      name: 'bg_enrichment_persons_published_total',
      help: 'person.upserted events published, by provider and reason (found, enriched)',
      labelNames: ['provider', 'reason'],
      registers,
    }),
    lookupJobs: statusGauge(registry, pool, 'bg_enrichment_lookup_jobs', 'Lookup jobs by status', 'lookup_jobs'),
    audienceMembers: statusGauge(
      registry,
      pool,
      'bg_enrichment_audience_members',
      'Audience memberships by sync status',
      'audience_members',
    ),
  };
}

/** Read from the table at scrape time, so it is right across restarts and replicas (parked work is visible). */
function statusGauge(
  registry: Registry,
  db: Queryable,
  name: string,
  help: string,
  table: 'lookup_jobs' | 'audience_members',
) {
  return new Gauge({
    name,
    help,
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      // A database hiccup keeps the last values rather than failing the whole scrape.
      const rows = await db
        .query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM ${table} GROUP BY status`)
        .then(
          (result) => result.rows,
          () => undefined,
        );
      if (!rows) return;
      this.reset();
      for (const row of rows) this.set({ status: row.status }, row.n);
    },
  });
}
