import type { GroupMember, RemovedMember } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { Membership, MembershipDelta, SlotOccupancy } from '@bg/rules';
import type { GroupRecord } from '../domain/group-state';

type GroupRow = {
  account_id: string;
  solution_interest_id: string;
  buying_group_id: string;
  name: string;
  status: GroupRecord['status'];
  slots: GroupRecord['slots'];
  membership_version: number;
  slots_revision: string;
  stage_model: GroupRecord['stageModel'];
  signals: GroupRecord['signals'];
};

export const groupKey = (accountId: string, solutionInterestId: string) => `${accountId}|${solutionInterestId}`;

/** Groups of many accounts at once, by `accountId|solutionInterestId` (callers hold the accounts' locks). */
export async function groupsOfMany(db: Queryable, accountIds: string[]): Promise<Map<string, GroupRecord>> {
  const { rows } = await db.query<GroupRow>(
    `SELECT account_id, solution_interest_id, buying_group_id, name, status, slots, membership_version, slots_revision,
       stage_model, signals
     FROM groups WHERE account_id = ANY($1::text[])`,
    [accountIds],
  );
  return new Map(rows.map((row) => [groupKey(row.account_id, row.solution_interest_id), fromRow(row)]));
}

type MemberRow = {
  account_id: string;
  solution_interest_id: string;
  person_id: string;
  role: string;
  source: GroupMember['source'];
  removed: boolean;
  changed_at: Date;
  reason: GroupMember['reason'] | null;
};

/**
 * Member rows of groups, by `accountId|solutionInterestId`: all of them for `whole` groups, only those of `personIds`
 * for the others (each list as a Membership).
 */
export async function membershipsOf(
  db: Queryable,
  groups: { accountId: string; solutionInterestId: string; personIds: string[] | null }[],
): Promise<Map<string, Membership>> {
  const result = new Map<string, Membership>();
  if (groups.length === 0) return result;
  const whole = groups.filter((g) => g.personIds === null);
  const some = groups.flatMap((g) => (g.personIds ?? []).map((personId) => ({ ...g, personId })));
  const { rows } = await db.query<MemberRow>(
    `SELECT m.account_id, m.solution_interest_id, m.person_id, m.role, m.source, m.removed, m.changed_at, m.reason
     FROM group_members m JOIN unnest($1::text[], $2::text[]) AS g(account_id, solution_interest_id)
       USING (account_id, solution_interest_id)
     UNION ALL
     SELECT m.account_id, m.solution_interest_id, m.person_id, m.role, m.source, m.removed, m.changed_at, m.reason
     FROM group_members m JOIN unnest($3::text[], $4::text[], $5::text[]) AS p(account_id, solution_interest_id, person_id)
       USING (account_id, solution_interest_id, person_id)`,
    [
      whole.map((g) => g.accountId),
      whole.map((g) => g.solutionInterestId),
      some.map((g) => g.accountId),
      some.map((g) => g.solutionInterestId),
      some.map((g) => g.personId),
    ],
  );
  for (const row of rows) {
    const key = groupKey(row.account_id, row.solution_interest_id);
    const membership = result.get(key) ?? { members: [], removedMembers: [] };
    result.set(key, membership);
    if (row.removed) {
      membership.removedMembers.push({
        personId: row.person_id,
        role: row.role,
        source: row.source,
        removedAt: row.changed_at.toISOString(),
      });
    } else {
      membership.members.push({
        personId: row.person_id,
        role: row.role,
        source: row.source,
        since: row.changed_at.toISOString(),
        reason: row.reason!,
      });
    }
  }
  return result;
}

/**
 * Each group's members per slot index (explicit and AI members included: they take room) and the latest `since` of its
 * rule members, by group key; only for the groups given. What decides whether people can be judged without the rest
 * of their group (judgeAlone).
 */
export async function slotOccupancyOf(
  db: Queryable,
  groups: readonly { accountId: string; solutionInterestId: string }[],
): Promise<Map<string, SlotOccupancy[]>> {
  const result = new Map<string, SlotOccupancy[]>();
  if (groups.length === 0) return result;
  const { rows } = await db.query<{
    account_id: string;
    solution_interest_id: string;
    slot: number;
    members: number;
    latest_rule_since: Date | null;
  }>(
    // An index-only scan of group_members_slot_idx (migration 008): `slot` is set only for members in a slot.
    `SELECT m.account_id, m.solution_interest_id, m.slot, count(*)::int AS members,
            max(m.changed_at) FILTER (WHERE m.source = 'rule') AS latest_rule_since
     FROM group_members m JOIN unnest($1::text[], $2::text[]) AS g(account_id, solution_interest_id)
       USING (account_id, solution_interest_id)
     WHERE m.slot IS NOT NULL
     GROUP BY 1, 2, 3`,
    [groups.map((g) => g.accountId), groups.map((g) => g.solutionInterestId)],
  );
  for (const row of rows) {
    const key = groupKey(row.account_id, row.solution_interest_id);
    const occupancy = result.get(key) ?? [];
    occupancy[row.slot] = { members: row.members, latestRuleSince: row.latest_rule_since?.toISOString() ?? null };
    result.set(key, occupancy);
  }
  return result;
}

