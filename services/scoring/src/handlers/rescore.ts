import type { Cause } from '@bg/contracts';
import { enqueue, withTransaction, type Pool, type Queryable } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { tryLockAccounts } from '../db/account-locks';
import { loadGroupMembers } from '../db/group-members';
import { activeGroupKeysAfter, lockGroups, type GroupKey } from '../db/groups';
import { recordRescoreRun } from '../db/rescore-runs';
import { noMembers, withScores } from '../domain/group-state';
import { shouldEmitEngagementOnly } from '../domain/group-snapshot';
import { decideVersion, groupEngagementOf } from '../domain/group-version';
import { personScoresToRescore } from '../db/person-scores';
import type { PersonKey } from '../db/activities';
import { engagementWindowStart } from '../domain/engagement';
import { scoringSource } from './emit';
import { freshScores } from './fresh-scores';
import { loadGroupFacts } from './group-facts';
import { scopesOfGroups } from './group-scopes';
import { rescorePersons } from './person-scores';
import { saveDecisions } from './save-decisions';
import { checkSignals } from './signals-check';
import type { ScoringSettings } from './settings';

/** The cause of a version a periodic re-score published (window and decay moved): public, listed in README.md. */
export const rescoreCauseType = 'engagement.rescored';

export interface RescoreOptions {
  intervalMs: number;
  batchSize: number;
}

/**
 * The periodic re-score: every `intervalMs` (after the previous pass ended), applies the window and the decay to the
 * persons' condition scores (sending every move of an integer score, as an activity does) and to the active groups, a
 * page at a time, publishing a group only when its engagement moved by at least the step; then checks the signals
 * that are due (`checkSignals`). A
 * session advisory lock lets one replica run a pass at a time; the others skip that tick.
 */
export function rescoreJob(pool: Pool, logger: Logger, settings: ScoringSettings, options: RescoreOptions) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    timer = setTimeout(() => {
      running = rescorePass(pool, logger, settings, options.batchSize)
        .catch((error: unknown) => logger.error({ err: error }, 're-score pass failed; retrying next period'))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, options.intervalMs);
  };
  return {
    start: async () => {
      stopped = false;
      schedule();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

const lockName = 'scoring:rescore';

async function rescorePass(pool: Pool, logger: Logger, settings: ScoringSettings, batchSize: number): Promise<void> {
  const session = await pool.connect();
  try {
    const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      lockName,
    ]);
    if (!rows[0]?.ok) return;
    try {
      const now = settings.now();
      const cause: Cause = {
        eventId: `rescore:${now.toISOString()}`,
        eventType: rescoreCauseType,
        source: scoringSource,
      };
      let person: PersonKey = { accountId: '', personId: '' };
      for (;;) {
        const last = await withTransaction(pool, (tx) =>
          rescorePersonPage(tx, person, batchSize, settings, now, cause),
        );
        if (!last) break;
        person = last;
      }
      let after: GroupKey = { accountId: '', buyingGroupId: '' };
      let groupsEvaluated = 0;
      let versionsPublished = 0;
      for (;;) {
        const page = await withTransaction(pool, (tx) => rescorePage(tx, after, batchSize, settings, now, cause));
        if (!page.last) break;
        after = page.last;
        groupsEvaluated += page.evaluated;
        versionsPublished += page.published;
      }
      // The signals' periodic check rides on the same pass (one scheduler, one lock); it reads only due groups.
      const signals = await checkSignals(pool, now, batchSize);
      versionsPublished += signals.versionsPublished;
      await recordRescoreRun(pool, { scoredAt: now, groupsEvaluated, versionsPublished });
      if (versionsPublished > 0)
        logger.info(
          { groupsEvaluated, versionsPublished, signalGroupsDue: signals.groupsDue, scoredAt: now },
          're-score published versions',
        );
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
    }
  } finally {
    session.release();
  }
}

/**
 * One page of condition scores: those of accounts a consumer is working on are left to the next pass (a chunk holds
 * them, and sends what its activities move).
 */
async function rescorePersonPage(
  db: Queryable,
  after: PersonKey,
  limit: number,
  settings: ScoringSettings,
  now: Date,
  cause: Cause,
): Promise<PersonKey | null> {
  const page = await personScoresToRescore(db, after, engagementWindowStart(now, settings.engagement), limit);
  const free = await tryLockAccounts(
    db,
    page.map((p) => p.accountId),
  );
  await enqueue(
    db,
    await rescorePersons(
      db,
      page.filter((p) => free.has(p.accountId)),
      settings,
      now,
      () => cause,
    ),
  );
  return page.at(-1) ?? null;
}

/**
 * One page: re-scores every member of the page's groups from their activities at `now`; a group whose engagement moved
 * by the step publishes a version and has its members' new scores written, the others are left as they are.
 */
async function rescorePage(
  db: Queryable,
  after: GroupKey,
  limit: number,
  settings: ScoringSettings,
  now: Date,
  cause: Cause,
): Promise<{ last: GroupKey | null; evaluated: number; published: number }> {
  const page = await activeGroupKeysAfter(db, after, limit);
  // Groups of an account a consumer is working on are left to it (its version carries the cause, not a re-score).
  // The accounts are locked before the group rows, as a consumer does: a page then never holds a row that a
  // consumer, already holding its account, would wait for until the whole page commits.
  const free = await tryLockAccounts(
    db,
    page.map((g) => g.accountId),
  );
  const locked = await lockGroups(
    db,
    page.filter((g) => free.has(g.accountId)),
  );
  // Read again under the account's lock: a group dissolved since the page was listed is no longer re-scored.
  const groups = [...locked.values()].filter((g) => g.status === 'active');
  const people = await loadGroupMembers(db, groups);
  const scopeOf = await scopesOfGroups(db, groups);
  const scoreOf = await freshScores(
    db,
    groups.flatMap((g) =>
      (people.get(g.buyingGroupId) ?? noMembers).members.map((m) => ({ accounts: scopeOf(g), personId: m.personId })),
    ),
    settings,
    now,
  );
  const moved = groups.flatMap((group) => {
    const before = people.get(group.buyingGroupId) ?? noMembers;
    const rescored = withScores(before, (personId) => scoreOf(scopeOf(group), personId));
    const step = shouldEmitEngagementOnly(
      group.engagement,
      groupEngagementOf(group.slots, rescored).score,
      settings.step,
    );
    return group.version > 0 && step ? [{ group, before, rescored }] : [];
  });
  // Only the groups that publish read their stage's and signals' facts.
  const factsOf = await loadGroupFacts(
    db,
    moved.map(({ group, before }) => ({ group, people: before })),
    scopeOf,
  );
  const decisions = moved.map(({ group, before, rescored }) =>
    decideVersion({
      stored: group,
      before,
      next: group,
      after: rescored,
      causes: { cause, coalesced: undefined },
      facts: factsOf(group.buyingGroupId),
      now,
    }),
  );
  await enqueue(db, await saveDecisions(db, decisions));
  const last = page.at(-1);
  return {
    last: last ? { accountId: last.accountId, buyingGroupId: last.buyingGroupId } : null,
    evaluated: groups.length,
    published: decisions.filter((d) => d.published).length,
  };
}
