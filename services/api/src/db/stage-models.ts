import type { StageModel } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type StageModelRecord = StageModel & { id: string; createdAt: string; updatedAt: string };

type Row = { stage_model_id: string; name: string; stages: StageModel['stages']; created_at: Date; updated_at: Date };

const toRecord = (row: Row): StageModelRecord => ({
  id: row.stage_model_id,
  name: row.name,
  stages: row.stages,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Creates or replaces a stage model (row-locked until commit, so solution interests republished with it are current). */
export async function upsertStageModel(
  db: Queryable,
  id: string,
  model: StageModel,
): Promise<{ stageModel: StageModelRecord; created: boolean }> {
  const { rows } = await db.query<Row & { created: boolean }>(
    `INSERT INTO stage_models (stage_model_id, name, stages) VALUES ($1, $2, $3)
     ON CONFLICT ON CONSTRAINT stage_models_pkey DO UPDATE
       SET name = EXCLUDED.name, stages = EXCLUDED.stages, updated_at = now()
     RETURNING *, (xmax = 0) AS created`,
    [id, model.name, JSON.stringify(model.stages)],
  );
  const row = rows[0]!;
  return { stageModel: toRecord(row), created: row.created };
}

/** `forShare` keeps the model from changing until the caller's transaction ends. */
export async function findStageModel(db: Queryable, id: string, forShare = false): Promise<StageModelRecord | null> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM stage_models WHERE stage_model_id = $1${forShare ? ' FOR SHARE' : ''}`,
    [id],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function listStageModels(db: Queryable): Promise<StageModelRecord[]> {
  const { rows } = await db.query<Row>('SELECT * FROM stage_models ORDER BY stage_model_id');
  return rows.map(toRecord);
}
