import { activityTypes, type Cause } from '@bg/contracts';
import { enqueue, withTransaction, type OutboxMessage, type Pool, type Queryable } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { tryLockAccounts } from '../db/account-locks';
import { ancestorsOf } from '../db/accounts';
import { personsWithActivitiesIn, type OccurrenceCursor, type PersonKey } from '../db/activities';
import { loadGroupMembers } from '../db/group-members';
import { lockActiveGroupsOf } from '../db/groups';
import { personScoresToRescore } from '../db/person-scores';
import {
  addRescorePending,
  lastRescoreRun,
  recordRescoreRun,
  removeRescorePending,
  rescorePendingAfter,
} from '../db/rescore-runs';
import { clockMovedOccurrences, engagementWindowStart } from '../domain/engagement';
import { noMembers, withScores, type StoredGroup } from '../domain/group-state';
import { shouldEmitEngagementOnly } from '../domain/group-snapshot';
import { decideVersion, groupEngagementOf } from '../domain/group-version';
import { scoringSource } from './emit';
import { freshScores } from './fresh-scores';
import { loadGroupFacts } from './group-facts';
import { scopesOfGroups } from './group-scopes';
import { distinctPersons, rescorePersons } from './person-scores';
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
 * condition scores of the persons the clock moved since the last pass (sending every move of an integer score, as an
 * activity does) and to the active groups they are members of, a page at a time, publishing a group only when its
 * engagement moved by at least the step; then checks the signals that are due (`checkSignals`). Its work follows the
 * clock's effect, not the number of groups: with no decay, only activities crossing the window's edge are read. A
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

/**
 * The settings a pass scores with, as one text: a pass under other settings than the last one cannot tell whom the
 * change moved, and reads every scored person once.
 */
export function rescoreSettingsKey(settings: Pick<ScoringSettings, 'engagement' | 'step'>): string {
  const { weights, windowDays, dailyCapPerType, halfLifeDays, maxPoints } = settings.engagement;
  return JSON.stringify({
    weights: activityTypes.map((type) => weights[type]),
    windowDays,
    dailyCapPerType,
    halfLifeDays,
    maxPoints,
    step: settings.step,
  });
}

/** One source of persons a pass may have to re-score, read a page at a time. */
type PersonPages = {
  /** Whether the pass takes the persons it re-scores off the pending list. */
  pending: boolean;
  next: (db: Queryable, limit: number) => Promise<PersonKey[]>;
};

/**
 * Whom a pass at `now` reads: after a pass at `since` with the same settings, only the persons with an activity the
 * clock moved since (`clockMovedOccurrences`) and those the last passes had to leave; otherwise every scored person
 * whose score the clock may move.
 */
function personsToRescore(since: Date | null, now: Date, settings: ScoringSettings): PersonPages[] {
  if (since === null) {
    let after: PersonKey = { accountId: '', personId: '' };
    const windowStart = engagementWindowStart(now, settings.engagement);
    return [
      {
        pending: false,
        next: async (db, limit) => {
          const page = await personScoresToRescore(db, after, windowStart, limit);
          after = page.at(-1) ?? after;
          return page;
        },
      },
    ];
  }
  const moved = clockMovedOccurrences(since, now, settings.engagement).map((range): PersonPages => {
    let after: OccurrenceCursor | null = null;
    let done = false;
    return {
      pending: false,
      next: async (db, limit) => {
        if (done) return [];
        const page = await personsWithActivitiesIn(db, range, after, limit);
        after = page.last;
        done = page.last === null;
        return page.persons;
      },
    };
  });
  let afterPending: PersonKey = { accountId: '', personId: '' };
  return [
    ...moved,
    {
      pending: true,
      next: async (db, limit) => {
        const page = await rescorePendingAfter(db, afterPending, limit);
        afterPending = page.at(-1) ?? afterPending;
        return page;
      },
    },
  ];
}

