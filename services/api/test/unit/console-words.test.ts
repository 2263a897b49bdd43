import { describe, expect, it } from 'vitest';
import { parseEvents } from '../../console/src/sse';
import { ago, causeInWords, changeInWords, conditionInWords, reasonInWords } from '../../console/src/words';

describe('the console says why a member holds a role', () => {
  it('in words: the value, the field, the op and the values it matched', () => {
    const reason = { slot: 0, matched: [{ field: 'jobTitle', op: 'hasAnyWord', value: ['CMO'], actual: 'CMO' }] };
    expect(reasonInWords(reason, 'rule', ['Decision Maker'])).toBe(
      'CMO matched jobTitle hasAnyWord [CMO] · in slot 1 (Decision Maker)',
    );
  });

  it('with the higher-priority slots not taken, and a note', () => {
    const reason = {
      slot: 1,
      matched: [{ field: 'department', op: 'exists', actual: 'Engineering' }],
      skipped: [{ slot: 0, why: 'full' as const }],
      note: 'kept by precedence',
    };
    expect(reasonInWords(reason, 'rule', ['Decision Maker', 'Influencer'])).toBe(
      'Engineering matched department exists · not placed earlier: slot 1 (Decision Maker) was full · kept by precedence · in slot 2 (Influencer)',
    );
  });

  it('for an operator edit with no slot', () => {
    expect(reasonInWords({ slot: null, matched: [] }, 'manual')).toBe('manual edit');
  });
});

describe('changes, causes, conditions and times in words', () => {
  it('reads each change kind', () => {
    expect(changeInWords({ kind: 'member.added', personId: 'p-1', role: 'Champion', source: 'manual' })).toBe(
      'p-1 added as Champion (manual)',
    );
    expect(changeInWords({ kind: 'completeness.changed', from: 33, to: 67 })).toBe('completeness 33 → 67');
    expect(changeInWords({ kind: 'role.missing', role: 'Decision Maker' })).toBe('Decision Maker is missing');
    expect(changeInWords({ kind: 'group.stalled' })).toBe('group stalled (no progress)');
    expect(changeInWords({ kind: 'member.disengaged', personId: 'p-1', role: 'Champion', lastActivityAt: null })).toBe(
      'p-1 (Champion) disengaged: no activity',
    );
    expect(
      changeInWords({
        kind: 'member.reengaged',
        personId: 'p-1',
        role: 'Champion',
        lastActivityAt: '2026-11-01T00:00:00.000Z',
      }),
    ).toBe('p-1 (Champion) engaged again');
  });

  it('names an operator action, or the CRM event with its source', () => {
    expect(causeInWords({ eventId: 'c-1', eventType: 'operator.member.removed', source: 'bg/api' })).toBe(
      'member removed by an operator (bg/api, c-1)',
    );
    expect(causeInWords({ eventId: 'e-1', eventType: 'person.upserted', source: 'crm/sf' })).toBe(
      'person.upserted (crm/sf, e-1)',
    );
    expect(causeInWords({ eventId: 'signals:t', eventType: 'signals.checked', source: 'bg/scoring' })).toBe(
      'periodic signals check (bg/scoring, signals:t)',
    );
  });

  it('reads a condition tree', () => {
    expect(
      conditionInWords({
        all: [
          { field: 'jobTitle', op: 'containsAny', value: ['CMO', 'Chief Marketing'] },
          {
            any: [
              { field: 'seniority', op: 'eq', value: 'VP' },
              { field: 'email', op: 'exists' },
            ],
          },
        ],
      }),
    ).toBe('jobTitle containsAny [CMO, Chief Marketing] and (seniority eq VP or email exists)');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-11-26T10:00:00.000Z');
    expect(ago('2026-11-26T09:59:58.000Z', now)).toBe('just now');
    expect(ago('2026-11-26T09:59:30.000Z', now)).toBe('30 s ago');
    expect(ago('2026-11-26T09:00:00.000Z', now)).toBe('1 h ago');
  });
});

describe('server-sent events as the console reads them', () => {
  it('parses complete events and keeps the unfinished tail for the next chunk', () => {
    const { events, rest } = parseEvents(
      'retry: 2000\nevent: ready\ndata: {}\n\n: keep-alive\n\nevent: group\nid: bg-1:2\ndata: {"a":\ndata: 1}\n\nevent: gro',
    );
    expect(events).toEqual([
      { event: 'ready', data: '{}', id: null },
      { event: 'group', data: '{"a":\n1}', id: 'bg-1:2' },
    ]);
    expect(rest).toBe('event: gro');
    expect(parseEvents(`${rest}up\ndata: x\n\n`).events).toEqual([{ event: 'group', data: 'x', id: null }]);
  });
});
