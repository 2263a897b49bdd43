import { describe, expect, it } from 'vitest';
import type { ConditionNode, ConditionOp } from '@bg/contracts';
import {
  accountSubject,
  conditionReads,
  evaluateCondition,
  personSubject,
  resolveField,
  type Subject,
} from '../../src/conditions';

const ana: Subject = personSubject(
  {
    email: 'Ana.Ruiz@ACME.example ',
    jobTitle: '  Chief Marketing Officer ',
    department: 'Marketing',
    seniority: 'C-Level',
    country: 'US',
    attributes: { tier: 'Gold', since: '2024-03-01T00:00:00Z', level: 7, flags: { nested: true } },
  },
  'employee',
  42,
);

const acme: Subject = accountSubject({
  name: 'Acme Corp',
  domain: 'acme.example',
  industry: 'Manufacturing',
  annualRevenue: 25_000_000,
  employeeCount: 1200,
  country: 'US',
  productsOwned: ['Product-Y', 'product-z'],
  parentAccountId: null,
  attributes: { tier: 'gold' },
});

const matches = (node: ConditionNode, subject: Subject = ana): boolean => evaluateCondition(node, subject).matched;
const titled = (jobTitle: string): Subject => personSubject({ jobTitle }, 'employee');

describe('subjects', () => {
  it('derives the lower-cased email domain from the email, and none from an address without @', () => {
    expect(ana.emailDomain).toBe('acme.example');
    expect(personSubject({ email: 'no-at-sign' }, null).emailDomain).toBeNull();
    expect(personSubject({ email: 'trailing@' }, null).emailDomain).toBeNull();
    expect(personSubject({}, null).emailDomain).toBeNull();
  });

  it('carries the relationship of the link being judged and the engagement score', () => {
    expect(personSubject({}, 'contractor', 17)).toMatchObject({ relationship: 'contractor', engagementScore: 17 });
    expect(personSubject({}, null)).toMatchObject({ relationship: null, engagementScore: null });
  });

  it('reads account fields, with no products when none are given', () => {
    expect(acme).toMatchObject({ name: 'Acme Corp', annualRevenue: 25_000_000, parentAccountId: null });
    expect(accountSubject({ name: 'Bare' }).productsOwned).toEqual([]);
  });
});

describe('resolveField', () => {
  it('reads attributes.<key> from the custom attributes', () => {
    expect(resolveField(ana, 'attributes.tier')).toBe('Gold');
    expect(resolveField(ana, 'attributes.missing')).toBeUndefined();
  });

  it('never reads inherited properties such as constructor or __proto__', () => {
    expect(resolveField(ana, 'constructor')).toBeUndefined();
    expect(resolveField(ana, 'attributes.toString')).toBeUndefined();
    expect(resolveField(ana, '__proto__')).toBeUndefined();
  });

  it('finds no attribute when the subject has no attributes object', () => {
    expect(resolveField({ attributes: 'not-an-object' }, 'attributes.tier')).toBeUndefined();
  });
});

