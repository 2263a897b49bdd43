import { describe, expect, it } from 'vitest';
import type { GroupStage } from '@bg/rules';
import {
  noJourney,
  noMembers,
  type GroupHeader,
  type GroupMembers,
  type StoredGroup,
} from '../../src/domain/group-state';
import { decideVersion } from '../../src/domain/group-version';
import { isProgress, judgeSignals, signalsDueAt, type SignalInput } from '../../src/domain/signals';
import { member, templateSlots } from './fixtures';

const day = 24 * 60 * 60 * 1000;
const t0 = new Date('2026-11-01T00:00:00.000Z');
const after = (days: number) => new Date(t0.getTime() + days * day);
const ana = { ...member('p-ana', 'Decision Maker', 0), since: t0.toISOString() };
const ben = { ...member('p-ben', 'Influencer', 1), since: t0.toISOString() };

const input = (overrides: Partial<SignalInput> = {}): SignalInput => ({
  settings: { stalledAfterDays: 14, disengagedAfterDays: 30 },
  active: true,
  members: [ana, ben],
  lastActivityOf: () => undefined,
  previous: { stalled: false, disengaged: [] },
  lastProgressAt: t0.toISOString(),
  ...overrides,
});

describe('judgeSignals', () => {
  it('stalls a group once it has had no progress for stalledAfterDays, and not a moment before', () => {
    expect(judgeSignals(input(), false, new Date(after(14).getTime() - 1))).toMatchObject({
      signals: { stalled: false },
      changes: [],
    });
    expect(judgeSignals(input(), false, after(14))).toMatchObject({
      signals: { stalled: true, disengaged: [] },
      changes: [{ kind: 'group.stalled' }],
    });
  });

  it('does not repeat a stall already shown', () => {
    const stalled = input({ previous: { stalled: true, disengaged: [] } });
    expect(judgeSignals(stalled, false, after(20)).changes).toEqual([]);
  });

  it('unstalls a stalled group on progress, which restarts its clock', () => {
    const stalled = input({ previous: { stalled: true, disengaged: [] } });
    const judged = judgeSignals(stalled, true, after(20));
    expect(judged.changes).toEqual([{ kind: 'group.unstalled' }]);
    expect(judged.lastProgressAt).toBe(after(20).toISOString());
  });

  it('disengages a member without activity for disengagedAfterDays since the later of their activity and their since', () => {
    const lastActivityOf = (personId: string) => (personId === 'p-ben' ? after(10).toISOString() : undefined);
    const judged = judgeSignals(input({ lastActivityOf, settings: { disengagedAfterDays: 30 } }), false, after(30));
    expect(judged.signals).toEqual({ stalled: false, disengaged: ['p-ana'] });
    expect(judged.changes).toEqual([
      { kind: 'member.disengaged', personId: 'p-ana', role: 'Decision Maker', lastActivityAt: null },
    ]);
    // Ben disengages 30 days after his activity.
    expect(
      judgeSignals(
        input({ lastActivityOf, settings: { disengagedAfterDays: 30 }, previous: judged.signals }),
        false,
        after(40),
      ).changes,
    ).toEqual([
      { kind: 'member.disengaged', personId: 'p-ben', role: 'Influencer', lastActivityAt: after(10).toISOString() },
    ]);
  });

  it('reengages a disengaged member at their next activity', () => {
    const judged = judgeSignals(
      input({
        settings: { disengagedAfterDays: 30 },
        previous: { stalled: false, disengaged: ['p-ana', 'p-ben'] },
        lastActivityOf: (personId) => (personId === 'p-ana' ? after(40).toISOString() : undefined),
      }),
      false,
      after(40),
    );
    expect(judged.signals).toEqual({ stalled: false, disengaged: ['p-ben'] });
    expect(judged.changes).toEqual([
      { kind: 'member.reengaged', personId: 'p-ana', role: 'Decision Maker', lastActivityAt: after(40).toISOString() },
    ]);
  });

  it('reports a disengaged member who left by member.removed alone', () => {
    const judged = judgeSignals(
      input({
        members: [ben],
        settings: { disengagedAfterDays: 30 },
        previous: { stalled: false, disengaged: ['p-ana'] },
      }),
      false,
      after(5),
    );
    expect(judged).toMatchObject({ signals: { disengaged: [] }, changes: [] });
  });

  it('shows no signals without settings, and none (without transitions) for a dissolved group', () => {
    expect(judgeSignals(input({ settings: null }), false, after(100))).toMatchObject({ signals: null, changes: [] });
    expect(
      judgeSignals(input({ active: false, previous: { stalled: true, disengaged: ['p-ana'] } }), false, after(100)),
    ).toMatchObject({ signals: { stalled: false, disengaged: [] }, changes: [] });
  });

  it('counts from now when no progress is stored yet (signals just switched on)', () => {
    expect(judgeSignals(input({ lastProgressAt: null }), false, after(3)).lastProgressAt).toBe(after(3).toISOString());
  });
});

