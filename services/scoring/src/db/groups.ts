import type { GroupSignals, RoleSlot, SignalSettings } from '@bg/contracts';
import type { ExplicitStage, GroupStage, GroupStageModel } from '@bg/rules';
import type { Queryable } from '@bg/postgres';
import type { StoredGroup } from '../domain/group-state';
import type { PersonKey } from './activities';

export type GroupKey = { accountId: string; buyingGroupId: string };

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
  solution_interest_id: string;
  name: string;
  status: StoredGroup['status'];
  membership_version: number;
  member_scope: StoredGroup['memberScope'];
  version: number;
  slots: RoleSlot[];
  completeness: number;
  engagement: number;
  missing_roles: string[];
  stage_model: GroupStageModel | null;
  explicit_stage: ExplicitStage | null;
  stage_set_at: Date | null;
  journey_status: string | null;
  status_set_at: Date | null;
  stage: GroupStage | null;
  signal_settings: SignalSettings | null;
  signals: GroupSignals | null;
  last_progress_at: Date | null;
  signals_due_at: Date | null;
};

const columns = `account_id, buying_group_id, solution_interest_id, name, status, membership_version, version, slots,
  completeness, engagement, missing_roles, member_scope, stage_model, explicit_stage, stage_set_at, journey_status,
  status_set_at, stage, signal_settings, signals, last_progress_at, signals_due_at`;

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

/**
 * Locks and reads the active groups in which one of these persons is a member whose engagement counts the person's
 * activities at their account: the groups of that account, and the roll-up groups of its ancestors (`ancestors`).
 */
export async function lockActiveGroupsOf(
  db: Queryable,
  persons: readonly PersonKey[],
  ancestors: ReadonlyMap<string, readonly string[]>,
): Promise<StoredGroup[]> {
  if (persons.length === 0) return [];
  const asked = persons.flatMap((p) => [
    { accountId: p.accountId, personId: p.personId, rollUpOnly: false },
    ...(ancestors.get(p.accountId) ?? []).map((accountId) => ({ accountId, personId: p.personId, rollUpOnly: true })),
  ]);
  const { rows } = await db.query<GroupRow>(
    `SELECT ${columns} FROM groups
     WHERE status = 'active' AND (account_id, buying_group_id) IN (
       SELECT m.account_id, m.buying_group_id
       FROM group_members m
       JOIN unnest($1::text[], $2::text[], $3::boolean[]) AS p (account_id, person_id, roll_up_only) USING (account_id, person_id)
       JOIN groups g USING (account_id, buying_group_id)
       WHERE NOT m.removed AND (NOT p.roll_up_only OR g.member_scope = 'account-and-descendants'))
     ORDER BY account_id, buying_group_id FOR UPDATE`,
    [asked.map((a) => a.accountId), asked.map((a) => a.personId), asked.map((a) => a.rollUpOnly)],
  );
  return rows.map(fromRow);
}

/**
 * Locks and reads the active groups with a stage model of these (account, solution interest) pairs: those whose stage
 * the account's opportunities for their solution interest may move.
 */
export async function lockActiveStagedGroupsOf(
  db: Queryable,
  scopes: readonly { accountId: string; solutionInterestId: string }[],
): Promise<StoredGroup[]> {
  if (scopes.length === 0) return [];
  const { rows } = await db.query<GroupRow>(
    `SELECT ${columns} FROM groups
     WHERE status = 'active' AND stage_model IS NOT NULL
       AND (account_id, solution_interest_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     ORDER BY account_id, buying_group_id FOR UPDATE`,
    [scopes.map((s) => s.accountId), scopes.map((s) => s.solutionInterestId)],
  );
  return rows.map(fromRow);
}

/** A group whose signals are due, in the order of the due-signals index (keyset pagination). */
export type DueKey = GroupKey & { dueAt: string };

/**
 * The next active groups whose signals are due at `now` (a signal changes by the clock alone), after `after` in the
 * order of their index: a range scan that reads only those groups, however many others there are. Read without locks,
 * as the re-score's pages are.
 */
export async function dueSignalKeysAfter(
  db: Queryable,
  now: Date,
  after: DueKey | null,
  limit: number,
): Promise<DueKey[]> {
  const { rows } = await db.query<{ account_id: string; buying_group_id: string; signals_due_at: Date }>(
    `SELECT account_id, buying_group_id, signals_due_at FROM groups
     WHERE status = 'active' AND signals_due_at IS NOT NULL AND signals_due_at <= $1
       AND (signals_due_at, account_id, buying_group_id) > ($2::timestamptz, $3, $4)
     ORDER BY signals_due_at, account_id, buying_group_id LIMIT $5`,
    [now, after?.dueAt ?? '-infinity', after?.accountId ?? '', after?.buyingGroupId ?? '', limit],
  );
  return rows.map((row) => ({
    accountId: row.account_id,
    buyingGroupId: row.buying_group_id,
    dueAt: row.signals_due_at.toISOString(),
  }));
}

/** A group's new row; `stored` is the row read under lock (null for a group not stored yet), whose version is checked. */
export type GroupWrite = { group: StoredGroup; stored: StoredGroup | null };