describe('text comparisons', () => {
  it('ignore case and surrounding spaces for eq', () => {
    expect(matches({ field: 'jobTitle', op: 'eq', value: 'chief marketing officer' })).toBe(true);
    expect(matches({ field: 'seniority', op: 'eq', value: ' c-level ' })).toBe(true);
    expect(matches({ field: 'seniority', op: 'eq', value: 'VP' })).toBe(false);
  });

  it('neq is the negation of eq', () => {
    expect(matches({ field: 'seniority', op: 'neq', value: 'c-LEVEL' })).toBe(false);
    expect(matches({ field: 'seniority', op: 'neq', value: 'VP' })).toBe(true);
  });

  it('in / notIn look for the value in a list, case-insensitively', () => {
    expect(matches({ field: 'seniority', op: 'in', value: ['VP', 'c-level'] })).toBe(true);
    expect(matches({ field: 'seniority', op: 'in', value: ['VP', 'Director'] })).toBe(false);
    expect(matches({ field: 'seniority', op: 'notIn', value: ['VP', 'Director'] })).toBe(true);
    expect(matches({ field: 'seniority', op: 'notIn', value: ['C-LEVEL'] })).toBe(false);
  });

  it('contains matches substrings, so "cto" is inside "Director"', () => {
    expect(matches({ field: 'jobTitle', op: 'contains', value: 'cto' }, titled('Director'))).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'contains', value: 'MARKETING' })).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'contains', value: 'Sales' })).toBe(false);
  });

  it('containsAny matches when one of the values is a substring', () => {
    expect(matches({ field: 'jobTitle', op: 'containsAny', value: ['CMO', 'Chief Marketing'] })).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'containsAny', value: ['CFO', 'Finance'] })).toBe(false);
  });

  it('hasWord matches whole words only: "CTO" is in "CTO & Co-founder" but not in "Director"', () => {
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'cto' }, titled('CTO & Co-founder'))).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'CTO' }, titled('Director'))).toBe(false);
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'founder' }, titled('CTO & Co-founder'))).toBe(true);
  });

  it('hasWord with several words needs them consecutive', () => {
    const svp = titled('Senior Vice-President, Sales');
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'vice president' }, svp)).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'senior president' }, svp)).toBe(false);
  });

  it('hasWord splits on anything that is not a letter or digit, in any script', () => {
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'Dirección' }, titled('Jefa/Dirección_de·TI'))).toBe(
      true,
    );
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'ti' }, titled('Jefa/Dirección_de·TI'))).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'dir' }, titled('Jefa/Dirección_de·TI'))).toBe(false);
  });

  it('hasWord compares composed and decomposed accents alike', () => {
    const decomposed = titled('Dire\u0301ctor de Marketing');
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: 'Diréctor' }, decomposed)).toBe(true);
  });

  it('hasAnyWord matches when one of the values is a whole word', () => {
    expect(matches({ field: 'jobTitle', op: 'hasAnyWord', value: ['CMO', 'chief'] })).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'hasAnyWord', value: ['cto', 'cfo'] }, titled('Director'))).toBe(false);
  });

  it('startsWith / startsWithAny / endsWith look at the trimmed, case-folded ends', () => {
    expect(matches({ field: 'jobTitle', op: 'startsWith', value: 'chief ' })).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'startsWith', value: 'Marketing' })).toBe(false);
    expect(matches({ field: 'jobTitle', op: 'startsWithAny', value: ['VP', 'Chief'] })).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'startsWithAny', value: ['VP', 'Head'] })).toBe(false);
    expect(matches({ field: 'jobTitle', op: 'endsWith', value: 'OFFICER' })).toBe(true);
    expect(matches({ field: 'jobTitle', op: 'endsWith', value: 'Chief' })).toBe(false);
  });

  it('an empty needle matches nothing rather than everything', () => {
    expect(matches({ field: 'jobTitle', op: 'contains', value: '  ' })).toBe(false);
    expect(matches({ field: 'jobTitle', op: 'startsWith', value: '' })).toBe(false);
    expect(matches({ field: 'jobTitle', op: 'hasWord', value: '&' })).toBe(false);
  });
});