export type GroupWrite = { group: GroupRecord; delta: MembershipDelta };

/** Upserts the group rows and applies their member deltas: a fixed number of statements whatever their number. */
export async function saveGroups(db: Queryable, writes: GroupWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await db.query(
    `INSERT INTO groups (account_id, solution_interest_id, buying_group_id, name, status, slots, membership_version, slots_revision,
       stage_model, signals, updated_at)
     SELECT g.account_id, g.solution_interest_id, g.buying_group_id, g.name, g.status, g.slots, g.membership_version, g.slots_revision,
       g.stage_model, g.signals, now()
     FROM jsonb_to_recordset($1::jsonb) AS g(account_id text, solution_interest_id text, buying_group_id text, name text, status text,
       slots jsonb, membership_version int, slots_revision bigint, stage_model jsonb,
       signals jsonb)
     ON CONFLICT ON CONSTRAINT groups_pkey DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status, slots = EXCLUDED.slots,
       membership_version = EXCLUDED.membership_version, slots_revision = EXCLUDED.slots_revision,
       stage_model = EXCLUDED.stage_model, signals = EXCLUDED.signals, updated_at = now()`,
    [
      JSON.stringify(
        writes.map(({ group: g }) => ({
          account_id: g.accountId,
          solution_interest_id: g.solutionInterestId,
          buying_group_id: g.buyingGroupId,
          name: g.name,
          status: g.status,
          slots: g.slots,
          membership_version: g.membershipVersion,
          slots_revision: g.slotsRevision,
          stage_model: g.stageModel,
          signals: g.signals,
        })),
      ),
    ],
  );
  const gone = writes.flatMap(({ group, delta }) =>
    [...delta.members.removed, ...delta.removedMembers.cleared].map((personId) => ({ group, personId })),
  );
  if (gone.length > 0) {
    await db.query(
      `DELETE FROM group_members m USING unnest($1::text[], $2::text[], $3::text[]) AS d(account_id, solution_interest_id, person_id)
       WHERE m.account_id = d.account_id AND m.solution_interest_id = d.solution_interest_id AND m.person_id = d.person_id`,
      [gone.map((g) => g.group.accountId), gone.map((g) => g.group.solutionInterestId), gone.map((g) => g.personId)],
    );
  }
  const rows = writes.flatMap(({ group, delta }) => [
    ...delta.members.upserted.map((m) => memberRow(group, m)),
    ...delta.removedMembers.upserted.map((r) => removedRow(group, r)),
  ]);
  if (rows.length > 0) {
    await db.query(
      `INSERT INTO group_members (account_id, solution_interest_id, person_id, role, source, removed, changed_at, reason)
       SELECT r.account_id, r.solution_interest_id, r.person_id, r.role, r.source, r.removed, r.changed_at, r.reason
       FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, solution_interest_id text, person_id text, role text, source text,
         removed boolean, changed_at timestamptz, reason jsonb)
       ON CONFLICT ON CONSTRAINT group_members_pkey DO UPDATE SET role = EXCLUDED.role, source = EXCLUDED.source,
         removed = EXCLUDED.removed, changed_at = EXCLUDED.changed_at, reason = EXCLUDED.reason`,
      [JSON.stringify(rows)],
    );
  }
}

const memberRow = (group: GroupRecord, m: GroupMember) => ({
  account_id: group.accountId,
  solution_interest_id: group.solutionInterestId,
  person_id: m.personId,
  role: m.role,
  source: m.source,
  removed: false,
  changed_at: m.since,
  reason: m.reason,
});

const removedRow = (group: GroupRecord, r: RemovedMember) => ({
  account_id: group.accountId,
  solution_interest_id: group.solutionInterestId,
  person_id: r.personId,
  role: r.role,
  source: r.source,
  removed: true,
  changed_at: r.removedAt,
  reason: null,
});

/** Every stored group with its membership (for the oracle comparison in tests and for audits). */
export async function allGroups(db: Queryable): Promise<(GroupRecord & Membership)[]> {
  const { rows } = await db.query<GroupRow>(
    `SELECT account_id, solution_interest_id, buying_group_id, name, status, slots, membership_version, slots_revision,
       stage_model, signals
     FROM groups ORDER BY account_id, solution_interest_id`,
  );
  const groups = rows.map(fromRow);
  const memberships = await membershipsOf(
    db,
    groups.map((g) => ({ ...g, personIds: null })),
  );
  return groups.map((g) => ({
    ...g,
    ...(memberships.get(groupKey(g.accountId, g.solutionInterestId)) ?? { members: [], removedMembers: [] }),
  }));
}

function fromRow(row: GroupRow): GroupRecord {
  return {
    accountId: row.account_id,
    solutionInterestId: row.solution_interest_id,
    buyingGroupId: row.buying_group_id,
    name: row.name,
    status: row.status,
    slots: row.slots,
    membershipVersion: row.membership_version,
    slotsRevision: Number(row.slots_revision),
    stageModel: row.stage_model ?? null,
    signals: row.signals ?? null,
  };
}
