import { describe, expect, it } from 'vitest';
import { journeyCommandTypes, type SolutionInterestDefined } from '@bg/contracts';
import { departureOf } from '../../src/domain/departures';
import { commandTime, decideJourneyCommand, type CommandContext } from '../../src/domain/journey-commands';

const interest = {
  solutionInterestId: 'si-x',
  name: 'X',
  memberScope: 'account',
  template: {
    id: 'rt',
    version: 1,
    name: 'T',
    slots: [
      { role: 'Champion', weight: 60, required: false, minMembers: 1, conditions: { field: 'jobTitle', op: 'exists' } },
    ],
  },
  audience: { id: 'aud', name: 'A', accountIds: ['acc-1'] },
  definedAt: '2026-11-26T10:00:00.000Z',
  stageModel: { id: 'sm-1', name: 'F', stages: [{ name: 'Awareness' }] },
  revision: 1,
} satisfies SolutionInterestDefined;
const at = '2026-11-26T10:00:00.000Z';
const target = { accountId: 'acc-1', solutionInterestId: 'si-x', journeyId: 'j' };
const linked = (accountId: string, ancestors: string[] = []): CommandContext['personAccounts'][number] => ({
  accountId,
  ancestors,
});

describe('decideJourneyCommand', () => {
  it('turns an assignment of a linked person to a role of the template into a journey override', () => {
    const decision = decideJourneyCommand(
      { type: journeyCommandTypes.memberAssign, data: { ...target, personId: 'p', role: 'Champion' } },
      { interest, personAccounts: [linked('acc-1')], groupActive: true },
      at,
    );
    expect(decision).toEqual({
      ok: true,
      override: { personId: 'p', action: 'add', role: 'Champion', source: 'journey', requestedAt: at },
    });
  });

  it('names what does not exist: solution interest, role, stage, or the person’s link to the account', () => {
    const assign = {
      type: journeyCommandTypes.memberAssign,
      data: { ...target, personId: 'p', role: 'Boss' },
    } as const;
    expect(decideJourneyCommand(assign, { interest: undefined, personAccounts: [], groupActive: false }, at)).toEqual({
      ok: false,
      reason: "unknown solution interest 'si-x'",
    });
    expect(
      decideJourneyCommand(assign, { interest, personAccounts: [linked('acc-1')], groupActive: true }, at),
    ).toEqual({
      ok: false,
      reason: "unknown role 'Boss' in solution interest 'si-x'",
    });
    expect(
      decideJourneyCommand(
        { type: journeyCommandTypes.memberRemove, data: { ...target, personId: 'p' } },
        { interest, personAccounts: [linked('acc-2', ['acc-1'])], groupActive: true },
        at,
      ),
    ).toEqual({ ok: false, reason: "person 'p' is not linked to account 'acc-1'" });
    expect(
      decideJourneyCommand(
        { type: journeyCommandTypes.stageSet, data: { ...target, stage: 'Closing' } },
        { interest, personAccounts: [], groupActive: true },
        at,
      ),
    ).toEqual({ ok: false, reason: "unknown stage 'Closing' in stage model 'sm-1'" });
  });

  it('takes a person of a descendant account for a roll-up group', () => {
    const rollUp = { ...interest, memberScope: 'account-and-descendants' as const };
    const decision = decideJourneyCommand(
      { type: journeyCommandTypes.memberRemove, data: { ...target, personId: 'p' } },
      { interest: rollUp, personAccounts: [linked('acc-2', ['acc-1'])], groupActive: true },
      at,
    );
    expect(decision).toMatchObject({ ok: true, override: { action: 'remove', source: 'journey' } });
  });

  it('refuses a stage or status for an account without an active group of the solution interest', () => {
    const context = { interest, personAccounts: [], groupActive: false };
    const reason = "no active buying group of solution interest 'si-x' at account 'acc-1'";
    expect(
      decideJourneyCommand(
        { type: journeyCommandTypes.stageSet, data: { ...target, stage: 'Awareness' } },
        context,
        at,
      ),
    ).toEqual({ ok: false, reason });
    expect(
      decideJourneyCommand({ type: journeyCommandTypes.statusSet, data: { ...target, status: 'x' } }, context, at),
    ).toEqual({ ok: false, reason });
  });

  it('passes an explicit stage (or null) and a status on', () => {
    const context = { interest, personAccounts: [], groupActive: true };
    expect(
      decideJourneyCommand({ type: journeyCommandTypes.stageSet, data: { ...target, stage: null } }, context, at),
    ).toEqual({ ok: true, explicit: { stage: null } });
    expect(
      decideJourneyCommand(
        { type: journeyCommandTypes.statusSet, data: { ...target, status: 'nurture' } },
        context,
        at,
      ),
    ).toEqual({ ok: true, explicit: { journeyStatus: 'nurture' } });
  });
});

describe('commandTime', () => {
  const kafka = Date.parse('2026-11-30T10:00:00Z');

  it('takes the command’s own time, earlier or a little ahead of the broker’s', () => {
    expect(commandTime('2026-11-30T09:00:00Z', kafka)).toBe('2026-11-30T09:00:00.000Z');
    expect(commandTime('2026-11-30T10:00:59Z', kafka)).toBe('2026-11-30T10:00:59.000Z');
  });

  it('takes the broker’s time when the command has none, or one too far ahead to believe', () => {
    expect(commandTime(undefined, kafka)).toBe('2026-11-30T10:00:00.000Z');
    expect(commandTime('2027-01-01T00:00:00Z', kafka)).toBe('2026-11-30T10:00:00.000Z');
  });
});

describe('departureOf', () => {
  const link = (accountId: string, accountLive = true, ancestors: string[] = []) => ({
    accountId,
    accountLive,
    ancestors,
  });

  it('is null for a person still linked to the account (they stopped matching a rule)', () => {
    expect(departureOf('acc-1', false, [link('acc-1'), link('acc-9')])).toBeNull();
  });

  it('names the live accounts a person who left is linked to now', () => {
    expect(departureOf('acc-1', false, [link('acc-9'), link('acc-3'), link('acc-gone', false)])).toEqual([
      'acc-3',
      'acc-9',
    ]);
    expect(departureOf('acc-1', false, [])).toEqual([]);
  });

  it('counts a descendant of a roll-up group’s account as staying', () => {
    expect(departureOf('acc-1', true, [link('acc-2', true, ['acc-1'])])).toBeNull();
    expect(departureOf('acc-1', false, [link('acc-2', true, ['acc-1'])])).toEqual(['acc-2']);
  });
});