describe('numbers and timestamps', () => {
  it('compare numbers as numbers, not as text', () => {
    expect(matches({ field: 'annualRevenue', op: 'gt', value: 1_000_000 }, acme)).toBe(true);
    expect(matches({ field: 'annualRevenue', op: 'gt', value: 25_000_000 }, acme)).toBe(false);
    expect(matches({ field: 'annualRevenue', op: 'gte', value: 25_000_000 }, acme)).toBe(true);
    expect(matches({ field: 'employeeCount', op: 'lt', value: 9999 }, acme)).toBe(true);
    expect(matches({ field: 'employeeCount', op: 'lt', value: 1200 }, acme)).toBe(false);
    expect(matches({ field: 'employeeCount', op: 'lte', value: 1200 }, acme)).toBe(true);
    expect(matches({ field: 'employeeCount', op: 'eq', value: 1200 }, acme)).toBe(true);
  });

  it('read numbers written as text in custom attributes', () => {
    const subject = personSubject({ attributes: { headcount: ' 150 ', code: '0x10' } }, null);
    expect(matches({ field: 'attributes.headcount', op: 'gt', value: 100 }, subject)).toBe(true);
    expect(matches({ field: 'attributes.headcount', op: 'eq', value: 150 }, subject)).toBe(true);
    expect(matches({ field: 'attributes.code', op: 'gt', value: 1 }, subject)).toBe(false);
  });

  it('compare ISO-8601 timestamps as instants, whatever their offset', () => {
    const since = { field: 'attributes.since' };
    expect(matches({ ...since, op: 'gt', value: '2024-02-29T23:59:59Z' })).toBe(true);
    expect(matches({ ...since, op: 'lt', value: '2024-03-01T00:00:01Z' })).toBe(true);
    // 01:00 at +01:00 is midnight UTC: the same instant.
    expect(matches({ ...since, op: 'eq', value: '2024-03-01T01:00:00+01:00' })).toBe(true);
    expect(matches({ ...since, op: 'gte', value: '2024-03-01' })).toBe(true);
    expect(matches({ ...since, op: 'lte', value: '2024-02-29' })).toBe(false);
  });

  it('between includes both ends, for numbers and timestamps', () => {
    expect(matches({ field: 'engagementScore', op: 'between', value: [42, 50] })).toBe(true);
    expect(matches({ field: 'engagementScore', op: 'between', value: [10, 42] })).toBe(true);
    expect(matches({ field: 'engagementScore', op: 'between', value: [43, 50] })).toBe(false);
    expect(matches({ field: 'attributes.since', op: 'between', value: ['2024-01-01', '2024-12-31T23:59:59Z'] })).toBe(
      true,
    );
    expect(matches({ field: 'attributes.since', op: 'between', value: ['2025-01-01', '2025-12-31'] })).toBe(false);
  });

  it('an ordering between things that do not compare is false, never an error', () => {
    expect(matches({ field: 'jobTitle', op: 'gt', value: 5 })).toBe(false);
    expect(matches({ field: 'jobTitle', op: 'lt', value: '2024-01-01' })).toBe(false);
    expect(matches({ field: 'engagementScore', op: 'gt', value: '2024-01-01' })).toBe(false);
    expect(matches({ field: 'engagementScore', op: 'between', value: [1] })).toBe(false);
  });
});

describe('list fields (productsOwned)', () => {
  it('contains means "owns a product equal to the value", case-insensitively', () => {
    expect(matches({ field: 'productsOwned', op: 'contains', value: 'PRODUCT-Y' }, acme)).toBe(true);
    expect(matches({ field: 'productsOwned', op: 'contains', value: 'product' }, acme)).toBe(false);
  });

  it('containsAny means "owns one of the products"', () => {
    expect(matches({ field: 'productsOwned', op: 'containsAny', value: ['product-x', 'Product-Z'] }, acme)).toBe(true);
    expect(matches({ field: 'productsOwned', op: 'containsAny', value: ['product-x'] }, acme)).toBe(false);
  });

  it('eq and in hold when one element matches; neq and notIn when none does', () => {
    expect(matches({ field: 'productsOwned', op: 'eq', value: 'product-z' }, acme)).toBe(true);
    expect(matches({ field: 'productsOwned', op: 'in', value: ['product-x', 'product-y'] }, acme)).toBe(true);
    expect(matches({ field: 'productsOwned', op: 'neq', value: 'product-z' }, acme)).toBe(false);
    expect(matches({ field: 'productsOwned', op: 'notIn', value: ['product-x'] }, acme)).toBe(true);
  });

  it('exists only when the list has an element', () => {
    expect(matches({ field: 'productsOwned', op: 'exists' }, acme)).toBe(true);
    expect(matches({ field: 'productsOwned', op: 'exists' }, accountSubject({ name: 'Bare' }))).toBe(false);
    expect(matches({ field: 'productsOwned', op: 'notExists' }, accountSubject({ name: 'Bare' }))).toBe(true);
  });
});

