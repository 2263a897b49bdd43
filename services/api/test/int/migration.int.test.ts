import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuyingGroupChanged } from '@bg/contracts';
import { createPool, migrate, type Pool } from '@bg/postgres';
import { createTestContext, type TestContext } from '@bg/testing';
import { apiMigrations } from '../../src/app';
import { findSnapshot, groupHistory, membershipsOf } from '../../src/db/groups';
import { publishedGroup } from './support';

// A schema of its own in this file's database, migrated to 003 and filled as the previous code stored groups.
const schema = 'api_upgrade';
let ctx: TestContext;
let pool: Pool;
let before003: string;

const v1 = publishedGroup({ solutionInterestId: 'si-m', accountId: 'acc-m', version: 1, size: 12 });
const v2 = publishedGroup({
  solutionInterestId: 'si-m',
  accountId: 'acc-m',
  version: 2,
  size: 11,
  moved: { 'p-00003': 2 },
  coalesced: ['evt-x'],
  changes: [{ kind: 'member.removed', personId: 'p-00011', role: 'Practitioner', source: 'rule' }],
});
// Stored before the breakdown existed, and one whose members are not in scoring's order.
const withBreakdown = publishedGroup({ solutionInterestId: 'si-n', accountId: 'acc-m', version: 1, size: 4 });
const plain: BuyingGroupChanged = { ...withBreakdown, engagement: { score: withBreakdown.engagement.score } };
const shuffledBase = publishedGroup({ solutionInterestId: 'si-o', accountId: 'acc-m', version: 1, size: 4 });
const shuffled: BuyingGroupChanged = { ...shuffledBase, members: [...shuffledBase.members].reverse() };

beforeAll(async () => {
  ctx = await createTestContext();
  before003 = await mkdtemp(join(tmpdir(), 'api-migrations-'));
  for (const file of (await readdir(apiMigrations)).filter((f) => f < '004')) {
    await copyFile(join(apiMigrations, file), join(before003, file));
  }
  await migrate(ctx.databaseUrl, schema, before003);
  pool = createPool(ctx.databaseUrl, { schema, logger: { warn: () => undefined } });
  for (const snapshot of [v2, plain, shuffled]) await storeAsBefore(snapshot);
  await pool.query(
    `INSERT INTO buying_group_history (account_id, buying_group_id, version, event, computed_at)
     SELECT account_id, buying_group_id, version, event, computed_at
     FROM jsonb_to_recordset($1::jsonb) AS h (account_id text, buying_group_id text, version int, event jsonb, computed_at timestamptz)`,
    [
      JSON.stringify(
        [v1, v2, plain, shuffled].map((s) => ({
          account_id: s.accountId,
          buying_group_id: s.buyingGroupId,
          version: s.version,
          event: s,
          computed_at: s.computedAt,
        })),
      ),
    ],
  );
  await migrate(ctx.databaseUrl, schema, apiMigrations);
});

afterAll(async () => {
  await pool?.end();
  if (before003) await rm(before003, { recursive: true, force: true });
});

/** As 002's projection stored a version: the snapshot in the group row, members and removed members indexed. */
async function storeAsBefore(s: BuyingGroupChanged): Promise<void> {
  await pool.query(
    `INSERT INTO buying_groups (account_id, buying_group_id, solution_interest_id, name, version, status, completeness,
                                engagement, missing_roles, member_count, snapshot, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      s.accountId,
      s.buyingGroupId,
      s.solutionInterestId,
      s.name,
      s.version,
      s.status,
      s.completeness.score,
      s.engagement.score,
      s.missingRoles,
      s.members.length,
      JSON.stringify(s),
      s.computedAt,
    ],
  );
  const people = [
    ...s.members.map((m) => [m.personId, m.role, m.source, false, m.since]),
    ...s.removedMembers.map((r) => [r.personId, r.role, r.source, true, r.removedAt]),
  ];
  for (const [personId, role, source, removed, at] of people) {
    await pool.query(
      `INSERT INTO buying_group_members (account_id, buying_group_id, person_id, role, source, removed, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.accountId, s.buyingGroupId, personId, role, source, removed, at],
    );
  }
}

describe('migration 004', () => {
  it('gives back every stored group exactly as it was published', async () => {
    for (const snapshot of [v2, plain, shuffled]) {
      expect(await findSnapshot(pool, snapshot.buyingGroupId)).toStrictEqual(snapshot);
    }
    const { rows } = await pool.query<{ group_id: string; people: boolean }>(
      'SELECT buying_group_id AS group_id, published_people IS NOT NULL AS people FROM buying_groups ORDER BY 1',
    );
    // Only the group whose members the rows cannot give back in order keeps them as published.
    expect(rows.filter((row) => row.people).map((row) => row.group_id)).toEqual([shuffled.buyingGroupId]);
  });

  it("keeps each member's reason and engagement entry in its row, and the person view working", async () => {
    const { rows } = await pool.query(
      `SELECT person_id, removed, reason IS NOT NULL AS has_reason, engagement_score, engagement_weight
       FROM buying_group_members WHERE buying_group_id = $1 AND person_id IN ('p-00003', 'p-gone-a') ORDER BY person_id`,
      [v2.buyingGroupId],
    );
    const entry = v2.engagement.members!.find((m) => m.personId === 'p-00003')!;
    expect(rows).toEqual([
      {
        person_id: 'p-00003',
        removed: false,
        has_reason: true,
        engagement_score: entry.score,
        engagement_weight: entry.weight,
      },
      { person_id: 'p-gone-a', removed: true, has_reason: false, engagement_score: null, engagement_weight: null },
    ]);
    expect((await membershipsOf(pool, 'p-00003')).map((m) => [m.solutionInterestId, m.role, m.at])).toEqual([
      ['si-m', 'Practitioner', v2.computedAt],
      ['si-n', 'Influencer', plain.members[0]!.since],
      ['si-o', 'Influencer', shuffled.members[0]!.since],
    ]);
  });

  it('projects the stored events down to what each version changed', async () => {
    expect(await groupHistory(pool, v2.buyingGroupId, 0, 10)).toStrictEqual(
      [v1, v2].map((s) => ({
        version: s.version,
        name: s.name,
        status: s.status,
        completeness: { score: s.completeness.score },
        engagement: { score: s.engagement.score },
        missingRoles: s.missingRoles,
        changes: s.changes,
        cause: s.cause,
        ...(s.coalesced ? { coalesced: s.coalesced } : {}),
        computedAt: s.computedAt,
      })),
    );
    const { rows } = await pool.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND column_name IN ('snapshot', 'event')`,
      [schema],
    );
    expect(rows).toEqual([]);
  });
});
