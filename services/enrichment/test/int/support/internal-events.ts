import { buyingGroupId, type ConditionNode, type PersonUpserted } from '@bg/contracts';
import { crmEvent } from '@bg/testing';

/** Internal events as ingestion and scoring publish them (CloudEvents, record-changes and role-events topics). */

const cause = { eventId: 'evt-upstream', eventType: 'test' };

export function accountChanged(accountId: string, name: string, domain: string | null): string {
  const account = {
    accountId,
    name,
    domain,
    parentAccountId: null,
    productsOwned: [],
    attributes: {},
    updatedAt: '2026-11-26T09:00:00Z',
  };
  return crmEvent(
    'bg.account.changed',
    { accountId, account, previousParentAccountId: null, changedAt: account.updatedAt, cause },
    undefined,
    'bg/ingestion',
  );
}

export function personChanged(accountId: string, person: PersonUpserted): string {
  return crmEvent(
    'bg.person.changed',
    {
      accountId,
      personId: person.personId,
      change: 'joined',
      relationship: 'employee',
      person,
      changedAt: person.updatedAt,
      cause,
    },
    undefined,
    'bg/ingestion',
  );
}

export type Slot = { solutionInterestId: string; role: string; slot: number; conditions: ConditionNode };

export function roleGap(
  type: 'bg.role.missing' | 'bg.role.filled',
  accountId: string,
  slot: Slot,
  id?: string,
  version = 1,
): string {
  return crmEvent(
    type,
    {
      buyingGroupId: buyingGroupId(slot.solutionInterestId, accountId),
      version,
      accountId,
      solutionInterestId: slot.solutionInterestId,
      role: slot.role,
      slot: slot.slot,
      slotDefinition: { role: slot.role, weight: 100, required: true, minMembers: 1, conditions: slot.conditions },
      assigned: type === 'bg.role.missing' ? 0 : 1,
      occurredAt: '2026-11-26T10:00:00Z',
      cause,
    },
    id,
    'bg/scoring',
  );
}

/** The version of a group that dissolved it, as scoring publishes it. */
export function groupDissolved(accountId: string, solutionInterestId: string, version: number): string {
  return crmEvent(
    'bg.group.dissolved',
    {
      buyingGroupId: buyingGroupId(solutionInterestId, accountId),
      version,
      accountId,
      solutionInterestId,
      occurredAt: '2026-11-26T11:00:00Z',
      cause: { eventId: 'evt-account-deleted', eventType: 'account.deleted', source: 'crm/test' },
    },
    `${buyingGroupId(solutionInterestId, accountId)}:${version}:dissolved`,
    'bg/scoring',
  );
}

/** Polls `check` until it returns a value other than undefined/false (state in the database, a fake's counters). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
