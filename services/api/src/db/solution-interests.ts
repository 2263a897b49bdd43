import type { AiSuggestions, MemberScope, SignalSettings } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type SolutionInterestRecord = {
  id: string;
  name: string;
  description: string | null;
  roleTemplateId: string;
  roleTemplateVersion: number;
  audienceId: string;
  memberScope: MemberScope;
  aiSuggestions: AiSuggestions | null;
  stageModelId: string | null;
  /** CONTRACT.md §7: when its groups stall and their members disengage; null: no signals. */
  signals: SignalSettings | null;
  createdAt: string;
  updatedAt: string;
};

type Row = {
  solution_interest_id: string;
  name: string;
  description: string | null;
  role_template_id: string;
  role_template_version: number;
  audience_id: string;
  member_scope: MemberScope;
  ai_suggestions: AiSuggestions | null;
  stage_model_id: string | null;
  signals: SignalSettings | null;
  created_at: Date;
  updated_at: Date;
};

const toRecord = (row: Row): SolutionInterestRecord => ({
  id: row.solution_interest_id,
  name: row.name,
  description: row.description,
  roleTemplateId: row.role_template_id,
  roleTemplateVersion: row.role_template_version,
  audienceId: row.audience_id,
  memberScope: row.member_scope,
  aiSuggestions: row.ai_suggestions,
  stageModelId: row.stage_model_id,
  signals: row.signals,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function upsertSolutionInterest(
  db: Queryable,
  record: Omit<SolutionInterestRecord, 'createdAt' | 'updatedAt'>,
): Promise<{ solutionInterest: SolutionInterestRecord; created: boolean }> {
  const { rows } = await db.query<Row & { created: boolean }>(
    `INSERT INTO solution_interests
       (solution_interest_id, name, description, role_template_id, role_template_version, audience_id, member_scope,
        ai_suggestions, stage_model_id, signals)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT ON CONSTRAINT solution_interests_pkey DO UPDATE
       SET name = EXCLUDED.name, description = EXCLUDED.description, role_template_id = EXCLUDED.role_template_id,
           role_template_version = EXCLUDED.role_template_version, audience_id = EXCLUDED.audience_id,
           member_scope = EXCLUDED.member_scope, ai_suggestions = EXCLUDED.ai_suggestions,
           stage_model_id = EXCLUDED.stage_model_id, signals = EXCLUDED.signals, updated_at = now()
     RETURNING *, (xmax = 0) AS created`,
    [
      record.id,
      record.name,
      record.description,
      record.roleTemplateId,
      record.roleTemplateVersion,
      record.audienceId,
      record.memberScope,
      record.aiSuggestions === null ? null : JSON.stringify(record.aiSuggestions),
      record.stageModelId,
      record.signals === null ? null : JSON.stringify(record.signals),
    ],
  );
  const row = rows[0]!;
  return { solutionInterest: toRecord(row), created: row.created };
}

export async function findSolutionInterest(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<SolutionInterestRecord | null> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM solution_interests WHERE solution_interest_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function listSolutionInterests(db: Queryable): Promise<SolutionInterestRecord[]> {
  const { rows } = await db.query<Row>('SELECT * FROM solution_interests ORDER BY solution_interest_id');
  return rows.map(toRecord);
}

/** The solution interests using an audience, locked so that none changes while they are republished. */
export async function listSolutionInterestsForAudience(
  db: Queryable,
  audienceId: string,
): Promise<SolutionInterestRecord[]> {
  const { rows } = await db.query<Row>(
    'SELECT * FROM solution_interests WHERE audience_id = $1 ORDER BY solution_interest_id FOR UPDATE',
    [audienceId],
  );
  return rows.map(toRecord);
}

/** The solution interests using a stage model, locked so that none changes while they are republished. */
export async function listSolutionInterestsForStageModel(
  db: Queryable,
  stageModelId: string,
): Promise<SolutionInterestRecord[]> {
  const { rows } = await db.query<Row>(
    'SELECT * FROM solution_interests WHERE stage_model_id = $1 ORDER BY solution_interest_id FOR UPDATE',
    [stageModelId],
  );
  return rows.map(toRecord);
}

export async function deleteSolutionInterest(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query('DELETE FROM solution_interests WHERE solution_interest_id = $1', [id]);
  return result.rowCount === 1;
}

export async function solutionInterestIds(db: Queryable, ids: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT solution_interest_id AS id FROM solution_interests WHERE solution_interest_id = ANY($1::text[])',
    [ids],
  );
  return new Set(rows.map((row) => row.id));
}

/** Next id for a component event: never reused, even across delete and re-create. */
export async function nextRevision(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ revision: string }>("SELECT nextval('component_revisions')::text AS revision");
  return Number(rows[0]!.revision);
}
