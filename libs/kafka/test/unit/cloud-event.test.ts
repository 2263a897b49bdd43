import { describe, expect, it } from 'vitest';
import { internalEventTypes, Topics, topicsReadBy } from '@bg/contracts';
import { decodeCloudEvent, encodeCloudEvent, encodeEvent } from '../../src/cloud-event';

const persons = topicsReadBy(['person.upserted', 'person.deleted'])[Topics.crmPersons]!;
const person = {
  personId: 'p-1',
  accounts: [{ accountId: 'acc-1', relationship: 'employee' }],
  updatedAt: '2026-11-26T09:59:58Z',
};
const decode = (value: string | Buffer | null, max = 10_000) =>
  decodeCloudEvent(value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value), persons, max);
const envelope = (data: unknown, type = 'person.upserted') =>
  JSON.stringify({ specversion: '1.0', id: 'x', type, source: 's', data });

describe('decoding an inbound CloudEvent', () => {
  it('accepts a structured-mode event and applies the data schema defaults', () => {
    const result = decode(encodeCloudEvent({ id: 'evt-1', type: 'person.upserted', source: 'crm/x', data: person }));
    expect(result.ok).toBe(true);
    if (result.ok === true) expect(result.event.data).toMatchObject({ personId: 'p-1', attributes: {} });
  });

  it('keeps unknown fields under attributes and drops them elsewhere', () => {
    const result = decode(
      encodeCloudEvent({
        type: 'person.upserted',
        source: 'crm/x',
        data: { ...person, shoeSize: 44, attributes: { tier: 'gold' } },
      }),
    );
    expect(result.ok === true && result.event.data).toEqual(expect.objectContaining({ attributes: { tier: 'gold' } }));
    expect(result.ok === true && 'shoeSize' in (result.event.data as object)).toBe(false);
  });

  it('carries every instant on in one form, UTC with milliseconds, whatever offset it came with', () => {
    const result = decode(envelope({ ...person, updatedAt: '2026-11-26T23:30:00+23:59' }));
    expect(result.ok === true && (result.event.data as { updatedAt: string }).updatedAt).toBe(
      '2026-11-25T23:31:00.000Z',
    );
  });

  it.each([
    ['an empty value', null, 'invalid-json', 'empty'],
    ['broken JSON', '{"specversion":', 'invalid-json', 'not valid JSON'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'invalid-json', 'not valid UTF-8'],
    ['JSON that is not a CloudEvent', '{"hello":"world"}', 'not-a-cloudevent', 'specversion'],
    [
      'a wrong spec version',
      JSON.stringify({ specversion: '0.3', id: 'x', type: 'person.upserted', source: 's', data: person }),
      'not-a-cloudevent',
      'specversion',
    ],
    ['an unknown type', envelope({}, 'person.merged'), 'unknown-type', "'person.merged'"],
    [
      'data failing its schema',
      envelope({ ...person, accounts: [{ accountId: 7 }] }),
      'invalid-data',
      'data.accounts[0].accountId',
    ],
    ['a bad timestamp', envelope({ ...person, updatedAt: 'yesterday' }), 'invalid-data', 'data.updatedAt'],
    [
      'an instant in year 0000',
      envelope({ ...person, updatedAt: '0000-06-01T00:00:00Z' }),
      'invalid-data',
      'data.updatedAt',
    ],
    [
      'a NUL character in a name',
      envelope({ ...person, firstName: 'An\u0000a' }),
      'invalid-data',
      'data.firstName: contains a NUL',
    ],
    [
      'a lone surrogate in a title',
      envelope({ ...person, jobTitle: 'CMO \ud800' }),
      'invalid-data',
      'data.jobTitle: contains a lone UTF-16 surrogate',
    ],
    [
      'a lone surrogate in a key',
      envelope({ ...person, attributes: { '\udc00': 1 } }),
      'invalid-data',
      'is a key that contains a lone',
    ],
    // Built as text: JSON.stringify itself overflows the stack on such a value.
    [
      'attributes nested 10,000 deep',
      envelope({ ...person, attributes: { deep: 'DEEP' } }).replace('"DEEP"', '['.repeat(10_000) + ']'.repeat(10_000)),
      'invalid-data',
      'data.attributes.deep[0][0]',
    ],
    [
      'a NUL in the envelope id',
      JSON.stringify({ specversion: '1.0', id: 'x\u0000', type: 'person.upserted', source: 's', data: person }),
      'not-a-cloudevent',
      'id: contains a NUL',
    ],
  ])('rejects %s with a code and a message naming what is wrong', (_name, value, code, needle) => {
    const result = decode(value, 1_000_000);
    expect(result).toMatchObject({ ok: false, code });
    if (result.ok === false) expect(result.message).toContain(needle);
  });

  it('rejects a value over the size limit before parsing it', () => {
    const result = decode(encodeCloudEvent({ type: 'person.upserted', source: 'crm/x', data: person }), 100);
    expect(result).toMatchObject({ ok: false, code: 'too-large' });
  });

  it('skips types of the topic that the reader does not apply: by header without reading the value, or by envelope', () => {
    const reading = topicsReadBy([internalEventTypes.personChanged])[Topics.recordChanges]!;
    expect(decodeCloudEvent(Buffer.from('not even JSON'), reading, 1_000, internalEventTypes.activityAccepted)).toEqual(
      {
        ok: 'skip',
        type: internalEventTypes.activityAccepted,
      },
    );
    expect(
      decodeCloudEvent(Buffer.from(envelope({}, internalEventTypes.opportunityChanged)), reading, 1_000),
    ).toMatchObject({ ok: 'skip' });
    expect(decodeCloudEvent(Buffer.from(envelope({}, 'bg.unheard.of')), reading, 1_000)).toMatchObject({
      ok: false,
      code: 'unknown-type',
    });
  });
});

describe('encoding an event for its topic', () => {
  it('refuses data its consumers would refuse, naming the field', () => {
    expect(() =>
      encodeEvent(internalEventTypes.roleMissing, {
        id: 'e',
        key: 'a',
        source: 't',
        data: { role: 'Decision Maker' } as never,
      }),
    ).toThrow(/refusing to emit an invalid bg.role.missing \(e\): data.buyingGroupId/);
  });

  it('sends the type in a header so that readers can skip it unread', () => {
    const cause = { eventId: 'c', eventType: 'person.upserted' };
    const message = encodeEvent(internalEventTypes.accountChanged, {
      id: 'e',
      key: 'acc-1',
      source: 't',
      data: {
        accountId: 'acc-1',
        account: null,
        previousParentAccountId: null,
        changedAt: '2026-11-26T10:00:00Z',
        cause,
      },
    });
    expect(message).toMatchObject({
      topic: Topics.recordChanges,
      key: 'acc-1',
      headers: { ce_type: internalEventTypes.accountChanged },
    });
    expect(JSON.parse(message.value).data.changedAt).toBe('2026-11-26T10:00:00.000Z');
  });
});