describe('missing or empty fields', () => {
  const blank = personSubject(
    { jobTitle: '   ', department: '', seniority: null, attributes: { list: [], nothing: null } },
    null,
  );
  const valueFor: Record<ConditionOp, unknown> = {
    eq: 'x',
    neq: 'x',
    in: ['x'],
    notIn: ['x'],
    contains: 'x',
    containsAny: ['x'],
    hasWord: 'x',
    hasAnyWord: ['x'],
    startsWith: 'x',
    startsWithAny: ['x'],
    endsWith: 'x',
    gt: 0,
    gte: 0,
    lt: 0,
    lte: 0,
    between: [0, 1],
    exists: undefined,
    notExists: undefined,
  };
  const trueOnMissing = new Set<ConditionOp>(['notExists', 'neq', 'notIn']);
  const fields = [
    'jobTitle',
    'department',
    'seniority',
    'country',
    'relationship',
    'engagementScore',
    'attributes.list',
    'attributes.nothing',
    'attributes.absent',
  ];

  for (const [op, value] of Object.entries(valueFor) as [ConditionOp, unknown][]) {
    const expected = trueOnMissing.has(op);
    it(`${op} is ${String(expected)} on missing, null, blank and empty-list fields`, () => {
      for (const field of fields) {
        expect({ field, matched: matches({ field, op, value }, blank) }).toEqual({ field, matched: expected });
      }
    });
  }

  it('a nested object is not a value the language can compare: it counts as missing', () => {
    expect(matches({ field: 'attributes.flags', op: 'exists' })).toBe(false);
    expect(matches({ field: 'attributes.flags', op: 'notExists' })).toBe(true);
  });
});

describe('groups and traces', () => {
  const cmoRule: ConditionNode = {
    all: [
      { field: 'jobTitle', op: 'containsAny', value: ['CMO', 'Chief Marketing'] },
      {
        any: [
          { field: 'relationship', op: 'eq', value: 'contractor' },
          { field: 'seniority', op: 'in', value: ['C-Level', 'VP'] },
          { field: 'department', op: 'eq', value: 'Marketing' },
        ],
      },
    ],
  };

  it('all lists every predicate, any only its first matching branch', () => {
    expect(evaluateCondition(cmoRule, ana)).toEqual({
      matched: true,
      trace: [
        {
          field: 'jobTitle',
          op: 'containsAny',
          value: ['CMO', 'Chief Marketing'],
          actual: '  Chief Marketing Officer ',
        },
        { field: 'seniority', op: 'in', value: ['C-Level', 'VP'], actual: 'C-Level' },
      ],
    });
  });

  it('gives no trace when the condition is false', () => {
    // The title matches, but no branch of the `any` does.
    expect(evaluateCondition(cmoRule, titled('Chief Marketing Officer'))).toEqual({ matched: false, trace: [] });
  });

  it('records a missing actual value as null in the trace', () => {
    expect(evaluateCondition({ field: 'attributes.absent', op: 'notExists' }, ana).trace).toEqual([
      { field: 'attributes.absent', op: 'notExists', value: undefined, actual: null },
    ]);
  });

  it('nests freely, with a predicate or a group at the root', () => {
    expect(matches({ any: [{ all: [{ any: [{ field: 'country', op: 'eq', value: 'us' }] }] }] })).toBe(true);
    expect(matches({ field: 'country', op: 'eq', value: 'us' })).toBe(true);
  });

  it('evaluates malformed conditions to false instead of throwing', () => {
    const odd = [null, 42, 'jobTitle', [], {}, { field: 'jobTitle', op: 'like', value: 'x' }, { field: 7, op: 'eq' }];
    for (const node of odd) expect(matches(node as unknown as ConditionNode)).toBe(false);
    expect(matches({ field: 'jobTitle', op: 'in', value: 'not-a-list' })).toBe(false);
    expect(matches({ field: 'jobTitle', op: 'eq', value: { nested: 1 } })).toBe(false);
  });
});

describe('conditionReads', () => {
  it('finds a field anywhere in a condition, however nested', () => {
    const nested = {
      all: [
        { field: 'jobTitle', op: 'exists' },
        {
          any: [
            { field: 'seniority', op: 'eq', value: 'VP' },
            { field: 'engagementScore', op: 'gte', value: 40 },
          ],
        },
      ],
    };
    expect(conditionReads(nested, 'engagementScore')).toBe(true);
    expect(conditionReads(nested, 'country')).toBe(false);
    expect(conditionReads({ field: 'engagementScore', op: 'gte', value: 1 }, 'engagementScore')).toBe(true);
    expect(conditionReads(null, 'engagementScore')).toBe(false);
  });
});
