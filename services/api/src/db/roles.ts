import type { Queryable } from '@bg/postgres';

export type RoleRecord = {
  name: string;
  description: string | null;
  default: boolean;
  createdAt: string;
  updatedAt: string;
};

type RoleRow = { name: string; description: string | null; is_default: boolean; created_at: Date; updated_at: Date };

const toRole = (row: RoleRow): RoleRecord => ({
  name: row.name,
  description: row.description,
  default: row.is_default,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function listRoles(db: Queryable): Promise<RoleRecord[]> {
  const { rows } = await db.query<RoleRow>('SELECT * FROM roles ORDER BY is_default DESC, name');
  return rows.map(toRole);
}

export async function roleNames(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM roles');
  return new Set(rows.map((row) => row.name));
}

/** Creates or replaces a role's description; `created` tells which. A default role stays a default role. */
export async function upsertRole(
  db: Queryable,
  name: string,
  description: string | null | undefined,
): Promise<{ role: RoleRecord; created: boolean }> {
  const { rows } = await db.query<RoleRow & { created: boolean }>(
    `INSERT INTO roles (name, description) VALUES ($1, $2)
     ON CONFLICT ON CONSTRAINT roles_pkey DO UPDATE
       SET description = COALESCE($2, roles.description), updated_at = now()
     RETURNING *, (xmax = 0) AS created`,
    [name, description ?? null],
  );
  const row = rows[0]!;
  return { role: toRole(row), created: row.created };
}

export async function findRole(db: Queryable, name: string): Promise<RoleRecord | null> {
  const { rows } = await db.query<RoleRow>('SELECT * FROM roles WHERE name = $1', [name]);
  return rows[0] ? toRole(rows[0]) : null;
}

/** Templates (any version) whose slots use the role: a role in use cannot be deleted. */
export async function templatesUsingRole(db: Queryable, name: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT role_template_id AS id FROM role_templates WHERE slots @> $1::jsonb ORDER BY 1`,
    [JSON.stringify([{ role: name }])],
  );
  return rows.map((row) => row.id);
}

export async function deleteRole(db: Queryable, name: string): Promise<void> {
  await db.query('DELETE FROM roles WHERE name = $1', [name]);
}
