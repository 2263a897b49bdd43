import type { AudienceRule, ConditionNode } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type AudienceRecord = {
  id: string;
  name: string;
  description: string | null;
  conditions?: ConditionNode;
  accountIds?: string[];
  createdAt: string;
  updatedAt: string;
};

type AudienceRow = {
  audience_id: string;
  name: string;
  description: string | null;
  rule: AudienceRule;
  created_at: Date;
  updated_at: Date;
};

const toAudience = (row: AudienceRow): AudienceRecord => ({
  id: row.audience_id,
  name: row.name,
  description: row.description,
  ...row.rule,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export const ruleOf = (audience: Pick<AudienceRecord, 'conditions' | 'accountIds'>): AudienceRule =>
  audience.conditions !== undefined ? { conditions: audience.conditions } : { accountIds: audience.accountIds ?? [] };

/** Creates or replaces an audience (row-locked until commit, so solution interests republished with it are current). */
export async function upsertAudience(
  db: Queryable,
  id: string,
  input: { name: string; description: string | null; rule: AudienceRule },
): Promise<{ audience: AudienceRecord; created: boolean }> {
  const { rows } = await db.query<AudienceRow & { created: boolean }>(
    `INSERT INTO account_audiences (audience_id, name, description, rule) VALUES ($1, $2, $3, $4)
     ON CONFLICT ON CONSTRAINT account_audiences_pkey DO UPDATE
       SET name = EXCLUDED.name, description = EXCLUDED.description, rule = EXCLUDED.rule, updated_at = now()
     RETURNING *, (xmax = 0) AS created`,
    [id, input.name, input.description, JSON.stringify(input.rule)],
  );
  const row = rows[0]!;
  return { audience: toAudience(row), created: row.created };
}

/** `forShare` keeps the audience from changing until the caller's transaction ends. */
export async function findAudience(db: Queryable, id: string, forShare = false): Promise<AudienceRecord | null> {
  const { rows } = await db.query<AudienceRow>(
    `SELECT * FROM account_audiences WHERE audience_id = $1${forShare ? ' FOR SHARE' : ''}`,
    [id],
  );
  return rows[0] ? toAudience(rows[0]) : null;
}

export async function listAudiences(db: Queryable): Promise<AudienceRecord[]> {
  const { rows } = await db.query<AudienceRow>('SELECT * FROM account_audiences ORDER BY audience_id');
  return rows.map(toAudience);
}
