import { personUpsertedSchema, type PersonUpserted } from '@bg/contracts';
import { enqueue, withTransaction, type Pool } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { claimLookupJobs, finishLookupJob, type LookupJob } from '../db/lookup-jobs';
import { accountPersons, findAccount } from '../db/projection';
import { insertProviderCalls } from '../db/provider-calls';
import { afterFailure, describeFailure, NotReadyError, type RetrySchedule } from '../domain/job-failure';
import { enrichedPersons, enrichmentCandidates, newFoundPersons } from '../domain/persons';
import { titlesForSlot } from '../domain/slot-titles';
import type { EnrichmentMetrics } from '../metrics';
import type { ContactProvider } from '../providers/contact-provider';
import type { Clock } from '../resilience/clock';
import type { CallRecorder } from './call-recorder';
import { personUpsertedMessage } from './emit';
import type { JobSource } from './worker';

export type LookupDeps = {
  pool: Pool;
  logger: Logger;
  clock: Clock;
  contacts: ContactProvider;
  recorder: CallRecorder;
  metrics: EnrichmentMetrics;
  schedule: RetrySchedule;
  leaseMs: number;
  searchLimit: number;
};

/** At most one enrich request's worth of known people per lookup (the provider takes 25 per request). */
const ENRICH_LIMIT = 25;

type Result = { found: PersonUpserted[]; enriched: PersonUpserted[]; note: string | null };

/** Due lookups, claimed for this worker. */
export function lookupJobSource(deps: LookupDeps): JobSource {
  return {
    name: 'lookup',
    claim: async (limit) => {
      const now = deps.clock();
      const jobs = await claimLookupJobs(deps.pool, {
        now: new Date(now),
        leaseUntil: new Date(now + deps.leaseMs),
        limit,
        maxAttempts: deps.schedule.maxAttempts,
      });
      return jobs.map((job) => () => runLookup(deps, job));
    },
  };
}

/**
 * One attempt of a lookup: find people for the slot at the account, enrich the account's people who cannot be placed,
 * then in one transaction record the outcome, the calls made, and the people to publish (outbox → crm.persons.v1).
 * A provider failure reschedules or parks this job only.
 */
export async function runLookup(deps: LookupDeps, job: LookupJob): Promise<void> {
  const log = deps.logger.child({
    jobId: job.jobId,
    accountId: job.accountId,
    solutionInterestId: job.solutionInterestId,
    role: job.role,
    attempt: job.attempts,
  });
  const scope = deps.recorder.open({
    accountId: job.accountId,
    jobKind: 'lookup',
    jobId: job.jobId,
    solutionInterestId: job.solutionInterestId,
    role: job.role,
  });
  let result: Result | undefined;
  let failure: unknown;
  try {
    result = await lookup(deps, job, scope.run);
  } catch (error) {
    failure = error;
  }
  const now = deps.clock();
  const provider = deps.contacts.name;
  const verdict = result ? undefined : afterFailure(failure, job.attempts, deps.schedule, now);
  const people = result ? valid([...result.found, ...result.enriched], log) : [];
  const owned = await withTransaction(deps.pool, async (tx) => {
    const stillOurs = await finishLookupJob(
      tx,
      job,
      result
        ? { status: 'done', found: result.found.length, enriched: result.enriched.length, note: result.note }
        : verdict?.action === 'retry'
          ? { status: 'pending', nextAttemptAt: new Date(verdict.at), error: verdict.reason }
          : { status: 'parked', error: verdict?.reason ?? describeFailure(failure) },
      new Date(now),
    );
    // The calls happened whoever owns the job now: they stay in the audit trail either way.
    await insertProviderCalls(tx, scope.calls);
    if (stillOurs)
      await enqueue(
        tx,
        people.map((person) => personUpsertedMessage(person, provider, job.jobId, now)),
      );
    return stillOurs;
  });

  if (!owned) {
    deps.metrics.jobs.inc({ kind: 'lookup', result: 'lost' });
    log.warn(
      'lookup finished after it was cancelled (its group dissolved) or its lease was taken over; its result was dropped',
    );
  } else if (result) {
    deps.metrics.jobs.inc({ kind: 'lookup', result: 'done' });
    deps.metrics.personsPublished.inc({ provider, reason: 'found' }, result.found.length);
    deps.metrics.personsPublished.inc({ provider, reason: 'enriched' }, result.enriched.length);
    log.info({ found: result.found.length, enriched: result.enriched.length, note: result.note }, 'lookup done');
  } else {
    deps.metrics.jobs.inc({ kind: 'lookup', result: verdict?.action === 'retry' ? 'retry' : 'parked' });
    const level = failure instanceof NotReadyError || verdict?.action === 'retry' ? 'warn' : 'error';
    log[level]({ err: failure, verdict }, verdict?.action === 'retry' ? 'lookup failed; will retry' : 'lookup parked');
  }
}

async function lookup(
  deps: LookupDeps,
  job: LookupJob,
  run: <T>(purpose: string, fn: () => Promise<T>) => Promise<T>,
): Promise<Result> {
  const account = await findAccount(deps.pool, job.accountId);
  // The account record and the role event travel on different topics; the lookup waits for the account to arrive.
  if (!account) throw new NotReadyError(`account ${job.accountId} is not known yet`);
  const known = await accountPersons(deps.pool, job.accountId);
  const provider = deps.contacts.name;

  const titles = titlesForSlot(job.slotDefinition.conditions);
  const contacts = titles.length
    ? await run('find-people', () =>
        deps.contacts.searchContacts({
          accountDomain: account.domain,
          accountName: account.name,
          titles,
          limit: deps.searchLimit,
        }),
      )
    : [];
  const found = newFoundPersons(contacts, known, { provider, accountId: job.accountId, now: deps.clock() });

  const candidates = enrichmentCandidates(known, { provider, accountName: account.name, limit: ENRICH_LIMIT });
  let enriched: PersonUpserted[] = [];
  let note: string | null = titles.length ? null : 'the slot names no job titles: nothing to search for';
  try {
    if (candidates.length)
      enriched = enrichedPersons(
        known,
        await run('enrich-people', () => deps.contacts.enrichContacts(candidates)),
        deps.clock(),
      );
  } catch (error) {
    // Best effort: the people found are worth publishing now; the others are enriched at the slot's next lookup.
    note = `enriching known people failed: ${describeFailure(error)}`;
  }
  return { found, enriched, note };
}

/** A provider answer that would not pass ingestion's own validation is dropped here rather than dead-lettered there. */
function valid(people: PersonUpserted[], log: Logger): PersonUpserted[] {
  return people.flatMap((person) => {
    const parsed = personUpsertedSchema.safeParse(person);
    if (parsed.success) return [parsed.data];
    log.warn(
      { personId: person.personId, issues: parsed.error.issues.map((i) => i.message) },
      'provider person dropped: invalid record',
    );
    return [];
  });
}
