import type { AccountChanged, PersonChanged, PersonUpserted } from '@bg/contracts';

/*
 * A chunk's record changes, folded per record into what one statement per table needs to leave exactly what applying
 * them one by one would leave. One by one, a change applies only when it is newer than the stored row at that moment
 * (so of equal times the first to arrive wins), and what an ending change keeps (the person of an ended link, the
 * name of a deleted account) is whatever the last applied change before it brought. Which changes of the chunk were
 * applied depends on the stored time, unknown here: only the chunk's running maxima can apply, so the last of them
 * that carried a person or a name is sent along with its time, and the statement takes it only if it is newer than
 * the stored row.
 */

/** A person as a change linked it to an account. */
export type PersonLink = { relationship: string | null; person: PersonUpserted; changedAt: string };

/** The net effect of a chunk's changes of one (account, person) link. */
export type PersonLinkWrite = {
  accountId: string;
  personId: string;
  /** The newest change (the first of equal times): a stored row older than it takes its time and whether linked. */
  changedAt: string;
  linked: boolean;
  /**
   * The last link among the changes that can apply: the newest itself when it links. An ended link keeps it when it
   * is newer than the stored row, the stored person otherwise.
   */
  link: PersonLink | null;
  /**
   * What a link not stored yet becomes, null for nothing: an end of a link never stored has nothing to end, so it
   * starts with the first link of the chunk, whatever came before it.
   */
  created: (PersonLink & { linked: boolean }) | null;
};

/** An account as a change named it. */
export type AccountName = { name: string; domain: string | null; changedAt: string };

/** The net effect of a chunk's changes of one account. */
export type AccountWrite = {
  accountId: string;
  /** The newest change (the first of equal times): a stored row older than it takes its time and whether deleted. */
  changedAt: string;
  deleted: boolean;
  /**
   * The last name among the changes that can apply: the newest itself unless it deletes. A deleted account keeps it
   * when it is newer than the stored row, the stored name otherwise; an account first seen deleted has none.
   */
  named: AccountName | null;
};

/** One write per (account, person), in order of first appearance. */
export function foldPersonChanges(changes: readonly PersonChanged[]): PersonLinkWrite[] {
  const byKey = new Map<string, PersonLinkWrite>();
  for (const change of changes) {
    const key = `${change.accountId}\u0000${change.personId}`;
    byKey.set(key, nextPersonLinkWrite(byKey.get(key), change));
  }
  return [...byKey.values()];
}

function nextPersonLinkWrite(held: PersonLinkWrite | undefined, change: PersonChanged): PersonLinkWrite {
  const link: PersonLink | null =
    change.person === null
      ? null
      : { relationship: change.relationship, person: change.person, changedAt: change.changedAt };
  if (held === undefined) {
    return {
      accountId: change.accountId,
      personId: change.personId,
      changedAt: change.changedAt,
      linked: link !== null,
      link,
      created: link && { ...link, linked: true },
    };
  }
  const created = nextCreatedLink(held.created, link, change.changedAt);
  if (!isNewer(change.changedAt, held.changedAt)) return { ...held, created };
  return { ...held, changedAt: change.changedAt, linked: link !== null, link: link ?? held.link, created };
}

/** One by one from no row: an unlink of nothing does nothing, the first link inserts, later changes apply if newer. */
function nextCreatedLink(
  created: PersonLinkWrite['created'],
  link: PersonLink | null,
  changedAt: string,
): PersonLinkWrite['created'] {
  if (created === null) return link && { ...link, linked: true };
  if (!isNewer(changedAt, created.changedAt)) return created;
  return link ? { ...link, linked: true } : { ...created, linked: false, changedAt };
}

/** One write per account, in order of first appearance; the domain is kept trimmed, or null when blank. */
export function foldAccountChanges(changes: readonly AccountChanged[]): AccountWrite[] {
  const byAccount = new Map<string, AccountWrite>();
  for (const change of changes) {
    const held = byAccount.get(change.accountId);
    if (held !== undefined && !isNewer(change.changedAt, held.changedAt)) continue;
    const named: AccountName | null = change.account && {
      name: change.account.name,
      domain: change.account.domain?.trim() || null,
      changedAt: change.changedAt,
    };
    byAccount.set(change.accountId, {
      accountId: change.accountId,
      changedAt: change.changedAt,
      deleted: named === null,
      named: named ?? held?.named ?? null,
    });
  }
  return [...byAccount.values()];
}

const isNewer = (changedAt: string, than: string): boolean => Date.parse(changedAt) > Date.parse(than);