/** Writes the groups (two multi-row statements); throws ConcurrentGroupWrite when one moved since it was read. */
export async function saveGroups(db: Queryable, writes: readonly GroupWrite[]): Promise<void> {
  const inserts = writes.filter((w) => w.stored === null).map((w) => w.group);
  const updates = writes.filter((w) => w.stored !== null);
  let written = 0;
  if (inserts.length > 0) {
    const result = await db.query(
      `INSERT INTO groups (${columns})
       SELECT account_id, buying_group_id, solution_interest_id, name, status, membership_version, version, slots::jsonb,
              completeness, engagement, ${textArray('missing_roles')}, member_scope, stage_model::jsonb,
              explicit_stage::jsonb, stage_set_at, journey_status, status_set_at, stage::jsonb, signal_settings::jsonb,
              signals::jsonb, last_progress_at, signals_due_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::int[],
                   $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[], $16::text[],
                   $17::timestamptz[], $18::text[], $19::text[], $20::text[], $21::timestamptz[], $22::timestamptz[])
         AS w (account_id, buying_group_id, solution_interest_id, name, status, membership_version, version, slots,
               completeness, engagement, missing_roles, member_scope, stage_model, explicit_stage, stage_set_at,
               journey_status, status_set_at, stage, signal_settings, signals, last_progress_at, signals_due_at)
       ON CONFLICT ON CONSTRAINT groups_pkey DO NOTHING`,
      rowArrays(inserts),
    );
    written += result.rowCount ?? 0;
  }
  if (updates.length > 0) {
    const result = await db.query(
      `UPDATE groups g
       SET solution_interest_id = w.solution_interest_id, name = w.name, status = w.status,
           membership_version = w.membership_version, version = w.version, slots = w.slots::jsonb,
           completeness = w.completeness, engagement = w.engagement,
           missing_roles = ${textArray('w.missing_roles')}, member_scope = w.member_scope,
           stage_model = w.stage_model::jsonb, explicit_stage = w.explicit_stage::jsonb, stage_set_at = w.stage_set_at,
           journey_status = w.journey_status, status_set_at = w.status_set_at, stage = w.stage::jsonb,
           signal_settings = w.signal_settings::jsonb, signals = w.signals::jsonb, last_progress_at = w.last_progress_at,
           signals_due_at = w.signals_due_at, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::int[],
                   $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[], $16::text[],
                   $17::timestamptz[], $18::text[], $19::text[], $20::text[], $21::timestamptz[], $22::timestamptz[],
                   $23::int[])
         AS w (account_id, buying_group_id, solution_interest_id, name, status, membership_version, version, slots,
               completeness, engagement, missing_roles, member_scope, stage_model, explicit_stage, stage_set_at,
               journey_status, status_set_at, stage, signal_settings, signals, last_progress_at, signals_due_at,
               expected_version)
       WHERE g.account_id = w.account_id AND g.buying_group_id = w.buying_group_id AND g.version = w.expected_version`,
      [...rowArrays(updates.map((w) => w.group)), updates.map((w) => w.stored!.version)],
    );
    written += result.rowCount ?? 0;
  }
  if (written !== writes.length) throw new ConcurrentGroupWrite(writes.length - written);
}

/** A JSON array of text (as sent in a parameter) as a text[], in its order. */
const textArray = (json: string) =>
  `ARRAY(SELECT e FROM jsonb_array_elements_text(${json}::jsonb) WITH ORDINALITY AS t (e, n) ORDER BY n)`;

function rowArrays(groups: readonly StoredGroup[]): unknown[] {
  return [
    groups.map((g) => g.accountId),
    groups.map((g) => g.buyingGroupId),
    groups.map((g) => g.solutionInterestId),
    groups.map((g) => g.name),
    groups.map((g) => g.status),
    groups.map((g) => g.membershipVersion),
    groups.map((g) => g.version),
    groups.map((g) => JSON.stringify(g.slots)),
    groups.map((g) => g.completeness),
    groups.map((g) => g.engagement),
    // text[][] cannot carry arrays of different lengths through unnest: each list travels as JSON.
    groups.map((g) => JSON.stringify(g.missingRoles)),
    groups.map((g) => g.memberScope),
    // A JSON null travels as SQL NULL (a jsonb 'null' would read back as null too, but the column stays plain NULL).
    groups.map((g) => json(g.stageModel)),
    groups.map((g) => json(g.explicitStage)),
    groups.map((g) => g.stageSetAt),
    groups.map((g) => g.journeyStatus),
    groups.map((g) => g.statusSetAt),
    groups.map((g) => json(g.stage)),
    groups.map((g) => json(g.signalSettings)),
    groups.map((g) => json(g.signals)),
    groups.map((g) => g.lastProgressAt),
    groups.map((g) => g.signalsDueAt),
  ];
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function fromRow(row: GroupRow): StoredGroup {
  return {
    accountId: row.account_id,
    buyingGroupId: row.buying_group_id,
    solutionInterestId: row.solution_interest_id,
    name: row.name,
    status: row.status,
    membershipVersion: row.membership_version,
    memberScope: row.member_scope,
    slots: row.slots,
    version: row.version,
    completeness: row.completeness,
    engagement: row.engagement,
    missingRoles: row.missing_roles,
    stageModel: row.stage_model,
    explicitStage: row.explicit_stage,
    stageSetAt: row.stage_set_at?.toISOString() ?? null,
    journeyStatus: row.journey_status,
    statusSetAt: row.status_set_at?.toISOString() ?? null,
    stage: row.stage,
    signalSettings: row.signal_settings,
    signals: row.signals,
    lastProgressAt: row.last_progress_at?.toISOString() ?? null,
    signalsDueAt: row.signals_due_at?.toISOString() ?? null,
  };
}
