import type { RoleSlot } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type TemplateRecord = {
  id: string;
  name: string;
  description: string | null;
  version: number;
  status: 'draft' | 'published';
  slots: RoleSlot[];
  createdAt: string;
  publishedAt: string | null;
  latestPublishedVersion: number | null;
};

type TemplateRow = {
  role_template_id: string;
  version: number;
  name: string;
  description: string | null;
  slots: RoleSlot[];
  status: 'draft' | 'published';
  created_at: Date;
  published_at: Date | null;
  latest_published: number | null;
};

const columns = `t.*, (SELECT max(p.version) FROM role_templates p
                      WHERE p.role_template_id = t.role_template_id AND p.status = 'published') AS latest_published`;

const toTemplate = (row: TemplateRow): TemplateRecord => ({
  id: row.role_template_id,
  name: row.name,
  description: row.description,
  version: row.version,
  status: row.status,
  slots: row.slots,
  createdAt: row.created_at.toISOString(),
  publishedAt: row.published_at?.toISOString() ?? null,
  latestPublishedVersion: row.latest_published,
});

/** Serialises writers of one template (versions are max + 1); held until the transaction ends. */
export async function lockTemplate(db: Queryable, id: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`role-template:${id}`]);
}

/** Adds a draft version; `created` is true when it is the template's first. */
export async function addTemplateVersion(
  db: Queryable,
  id: string,
  input: { name: string; description: string | null; slots: RoleSlot[] },
): Promise<{ template: TemplateRecord; created: boolean }> {
  const { rows } = await db.query<TemplateRow>(
    `WITH inserted AS (
       INSERT INTO role_templates (role_template_id, version, name, description, slots, status)
       SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, 'draft' FROM role_templates WHERE role_template_id = $1
       RETURNING *)
     SELECT i.*, (SELECT max(p.version) FROM role_templates p
                  WHERE p.role_template_id = i.role_template_id AND p.status = 'published') AS latest_published
     FROM inserted i`,
    [id, input.name, input.description, JSON.stringify(input.slots)],
  );
  const template = toTemplate(rows[0]!);
  return { template, created: template.version === 1 };
}

/** The latest version (or the given one) of a template. */
export async function findTemplate(db: Queryable, id: string, version?: number): Promise<TemplateRecord | null> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT ${columns} FROM role_templates t WHERE t.role_template_id = $1 AND ($2::int IS NULL OR t.version = $2)
     ORDER BY t.version DESC LIMIT 1`,
    [id, version ?? null],
  );
  return rows[0] ? toTemplate(rows[0]) : null;
}

export async function listTemplates(db: Queryable): Promise<TemplateRecord[]> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT DISTINCT ON (t.role_template_id) ${columns} FROM role_templates t
     ORDER BY t.role_template_id, t.version DESC`,
  );
  return rows.map(toTemplate);
}

/** Marks the latest draft published; returns it, or null when there is no draft newer than every published version. */
export async function publishLatestDraft(db: Queryable, id: string): Promise<TemplateRecord | null> {
  const { rows } = await db.query<{ version: number }>(
    `UPDATE role_templates SET status = 'published', published_at = now()
     WHERE role_template_id = $1 AND status = 'draft'
       AND version = (SELECT max(version) FROM role_templates WHERE role_template_id = $1)
     RETURNING version`,
    [id],
  );
  return rows[0] ? findTemplate(db, id, rows[0].version) : null;
}
