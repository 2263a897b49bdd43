import { describe, expect, it } from 'vitest';
import { internalEventTypes, operatorActionTypes } from '@bg/contracts';
import { causeOf } from '../../src/domain/causes';

const event = (type: string, data: object) => ({ id: 'si-x:r3', type, source: 'bg/api', data });

describe('causeOf', () => {
  it('is the CRM event or operator action the input carries', () => {
    const carried = { eventId: 'evt-1', eventType: 'person.upserted', source: 'crm/salesforce' };
    expect(causeOf(event(internalEventTypes.personChanged, { cause: carried }))).toEqual(carried);
    const audience = { eventId: 'si-x:r4', eventType: operatorActionTypes.accountAudienceDefined, source: 'bg/api' };
    expect(causeOf(event(internalEventTypes.solutionInterestDefined, { cause: audience }))).toEqual(audience);
  });

  it('never names an internal event type: a definition that carries no cause counts as the operator action', () => {
    expect(causeOf(event(internalEventTypes.solutionInterestDefined, {}))).toEqual({
      eventId: 'si-x:r3',
      eventType: 'operator.solution-interest.defined',
      source: 'bg/api',
    });
    expect(causeOf(event(internalEventTypes.solutionInterestDeleted, {})).eventType).toBe(
      'operator.solution-interest.deleted',
    );
  });

  it('refuses any other input without a cause rather than publish the internal hop', () => {
    expect(() => causeOf(event(internalEventTypes.memberCommand, {}))).toThrow(/carries no cause/);
  });
});
