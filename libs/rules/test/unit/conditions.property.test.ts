import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conditionOps, type ConditionNode, type ConditionOp } from '@bg/contracts';
import { evaluateCondition, resolveField, type Subject } from '../../src/conditions';

/**
 * Properties of the condition language (CONTRACT.md §4) over generated subjects and conditions: the laws any rule an
 * operator writes can rely on, whatever the data.
 */

const fields = ['jobTitle', 'seniority', 'score', 'tags', 'attributes.tier'] as const;
const words = ['CMO', 'vp', 'Director', 'chief', 'Marketing', 'it'];

/** Values as CRMs send them: words (in any case, padded), numbers, numeric text, booleans, blanks, lists. */
const scalarArb = fc.oneof(
  fc.constantFrom(...words),
  fc.constantFrom(...words).map((w) => ` ${w.toUpperCase()} `),
  fc.integer({ min: -5, max: 5 }),
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.boolean(),
  fc.constantFrom('', '   '),
);
const fieldValueArb = fc.oneof(
  scalarArb,
  fc.constant(null),
  fc.constant(undefined),
  fc.array(scalarArb, { maxLength: 3 }),
  fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' ')),
);
const subjectArb: fc.Arbitrary<Subject> = fc
  .record({
    jobTitle: fieldValueArb,
    seniority: fieldValueArb,
    score: fieldValueArb,
    tags: fieldValueArb,
    tier: fieldValueArb,
  })
  .map(({ tier, ...rest }) => ({ ...rest, attributes: { tier } }));

const valueArb = fc.oneof(scalarArb, fc.array(scalarArb, { maxLength: 3 }), fc.constant(undefined));
const predicateArb = fc.record({
  field: fc.constantFrom(...fields),
  op: fc.constantFrom(...conditionOps),
  value: valueArb,
});
const nodeArb: fc.Arbitrary<ConditionNode> = fc.letrec<{ node: ConditionNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    predicateArb as fc.Arbitrary<ConditionNode>,
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
  ),
})).node;

const matches = (node: ConditionNode, subject: Subject) => evaluateCondition(node, subject).matched;
const predicate = (field: string, op: ConditionOp, value: unknown) => ({ field, op, value }) as ConditionNode;

