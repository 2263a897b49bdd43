import type { AccountChanged, AccountUpserted, PersonChanged } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { saveAccounts, savePersonLinks, type PersonLinkWrite } from './state';

/**
 * Collects a chunk's record writes and applies them in bulk: the last write per key wins, exactly as applying the
 * events one by one would leave it, at a fixed number of statements per chunk.
 */
export class StateWrites {
  private readonly links = new Map<string, PersonLinkWrite>();
  private readonly accounts = new Map<string, AccountUpserted | null>();

  personLink(change: PersonChanged): void {
    const link = change.person && change.relationship ? { relationship: change.relationship, person: change.person } : null;
    this.links.set(`${change.accountId}\u0000${change.personId}`, { accountId: change.accountId, personId: change.personId, link });
  }

  account(change: AccountChanged): void {
    this.accounts.set(change.accountId, change.account);
  }

  async flush(db: Queryable): Promise<void> {
    await saveAccounts(db, [...this.accounts].map(([accountId, data]) => ({ accountId, data })));
    await savePersonLinks(db, [...this.links.values()]);
  }
}
