import type { ConditionNode, ConditionOp, ConditionPredicate } from '@bg/contracts';

/** Ops whose values name titles a person in the slot has (negative ops such as `neq`/`notIn` name titles they lack). */
const TITLE_OPS: ReadonlySet<ConditionOp> = new Set([
  'eq',
  'in',
  'contains',
  'containsAny',
  'hasWord',
  'hasAnyWord',
  'startsWith',
  'startsWithAny',
  'endsWith',
]);

const MAX_TITLES = 20;

/**
 * The job titles to ask a provider for, from a slot's conditions: the values of its positive `jobTitle` predicates,
 * anywhere in the tree, trimmed and de-duplicated (ignoring case), in order of appearance. Titles from the branches of
 * an `all` are joined too: the search casts the net, and the role rules decide who fits once the person is ingested.
 * Empty when the slot says nothing about titles (a provider search would then return anyone, so none is made).
 */
export function titlesForSlot(conditions: ConditionNode): string[] {
  const seen = new Set<string>();
  const titles: string[] = [];
  for (const predicate of predicates(conditions)) {
    if (predicate.field !== 'jobTitle' || !TITLE_OPS.has(predicate.op)) continue;
    const values = Array.isArray(predicate.value) ? predicate.value : [predicate.value];
    for (const value of values) {
      if (typeof value !== 'string') continue;
      const title = value.trim().replace(/\s+/g, ' ');
      const key = title.toLowerCase();
      if (!title || seen.has(key)) continue;
      seen.add(key);
      titles.push(title);
    }
  }
  return titles.slice(0, MAX_TITLES);
}

function predicates(node: ConditionNode): ConditionPredicate[] {
  if ('all' in node) return node.all.flatMap(predicates);
  if ('any' in node) return node.any.flatMap(predicates);
  return [node];
}
