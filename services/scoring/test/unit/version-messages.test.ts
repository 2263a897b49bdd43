import { describe, expect, it } from 'vitest';
import { eventRegistry, internalEventTypes, Topics } from '@bg/contracts';
import { buildSnapshot, type PublishedVersion } from '../../src/domain/group-snapshot';
import { versionMessages } from '../../src/handlers/emit';
import { group, member, templateSlots } from './fixtures';

const now = new Date('2026-11-26T12:00:00.000Z');
const noEngagement = { score: 0, members: [] };
const ana = member('p-ana', 'Decision Maker', 0);
const deleted = { eventId: 'evt-acc-deleted', eventType: 'account.deleted', source: 'crm/salesforce' };

const typesOf = (version: PublishedVersion) =>
  versionMessages(version, templateSlots).map((m) => [m.topic, JSON.parse(m.value).type as string]);

describe('versionMessages', () => {
  const v1 = buildSnapshot(group({ members: [ana] }), noEngagement, null, now)!;
  const dissolving = buildSnapshot(
    group({ status: 'dissolved', members: [ana], cause: deleted }),
    noEngagement,
    v1.snapshot,
    now,
  )!;

  it('tells enrichment when a version dissolves the group: one group-dissolved event with the version and cause', () => {
    const messages = versionMessages(dissolving, templateSlots);
    expect(typesOf(dissolving)).toEqual([
      [Topics.buyingGroupChanges, 'buying-group.changed'],
      [Topics.roleEvents, internalEventTypes.groupDissolved],
    ]);
    const event = JSON.parse(messages[1]!.value);
    expect(messages[1]!.key).toBe('acc-1');
    expect(event.id).toBe('bg-1:2:dissolved');
    expect(event.data).toEqual({
      buyingGroupId: 'bg-1',
      version: 2,
      accountId: 'acc-1',
      solutionInterestId: 'si-x',
      occurredAt: now.toISOString(),
      cause: deleted,
    });
    expect(eventRegistry[internalEventTypes.groupDissolved].schema.safeParse(event.data).success).toBe(true);
  });

  it('sends no group-dissolved event for an active version, nor for a dissolved group that changes again', () => {
    expect(typesOf(v1).map(([, type]) => type)).toEqual(['buying-group.changed', internalEventTypes.roleMissing]);
    const renamed = buildSnapshot(
      group({ status: 'dissolved', members: [ana], name: 'Product X for Acme Inc' }),
      noEngagement,
      dissolving.snapshot,
      now,
    )!;
    expect(typesOf(renamed).map(([, type]) => type)).toEqual(['buying-group.changed']);
  });

  it('a revived group asks again: its missing roles come back as role-missing events, with no dissolution', () => {
    const revived = buildSnapshot(group({ members: [ana] }), noEngagement, dissolving.snapshot, now)!;
    expect(typesOf(revived).map(([, type]) => type)).toEqual(['buying-group.changed', internalEventTypes.roleMissing]);
  });
});