describe('isProgress', () => {
  const stage = (index: number): GroupStage => ({ model: 'sm', name: `S${index}`, index, source: 'rule', since: '' });
  const moved = { kind: 'stage.changed', from: 'S0', to: 'S1', source: 'rule' } as const;

  it('counts a new group, a member added, a rise of engagement and a stage forward', () => {
    expect(isProgress([{ kind: 'group.created' }], null, null)).toBe(true);
    expect(isProgress([{ kind: 'member.added', personId: 'p', role: 'r', source: 'rule' }], null, null)).toBe(true);
    expect(isProgress([{ kind: 'engagement.changed', from: 10, to: 11 }], null, null)).toBe(true);
    expect(isProgress([moved], stage(0), stage(1))).toBe(true);
  });

  it('does not count a fall of engagement, a stage backward, a removal or a status', () => {
    expect(isProgress([{ kind: 'engagement.changed', from: 11, to: 10 }], null, null)).toBe(false);
    expect(isProgress([{ ...moved, from: 'S1', to: 'S0' }], stage(1), stage(0))).toBe(false);
    expect(isProgress([{ kind: 'member.removed', personId: 'p', role: 'r', source: 'rule' }], null, null)).toBe(false);
    expect(isProgress([{ kind: 'journey-status.changed', from: null, to: 'x' }], null, null)).toBe(false);
  });
});

describe('signalsDueAt', () => {
  const base = {
    settings: { stalledAfterDays: 14, disengagedAfterDays: 30 },
    active: true,
    members: [ana],
    lastActivityOf: () => undefined,
    signals: { stalled: false, disengaged: [] },
    lastProgressAt: t0.toISOString(),
  };

  it('is the earliest instant a signal changes by the clock alone', () => {
    expect(signalsDueAt(base)).toBe(after(14).toISOString());
    expect(signalsDueAt({ ...base, signals: { stalled: true, disengaged: [] } })).toBe(after(30).toISOString());
  });

  it('is none when every signal already shows, or without signals, or for a dissolved group', () => {
    expect(signalsDueAt({ ...base, signals: { stalled: true, disengaged: ['p-ana'] } })).toBeNull();
    expect(signalsDueAt({ ...base, settings: null })).toBeNull();
    expect(signalsDueAt({ ...base, active: false })).toBeNull();
  });
});

describe('decideVersion with signals', () => {
  const header: GroupHeader = {
    accountId: 'acc-1',
    buyingGroupId: 'bg-1',
    solutionInterestId: 'si-x',
    name: 'X for Acme',
    status: 'active',
    membershipVersion: 1,
    memberScope: 'account',
    slots: templateSlots,
    ...noJourney,
    signalSettings: { stalledAfterDays: 14 },
  };
  const withAna: GroupMembers = { members: [ana], removedMembers: [], scores: new Map([['p-ana', 0]]) };
  const cause = (eventId: string) => ({ cause: { eventId, eventType: 'test' }, coalesced: undefined });
  const decide = (stored: StoredGroup | null, people: GroupMembers, now: Date, next: GroupHeader = header) =>
    decideVersion({ stored, before: stored ? withAna : noMembers, next, after: people, causes: cause('e'), now });

  it('publishes group.stalled once at its instant, and group.unstalled with the next member added', () => {
    const created = decide(null, withAna, t0);
    expect(created.group).toMatchObject({ signals: { stalled: false }, signalsDueAt: after(14).toISOString() });

    const stalled = decide(created.group, withAna, after(14));
    expect(stalled.published?.snapshot.changes).toEqual([{ kind: 'group.stalled' }]);
    expect(stalled.group).toMatchObject({ signals: { stalled: true }, signalsDueAt: null });
    expect(decide(stalled.group, withAna, after(20)).published).toBeNull();

    const joined = {
      ...withAna,
      members: [ana, ben],
      scores: new Map([
        ['p-ana', 0],
        ['p-ben', 0],
      ]),
    };
    const unstalled = decide(stalled.group, joined, after(21));
    expect(unstalled.published?.snapshot.changes.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['member.added', 'group.unstalled']),
    );
    expect(unstalled.group).toMatchObject({
      signals: { stalled: false },
      lastProgressAt: after(21).toISOString(),
      signalsDueAt: after(35).toISOString(),
    });
  });
});