describe('condition evaluation (properties)', () => {
  it('never throws, on any condition and any subject, and explains a match only when it matched', () => {
    fc.assert(
      fc.property(fc.oneof(nodeArb, fc.anything()), subjectArb, (node, subject) => {
        const result = evaluateCondition(node as ConditionNode, subject);
        expect(typeof result.matched).toBe('boolean');
        if (!result.matched) expect(result.trace).toEqual([]);
      }),
    );
  });

  it('`all` holds exactly when every part holds, and explains itself by all their explanations', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 4 }), subjectArb, (parts, subject) => {
        const result = evaluateCondition({ all: parts }, subject);
        expect(result.matched).toBe(parts.every((part) => matches(part, subject)));
        if (result.matched) expect(result.trace).toEqual(parts.flatMap((p) => evaluateCondition(p, subject).trace));
      }),
    );
  });

  it('`any` holds exactly when some part holds, and explains itself by the first part that holds', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 4 }), subjectArb, (parts, subject) => {
        const result = evaluateCondition({ any: parts }, subject);
        const first = parts.find((part) => matches(part, subject));
        expect(result.matched).toBe(first !== undefined);
        if (first) expect(result.trace).toEqual(evaluateCondition(first, subject).trace);
      }),
    );
  });

  it('a group of one is the condition itself', () => {
    fc.assert(
      fc.property(nodeArb, subjectArb, (node, subject) => {
        const alone = evaluateCondition(node, subject);
        expect(evaluateCondition({ all: [node] }, subject)).toEqual(alone);
        expect(evaluateCondition({ any: [node] }, subject)).toEqual(alone);
      }),
    );
  });

  it('the negative ops are the exact negations of eq, in and exists', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fields), valueArb, subjectArb, (field, value, subject) => {
        expect(matches(predicate(field, 'neq', value), subject)).toBe(!matches(predicate(field, 'eq', value), subject));
        expect(matches(predicate(field, 'notIn', value), subject)).toBe(
          !matches(predicate(field, 'in', value), subject),
        );
        expect(matches(predicate(field, 'notExists', undefined), subject)).toBe(
          !matches(predicate(field, 'exists', undefined), subject),
        );
      }),
    );
  });

  it('on a missing field only the negative ops hold', () => {
    fc.assert(
      fc.property(fc.constantFrom(...conditionOps), valueArb, (op, value) => {
        const holds = matches(predicate('jobTitle', op, value), {});
        expect(holds).toBe(op === 'neq' || op === 'notIn' || op === 'notExists');
      }),
    );
  });

  it('each list op is its single op over the list: in/eq, containsAny/contains, hasAnyWord/hasWord, startsWithAny/startsWith', () => {
    const pairs: [ConditionOp, ConditionOp][] = [
      ['in', 'eq'],
      ['containsAny', 'contains'],
      ['hasAnyWord', 'hasWord'],
      ['startsWithAny', 'startsWith'],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...pairs),
        fc.constantFrom(...fields),
        fc.array(scalarArb, { maxLength: 4 }),
        subjectArb,
        ([listOp, singleOp], field, values, subject) => {
          expect(matches(predicate(field, listOp, values), subject)).toBe(
            values.some((value) => matches(predicate(field, singleOp, value), subject)),
          );
        },
      ),
    );
  });

  it('compares text whatever its case and surrounding blanks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ConditionOp>('eq', 'contains', 'hasWord', 'startsWith', 'endsWith'),
        fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,10}[A-Za-z]$/),
        (op, text) => {
          const subject = { jobTitle: `  ${text.toUpperCase()} ` };
          expect(matches(predicate('jobTitle', op, text.toLowerCase()), subject)).toBe(true);
        },
      ),
    );
  });

  it('orders numbers: exactly one of lt, eq, gt holds, and between is gte low and lte high', () => {
    const number = fc.integer({ min: -1000, max: 1000 });
    fc.assert(
      fc.property(number, number, number, fc.boolean(), (actual, bound, other, asText) => {
        const subject = { score: asText ? String(actual) : actual };
        const holding = (['lt', 'eq', 'gt'] as const).filter((op) => matches(predicate('score', op, bound), subject));
        expect(holding).toEqual([actual < bound ? 'lt' : actual > bound ? 'gt' : 'eq']);
        const [low, high] = [Math.min(bound, other), Math.max(bound, other)];
        expect(matches(predicate('score', 'between', [low, high]), subject)).toBe(
          matches(predicate('score', 'gte', low), subject) && matches(predicate('score', 'lte', high), subject),
        );
        expect(matches(predicate('score', 'between', [low, high]), subject)).toBe(actual >= low && actual <= high);
      }),
    );
  });

  it('reads only the fields it names: other fields never change the result', () => {
    fc.assert(
      fc.property(predicateArb, subjectArb, fieldValueArb, (node, subject, noise) => {
        const other = fields.find((f) => f !== (node as { field: string }).field && !f.startsWith('attributes.'))!;
        expect(matches(node, { ...subject, [other]: noise })).toBe(matches(node, subject));
      }),
    );
  });

  it('explains truthfully: every trace entry is a predicate of the condition that holds, with the value read', () => {
    fc.assert(
      fc.property(nodeArb, subjectArb, (node, subject) => {
        const predicates = predicatesOf(node);
        for (const entry of evaluateCondition(node, subject).trace) {
          const source = predicates.find(
            (p) => p.field === entry.field && p.op === entry.op && isDeepStrictEqual(p.value, entry.value),
          );
          expect(source).toBeDefined();
          expect(matches(source!, subject)).toBe(true);
          expect(entry.actual).toEqual(resolveField(subject, entry.field) ?? null);
        }
      }),
    );
  });
});

function predicatesOf(node: ConditionNode): { field: string; op: ConditionOp; value?: unknown }[] {
  if ('all' in node) return node.all.flatMap(predicatesOf);
  if ('any' in node) return node.any.flatMap(predicatesOf);
  return [node];
}
