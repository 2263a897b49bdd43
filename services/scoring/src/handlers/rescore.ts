import type { Cause } from '@bg/contracts';
import { enqueue, withTransaction, type OutboxMessage, type Pool, type Queryable } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { loadActivities } from '../db/activities';
import { lockActiveGroupsAfter, recordRescoreRun, saveGroups, type GroupKey, type GroupWrite } from '../db/groups';
import { withCause } from '../domain/coalesce';
import { engagementWindowStart } from '../domain/engagement';
import { groupEngagementAt } from '../domain/group-engagement-at';
import { buildSnapshot, shouldEmitEngagementOnly } from '../domain/group-snapshot';
import { versionMessages } from './emit';
import type { ScoringSettings } from './settings';

export const rescoreCauseType = 'engagement.rescored';

export interface RescoreOptions {
  intervalMs: number;
  batchSize: number;
}

/**
 * The periodic re-score: every `intervalMs` (after the previous pass ended), applies the window and the decay to the
 * active groups, a page at a time, and publishes a group only when its engagement moved by at least the step. A
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
    const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [lockName]);
    if (!rows[0]?.ok) return;
    try {
      const now = settings.now();
      const cause: Cause = { eventId: `rescore:${now.toISOString()}`, eventType: rescoreCauseType };
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
      await recordRescoreRun(pool, { scoredAt: now, groupsEvaluated, versionsPublished });
      if (versionsPublished > 0) logger.info({ groupsEvaluated, versionsPublished, scoredAt: now }, 're-score published versions');
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName]);
    }
  } finally {
    session.release();
  }
}

async function rescorePage(
  db: Queryable,
  after: GroupKey,
  limit: number,
  settings: ScoringSettings,
  now: Date,
  cause: Cause,
): Promise<{ last: GroupKey | null; evaluated: number; published: number }> {
  const groups = await lockActiveGroupsAfter(db, after, limit);
  const members = groups.flatMap((g) => g.input.members.map((m) => ({ accountId: g.accountId, personId: m.personId })));
  const activities = await loadActivities(db, members, engagementWindowStart(now, settings.engagement));
  const writes: GroupWrite[] = [];
  const outbox: OutboxMessage[] = [];
  for (const group of groups) {
    const previous = group.snapshot;
    if (!previous) continue;
    const engagement = groupEngagementAt(group.input, activities.get(group.accountId) ?? new Map(), now, settings.engagement);
    if (!shouldEmitEngagementOnly(previous.engagement.score, engagement.score, settings.step)) continue;
    const result = buildSnapshot(withCause(group.input, { cause, coalesced: undefined }), engagement, previous, now);
    if (!result.changed) continue;
    writes.push({ input: group.input, snapshot: result.snapshot, expectedVersion: previous.version, isNew: false });
    outbox.push(...versionMessages(result, group.input.slots));
  }
  await saveGroups(db, writes);
  await enqueue(db, outbox);
  const last = groups[groups.length - 1];
  return {
    last: last ? { accountId: last.accountId, buyingGroupId: last.buyingGroupId } : null,
    evaluated: groups.length,
    published: writes.length,
  };
}
