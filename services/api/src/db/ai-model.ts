import type { ModelSummary } from '@bg/ai';
import type { Queryable } from '@bg/postgres';

/** Serialises trainings (several API replicas, a debounce and a request may meet). */
export async function lockModel(db: Queryable): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('ai-model'))");
}

export async function currentModel(db: Queryable): Promise<ModelSummary | null> {
  const { rows } = await db.query<{ summary: ModelSummary }>(
    "SELECT summary FROM ai_models WHERE model_key = 'current'",
  );
  return rows[0]?.summary ?? null;
}

export async function saveModel(db: Queryable, summary: ModelSummary): Promise<void> {
  await db.query(
    `INSERT INTO ai_models (model_key, version, trained_at, summary) VALUES ('current', $1, $2, $3)
     ON CONFLICT ON CONSTRAINT ai_models_pkey DO UPDATE
       SET version = EXCLUDED.version, trained_at = EXCLUDED.trained_at, summary = EXCLUDED.summary`,
    [summary.version, summary.trainedAt, JSON.stringify(summary)],
  );
}
