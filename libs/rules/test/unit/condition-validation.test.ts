import { describe, expect, it } from 'vitest';
import { validateCondition } from '../../src/conditions';

const paths = (node: unknown, side: 'person' | 'account' = 'person'): string[] =>
  validateCondition(node, side).map((issue) => issue.path);

describe('validateCondition', () => {
  it('accepts the contract example', () => {
    const example = {
      all: [
        { field: 'jobTitle', op: 'containsAny', value: ['CMO', 'Chief Marketing'] },
        {
          any: [
            { field: 'relationship', op: 'eq', value: 'employee' },
            { field: 'seniority', op: 'in', value: ['C-Level', 'VP'] },
          ],
        },
      ],
    };
    expect(validateCondition(example, 'person')).toEqual([]);
  });

  it('accepts every op with a well-typed value', () => {
    const valid = [
      { field: 'jobTitle', op: 'eq', value: 'CMO' },
      { field: 'engagementScore', op: 'neq', value: 0 },
      { field: 'attributes.vip', op: 'eq', value: true },
      { field: 'seniority', op: 'notIn', value: ['Intern'] },
      { field: 'jobTitle', op: 'contains', value: 'market' },
      { field: 'jobTitle', op: 'hasWord', value: 'CTO' },
      { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO', 'CIO'] },
      { field: 'jobTitle', op: 'startsWith', value: 'VP' },
      { field: 'jobTitle', op: 'startsWithAny', value: ['VP', 'Head'] },
      { field: 'email', op: 'endsWith', value: '.example' },
      { field: 'engagementScore', op: 'gte', value: 50 },
      { field: 'attributes.signedAt', op: 'lt', value: '2026-01-01T00:00:00Z' },
      { field: 'engagementScore', op: 'between', value: [10, 90] },
      { field: 'attributes.signedAt', op: 'between', value: ['2026-01-01', '2026-06-30T23:59:59+02:00'] },
      { field: 'department', op: 'exists' },
      { field: 'emailDomain', op: 'notExists' },
    ];
    expect(validateCondition({ all: valid }, 'person')).toEqual([]);
  });

  it('accepts account fields on the account side', () => {
    const audience = {
      all: [
        { field: 'productsOwned', op: 'contains', value: 'product-y' },
        { field: 'annualRevenue', op: 'gt', value: 1_000_000 },
        { field: 'parentAccountId', op: 'notExists' },
        { field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] },
      ],
    };
    expect(validateCondition(audience, 'account')).toEqual([]);
  });

  it('names an unknown field with its path and suggests the field that was meant', () => {
    expect(validateCondition({ all: [{ field: 'jobtitle', op: 'eq', value: 'CMO' }] }, 'person')).toEqual([
      { path: 'all[0].field', message: "unknown person field 'jobtitle' (did you mean 'jobTitle'?)" },
    ]);
    expect(validateCondition({ field: 'industy', op: 'eq', value: 'Retail' }, 'account')[0]?.message).toBe(
      "unknown account field 'industy' (did you mean 'industry'?)",
    );
  });

  it('lists the fields of the side when nothing is close, so a person field on an account says so', () => {
    const [issue] = validateCondition({ field: 'seniority', op: 'eq', value: 'VP' }, 'account');
    expect(issue?.path).toBe('field');
    expect(issue?.message).toContain("unknown account field 'seniority'");
    expect(issue?.message).toContain('productsOwned');
  });

  it('needs a key after attributes.', () => {
    expect(validateCondition({ field: 'attributes.', op: 'exists' }, 'person')).toEqual([
      { path: 'field', message: "name the attribute after 'attributes.', e.g. 'attributes.tier'" },
    ]);
  });

  it('rejects an unknown op and suggests the one that was meant', () => {
    expect(validateCondition({ field: 'jobTitle', op: 'contain', value: 'x' }, 'person')).toEqual([
      { path: 'op', message: "unknown op 'contain' (did you mean 'contains'?)" },
    ]);
    expect(validateCondition({ field: 'jobTitle', op: 'like', value: 'x' }, 'person')[0]?.message).toContain(
      'ops are eq, neq',
    );
  });

  it('reports a wrong value for the op at the value path, deep in the tree', () => {
    const node = {
      all: [{ field: 'jobTitle', op: 'exists' }, { any: [{ field: 'seniority', op: 'in', value: 'VP' }] }],
    };
    expect(validateCondition(node, 'person')).toEqual([
      { path: 'all[1].any[0].value', message: "'in' needs a non-empty list of texts, numbers or booleans" },
    ]);
  });

  it.each([
    ['in', []],
    ['notIn', 'VP'],
    ['containsAny', ['CMO', '']],
    ['hasAnyWord', ['&']],
    ['startsWithAny', 'VP'],
    ['contains', ['x']],
    ['hasWord', '--'],
    ['startsWith', ''],
    ['endsWith', 3],
    ['eq', ['CMO']],
    ['neq', undefined],
    ['eq', ''],
    ['gt', 'soon'],
    ['lte', '2026-02-30'],
    ['between', [1]],
    ['between', [1, '2026-01-01']],
    ['between', [9, 1]],
    ['exists', true],
    ['notExists', 'x'],
  ])('rejects %s with value %j', (op, value) => {
    expect(paths({ field: 'attributes.x', op, value })).toEqual(['value']);
  });

  it('explains an empty between range', () => {
    expect(validateCondition({ field: 'engagementScore', op: 'between', value: [90, 10] }, 'person')).toEqual([
      { path: 'value', message: "'between' range is empty: low 90 is above high 10" },
    ]);
  });

  it('rejects text ops on number fields and ordering ops on list fields', () => {
    expect(validateCondition({ field: 'annualRevenue', op: 'contains', value: '1' }, 'account')).toEqual([
      {
        path: 'op',
        message:
          "'contains' compares text but 'annualRevenue' is a number: use eq, neq, in, notIn, gt, gte, lt, lte or between",
      },
    ]);
    expect(paths({ field: 'productsOwned', op: 'gt', value: 3 }, 'account')).toEqual(['op']);
  });

  it('reports structural errors: empty groups, both all and any, stray keys, non-objects', () => {
    expect(paths({ all: [] })).toEqual(['all']);
    expect(paths({ any: 'x' })).toEqual(['any']);
    expect(paths({ all: [{ field: 'country', op: 'exists' }], any: [] })).toEqual(['']);
    expect(paths({ all: [{ field: 'country', op: 'exists' }], note: 'x' })).toEqual(['note']);
    expect(paths({ field: 'country', op: 'exists', vaule: 'x' })).toEqual(['vaule']);
    expect(paths({ all: [null, 'x', { foo: 1 }] })).toEqual(['all[0]', 'all[1]', 'all[2]']);
    expect(paths(undefined)).toEqual(['']);
  });

  it('reports every problem at once', () => {
    const node = { any: [{ field: 'title', op: 'equals' }, { field: 'country', op: 'in', value: [] }, { all: [] }] };
    expect(paths(node)).toEqual(['any[0].field', 'any[0].op', 'any[1].value', 'any[2].all']);
  });

  it('refuses nesting deep enough to threaten the stack', () => {
    let node: unknown = { field: 'country', op: 'exists' };
    for (let i = 0; i < 40; i++) node = { all: [node] };
    expect(validateCondition(node, 'person')).toHaveLength(1);
    expect(validateCondition(node, 'person')[0]?.message).toContain('deeper than');
  });
});
