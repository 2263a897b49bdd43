import type { BuyingGroupChanged, GroupRecomputed } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { PersonKey } from './activities';

export type GroupKey = { accountId: string; buyingGroupId: string };

export interface StoredGroup extends GroupKey {
  membershipVersion: number;
  /** The last membership role-assignment sent. */
  input: GroupRecomputed;
  /** The last version published, or null when none was. */
  snapshot: BuyingGroupChanged | null;
}

/** A group's new state; `expectedVersion` is the version read under lock (0 for a group not stored yet). */
export interface GroupWrite {
  input: GroupRecomputed;
  snapshot: BuyingGroupChanged | null;
  expectedVersion: number;
  isNew: boolean;
}

/** Another writer got there first: retried like a serialization failure (the consumer and the re-score both do). */
export class ConcurrentGroupWrite extends Error {
  readonly code = '40001';
  constructor(count: number) {
    super(`${count} group(s) were written concurrently; retrying`);
    this.name = 'ConcurrentGroupWrite';
  }
}

type GroupRow = {
  account_id: string;
  buying_group_id: string;
  membership_version: number;
  input: GroupRecomputed;
  snapshot: BuyingGroupChanged | null;
};

const columns = 'account_id, buying_group_id, membership_version, input, snapshot';

/** Locks and reads these groups (those stored), in key order so that concurrent writers cannot deadlock. */
export async function lockGroups(db: Queryable, keys: readonly GroupKey[]): Promise<Map<string, StoredGroup>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<GroupRow>(
    `SELECT ${columns} FROM groups
     WHERE (account_id, buying_group_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     ORDER BY account_id, buying_group_id FOR UPDATE`,
    [keys.map((k) => k.accountId), keys.map((k) => k.buyingGroupId)],
  );
  return new Map(rows.map((row) => [row.buying_group_id, fromRow(row)]));
}

/** Locks and reads the active groups in which one of these persons is a member, at the person's account. */
export async function lockActiveGroupsOf(db: Queryable, persons: readonly PersonKey[]): Promise<StoredGroup[]> {
  if (persons.length === 0) return [];
  const { rows } = await db.query<GroupRow>(
    `SELECT ${columns} FROM groups g
     WHERE g.status = 'active' AND g.account_id = ANY($1::text[])
       AND EXISTS (
         SELECT 1 FROM jsonb_array_elements(g.input -> 'members') AS m (member)
         JOIN unnest($1::text[], $2::text[]) AS p (account_id, person_id)
           ON p.account_id = g.account_id AND p.person_id = m.member ->> 'personId')
     ORDER BY g.account_id, g.buying_group_id FOR UPDATE`,
    [persons.map((p) => p.accountId), persons.map((p) => p.personId)],
  );
  return rows.map(fromRow);
}

/**
 * Locks and reads the next active groups after `after` in key order (keyset pagination, so a re-score never holds all
 * groups in memory). Groups a consumer holds right now are skipped: it is re-scoring them anyway.
 */
export async function lockActiveGroupsAfter(db: Queryable, after: GroupKey, limit: number): Promise<StoredGroup[]> {
  const { rows } = await db.query<GroupRow>(
    `SELECT ${columns} FROM groups
     WHERE status = 'active' AND (account_id, buying_group_id) > ($1, $2)
     ORDER BY account_id, buying_group_id LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [after.accountId, after.buyingGroupId, limit],
  );
  return rows.map(fromRow);
}

/** Writes the groups (two multi-row statements); throws ConcurrentGroupWrite when one moved since it was read. */
export async function saveGroups(db: Queryable, writes: readonly GroupWrite[]): Promise<void> {
  const inserts = writes.filter((w) => w.isNew);
  const updates = writes.filter((w) => !w.isNew);
  let written = 0;
  if (inserts.length > 0) {
    const result = await db.query(
      `INSERT INTO groups (account_id, buying_group_id, status, membership_version, input, snapshot, version)
       SELECT account_id, buying_group_id, status, membership_version, input::jsonb, snapshot::jsonb, version
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[])
         AS w (account_id, buying_group_id, status, membership_version, input, snapshot, version)
       ON CONFLICT ON CONSTRAINT groups_pkey DO NOTHING`,
      rowArrays(inserts),
    );
    written += result.rowCount ?? 0;
  }
  if (updates.length > 0) {
    const result = await db.query(
      `UPDATE groups g
       SET status = w.status, membership_version = w.membership_version, input = w.input::jsonb,
           snapshot = w.snapshot::jsonb, version = w.version, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::int[])
         AS w (account_id, buying_group_id, status, membership_version, input, snapshot, version, expected_version)
       WHERE g.account_id = w.account_id AND g.buying_group_id = w.buying_group_id AND g.version = w.expected_version`,
      [...rowArrays(updates), updates.map((w) => w.expectedVersion)],
    );
    written += result.rowCount ?? 0;
  }
  if (written !== writes.length) throw new ConcurrentGroupWrite(writes.length - written);
}

function rowArrays(writes: readonly GroupWrite[]): unknown[] {
  return [
    writes.map((w) => w.input.accountId),
    writes.map((w) => w.input.buyingGroupId),
    writes.map((w) => w.input.status),
    writes.map((w) => w.input.membershipVersion),
    writes.map((w) => JSON.stringify(w.input)),
    writes.map((w) => (w.snapshot ? JSON.stringify(w.snapshot) : null)),
    writes.map((w) => w.snapshot?.version ?? 0),
  ];
}

function fromRow(row: GroupRow): StoredGroup {
  return {
    accountId: row.account_id,
    buyingGroupId: row.buying_group_id,
    membershipVersion: row.membership_version,
    input: row.input,
    snapshot: row.snapshot,
  };
}

/** Records a finished re-score pass: when it ran and for which clock, for operators (and tests) to see. */
export async function recordRescoreRun(
  db: Queryable,
  run: { scoredAt: Date; groupsEvaluated: number; versionsPublished: number },
): Promise<void> {
  await db.query(
    `INSERT INTO rescore_runs (singleton, scored_at, finished_at, groups_evaluated, versions_published)
     VALUES (true, $1, now(), $2, $3)
     ON CONFLICT ON CONSTRAINT rescore_runs_pkey DO UPDATE
       SET scored_at = EXCLUDED.scored_at, finished_at = EXCLUDED.finished_at,
           groups_evaluated = EXCLUDED.groups_evaluated, versions_published = EXCLUDED.versions_published`,
    [run.scoredAt, run.groupsEvaluated, run.versionsPublished],
  );
}
