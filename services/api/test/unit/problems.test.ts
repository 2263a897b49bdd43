import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { roleSlotSchema } from '@bg/contracts';
import { describeIssues, formatPath, parseConditionPath } from '../../src/domain/issues';
import { buildProblem, invalid, summarize } from '../../src/domain/problem';

describe('problem details', () => {
  it('builds RFC 9457 problems with a type per kind, the status title and the instance', () => {
    expect(buildProblem(404, "no buying group 'bg-1'", '/v1/buying-groups/bg-1')).toEqual({
      type: 'urn:buying-groups:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: "no buying group 'bg-1'",
      instance: '/v1/buying-groups/bg-1',
    });
    const errors = [{ path: 'query.limit', message: 'must be at most 500' }];
    expect(buildProblem(400, 'bad', '/v1/buying-groups', errors)).toMatchObject({ title: 'Invalid request', errors });
    expect(buildProblem(418, 'odd', '/')).toMatchObject({
      type: 'urn:buying-groups:problem:invalid-request',
      status: 418,
    });
    expect(buildProblem(502, 'odd', '/')).toMatchObject({ type: 'urn:buying-groups:problem:internal', status: 502 });
  });

  it('summarizes field errors leading with the first, so one log line says what to fix', () => {
    const errors = [
      { path: 'body.name', message: 'is required' },
      { path: 'body.slots', message: 'too short' },
      { path: 'body.x', message: 'unknown' },
    ];
    expect(summarize('the request body', errors)).toBe(
      'the request body is invalid: body.name: is required (and 2 more problems)',
    );
    expect(summarize('the query string', errors.slice(0, 2))).toContain('(and 1 more problem)');
    expect(invalid('the request body', errors)).toMatchObject({ status: 400, errors });
  });

  it('formats paths as part.field[index]', () => {
    expect(formatPath('body', ['slots', 0, 'conditions', 'all', 1, 'op'])).toBe('body.slots[0].conditions.all[1].op');
    expect(formatPath('query', [])).toBe('query');
    expect(parseConditionPath('all[1].any[0].value')).toEqual(['all', 1, 'any', 0, 'value']);
    expect(parseConditionPath('')).toEqual([]);
  });
});

describe('describing invalid input', () => {
  const template = z.object({ name: z.string(), slots: z.array(roleSlotSchema).min(1) }).strict();
  const describe_ = (input: unknown) => {
    const result = template.safeParse(input, { reportInput: true });
    return result.success ? [] : describeIssues('body', result.error.issues, input);
  };

  it('replaces zod union noise about a condition with what the rule engine finds, by path', () => {
    const errors = describe_({
      name: 'T',
      slots: [
        { role: 'Decision Maker', conditions: { all: [{ field: 'jobTitle', op: 'bogus', value: 1 }, { any: [] }] } },
      ],
    });
    expect(errors).toEqual([
      { path: 'body.slots[0].conditions.all[0].op', message: expect.stringContaining("unknown op 'bogus'") },
      { path: 'body.slots[0].conditions.all[1].any', message: "'any' must be a non-empty list of conditions" },
    ]);
  });

  it('says "is required", names unknown fields, and keeps other messages', () => {
    expect(describe_({ slots: [], extra: 1 })).toEqual([
      { path: 'body.name', message: 'is required' },
      { path: 'body.slots', message: expect.stringContaining('>=1') },
      { path: 'body.extra', message: "unknown field 'extra'" },
    ]);
    expect(describe_(null)).toEqual([{ path: 'body', message: expect.stringContaining('JSON object is required') }]);
  });

  it('lists the allowed values of a choice among literals', () => {
    const errors = describe_({
      name: 'T',
      slots: [{ role: 'Other', weight: 50, conditions: { field: 'jobTitle', op: 'exists' } }],
    });
    expect(errors).toEqual([{ path: 'body.slots[0].weight', message: 'must be one of 20, 40, 60, 80, 100' }]);
  });

  it('judges conditions outside slots on the account side', () => {
    const audience = z.object({ conditions: z.unknown().refine(() => false) });
    const input = { conditions: { field: 'jobTitle', op: 'eq', value: 'x' } };
    const result = audience.safeParse(input);
    expect(describeIssues('body', result.error!.issues, input)).toEqual([
      { path: 'body.conditions.field', message: expect.stringContaining("unknown account field 'jobTitle'") },
    ]);
  });

  it('names unknown query parameters and NaN numbers in words', () => {
    const query = z.object({ limit: z.coerce.number() }).strict();
    const input = { limit: 'ten', lmit: '5' };
    const result = query.safeParse(input, { reportInput: true });
    expect(describeIssues('query', result.error!.issues, input)).toEqual([
      { path: 'query.limit', message: 'must be a number' },
      { path: 'query.lmit', message: "unknown query parameter 'lmit'" },
    ]);
  });
});
