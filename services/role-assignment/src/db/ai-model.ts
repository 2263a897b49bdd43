import type { AiModelTrained } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type StoredModel = Pick<AiModelTrained, 'version' | 'classifier'>;

/** Stores the model when it is newer (trained later) than the one held; returns whether it was stored. */
export async function saveModel(db: Queryable, model: AiModelTrained): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO ai_model (model_key, version, trained_at, classifier) VALUES ('current', $1, $2, $3)
     ON CONFLICT ON CONSTRAINT ai_model_pkey DO UPDATE
       SET version = EXCLUDED.version, trained_at = EXCLUDED.trained_at, classifier = EXCLUDED.classifier
       WHERE ai_model.trained_at < EXCLUDED.trained_at AND ai_model.version <> EXCLUDED.version`,
    [model.version, model.trainedAt, JSON.stringify(model.classifier)],
  );
  return rowCount === 1;
}

export async function modelVersion(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ version: string }>("SELECT version FROM ai_model WHERE model_key = 'current'");
  return rows[0]?.version ?? null;
}

export async function storedModel(db: Queryable): Promise<StoredModel | null> {
  const { rows } = await db.query<StoredModel>("SELECT version, classifier FROM ai_model WHERE model_key = 'current'");
  return rows[0] ?? null;
}
