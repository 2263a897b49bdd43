/** An account as stored, as far as the hierarchy goes. */
export type HierarchyPlace = { parentAccountId: string | null; deleted: boolean };

/**
 * Whether storing an account change over what is stored (`stored` undefined: never seen; `next` null: deleted) changes
 * which roll-up groups above the account see its people — a new parent, or an account with a parent that appears,
 * comes back or goes — and if so, the former parent whose chain lost it (`formerParent`, else null). Null when the
 * hierarchy stays as it was. One rule for the chunk that decides how to lock and for the one that applies the change.
 */
export function hierarchyChange(
  stored: HierarchyPlace | undefined,
  next: { parentAccountId?: string | null } | null,
): { formerParent: string | null } | null {
  const parent = next?.parentAccountId ?? null;
  const formerParent = stored && !stored.deleted ? stored.parentAccountId : null;
  const cameOrWent = !stored || stored.deleted || next === null;
  if (formerParent !== parent || (cameOrWent && (parent ?? stored?.parentAccountId)))
    return { formerParent: formerParent !== parent ? formerParent : null };
  return null;
}