async function rescorePass(pool: Pool, logger: Logger, settings: ScoringSettings, batchSize: number): Promise<void> {
  const session = await pool.connect();
  try {
    const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
      lockName,
    ]);
    if (!rows[0]?.ok) return;
    try {
      const now = settings.now();
      const settingsKey = rescoreSettingsKey(settings);
      const last = await lastRescoreRun(pool);
      const since = last?.settings === settingsKey && last.scoredAt <= now ? last.scoredAt : null;
      const cause: Cause = {
        eventId: `rescore:${now.toISOString()}`,
        eventType: rescoreCauseType,
        source: scoringSource,
      };
      let groupsEvaluated = 0;
      let versionsPublished = 0;
      let personsRead = 0;
      for (const source of personsToRescore(since, now, settings)) {
        for (;;) {
          const page = await source.next(pool, batchSize);
          if (page.length === 0) break;
          personsRead += page.length;
          const done = await withTransaction(pool, (tx) =>
            rescorePersonsAndGroups(tx, page, source.pending, settings, now, cause),
          );
          groupsEvaluated += done.evaluated;
          versionsPublished += done.published;
        }
      }
      // The signals' periodic check rides on the same pass (one scheduler, one lock); it reads only due groups.
      const signals = await checkSignals(pool, now, batchSize);
      versionsPublished += signals.versionsPublished;
      await recordRescoreRun(pool, { scoredAt: now, settings: settingsKey, groupsEvaluated, versionsPublished });
      if (versionsPublished > 0 || since === null)
        logger.info(
          {
            whole: since === null,
            personsRead,
            groupsEvaluated,
            versionsPublished,
            signalGroupsDue: signals.groupsDue,
            scoredAt: now,
          },
          since === null ? 're-score pass over every scored person finished' : 're-score published versions',
        );
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
    }
  } finally {
    session.release();
  }
}

/**
 * One page of persons: re-scores each one's condition score, and every member of the active groups whose engagement
 * counts their activities (the groups of their account and the roll-up groups of its ancestors, as an activity
 * finds them). A person whose account, or an ancestor of it, a consumer is working on is left to the next pass: the
 * consumer's version re-scores only the persons it moves.
 */
async function rescorePersonsAndGroups(
  db: Queryable,
  page: readonly PersonKey[],
  fromPending: boolean,
  settings: ScoringSettings,
  now: Date,
  cause: Cause,
): Promise<{ evaluated: number; published: number }> {
  const persons = distinctPersons(page);
  const ancestors = await ancestorsOf(
    db,
    persons.map((p) => p.accountId),
  );
  const accountsOf = (p: PersonKey) => [p.accountId, ...(ancestors.get(p.accountId) ?? [])];
  // The accounts are locked before the group rows, as a consumer does: a page then never holds a row that a
  // consumer, already holding its account, would wait for until the whole page commits.
  const free = await tryLockAccounts(db, persons.flatMap(accountsOf));
  const isFree = (p: PersonKey) => accountsOf(p).every((accountId) => free.has(accountId));
  const ready = persons.filter(isFree);
  const left = persons.filter((p) => !isFree(p));
  await addRescorePending(db, left);
  if (fromPending) await removeRescorePending(db, ready);

  const personMessages = await rescorePersons(db, ready, settings, now, () => cause);
  const groups = await lockActiveGroupsOf(db, ready, ancestors);
  const rescored = await rescoreGroups(db, groups, settings, now, cause);
  await enqueue(db, [...personMessages, ...rescored.messages]);
  return { evaluated: groups.length, published: rescored.published };
}

/**
 * Re-scores every member of these locked groups from their activities at `now`; a group whose engagement moved by
 * the step publishes a version and has its members' new scores written, the others are left as they are.
 */
async function rescoreGroups(
  db: Queryable,
  groups: readonly StoredGroup[],
  settings: ScoringSettings,
  now: Date,
  cause: Cause,
): Promise<{ messages: OutboxMessage[]; published: number }> {
  if (groups.length === 0) return { messages: [], published: 0 };
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
  return {
    messages: await saveDecisions(db, decisions),
    published: decisions.filter((d) => d.published).length,
  };
}
