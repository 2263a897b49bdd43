import { describe, expect, it } from 'vitest';
import { crmEventSchemas } from '@bg/contracts';
import { decodeCloudEvent, encodeCloudEvent } from '../../src/cloud-event';

const schemas = crmEventSchemas['crm.persons.v1'];
const person = { personId: 'p-1', accounts: [{ accountId: 'acc-1', relationship: 'employee' }], updatedAt: '2026-11-26T09:59:58Z' };
const decode = (value: string | null, max = 10_000) => decodeCloudEvent(value === null ? null : Buffer.from(value), schemas, max);

describe('decoding an inbound CloudEvent', () => {
  it('accepts a structured-mode event and applies the data schema defaults', () => {
    const result = decode(encodeCloudEvent({ id: 'evt-1', type: 'person.upserted', source: 'crm/x', data: person }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.event.data).toMatchObject({ personId: 'p-1', attributes: {} });
  });

  it('keeps unknown fields under attributes and drops them elsewhere', () => {
    const result = decode(encodeCloudEvent({ type: 'person.upserted', source: 'crm/x', data: { ...person, shoeSize: 44, attributes: { tier: 'gold' } } }));
    expect(result.ok && result.event.data).toEqual(expect.objectContaining({ attributes: { tier: 'gold' } }));
    expect(result.ok && 'shoeSize' in (result.event.data as object)).toBe(false);
  });

  it.each([
    ['an empty value', null, 'invalid-json', 'empty'],
    ['broken JSON', '{"specversion":', 'invalid-json', 'not valid JSON'],
    ['JSON that is not a CloudEvent', '{"hello":"world"}', 'not-a-cloudevent', 'specversion'],
    ['a wrong spec version', JSON.stringify({ specversion: '0.3', id: 'x', type: 'person.upserted', source: 's', data: person }), 'not-a-cloudevent', 'specversion'],
    ['an unknown type', JSON.stringify({ specversion: '1.0', id: 'x', type: 'person.merged', source: 's', data: {} }), 'unknown-type', "'person.merged'"],
    ['data failing its schema', JSON.stringify({ specversion: '1.0', id: 'x', type: 'person.upserted', source: 's', data: { ...person, accounts: [{ accountId: 7 }] } }), 'invalid-data', 'data.accounts[0].accountId'],
    ['a bad timestamp', JSON.stringify({ specversion: '1.0', id: 'x', type: 'person.upserted', source: 's', data: { ...person, updatedAt: 'yesterday' } }), 'invalid-data', 'data.updatedAt'],
  ])('rejects %s with a code and a message naming what is wrong', (_name, value, code, needle) => {
    const result = decode(value);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.message).toContain(needle);
  });

  it('rejects a value over the size limit before parsing it', () => {
    const result = decode(encodeCloudEvent({ type: 'person.upserted', source: 'crm/x', data: person }), 100);
    expect(result).toMatchObject({ ok: false, code: 'too-large' });
  });
});
