import {
  accountConditionFields,
  conditionOps,
  groupConditionFields,
  personConditionFields,
  type AccountUpserted,
  type ConditionNode,
  type ConditionOp,
  type MatchTrace,
  type PersonUpserted,
} from '@bg/contracts';
import { instantOf } from './ordering';

/**
 * The condition language of CONTRACT.md §4: evaluation, validation and the subjects (person or account as the
 * language sees them) it is evaluated against.
 */

/** The fields a condition can read, by name; `attributes` holds the custom `attributes.<key>` fields. */
export type Subject = Readonly<Record<string, unknown>>;

export interface ConditionResult {
  matched: boolean;
  /** The predicates that made the result true (empty when it is false): the member's explanation. */
  trace: MatchTrace[];
}

/** Person fields (role slots), account fields (audiences), or a group's own fields (stages, CONTRACT.md §7). */
export type ConditionSide = 'person' | 'account' | 'group';

export interface ConditionIssue {
  /** Where in the condition, e.g. `all[1].any[0].value`; empty for the root node itself. */
  path: string;
  message: string;
}

export type PersonFields = Pick<PersonUpserted, 'email' | 'jobTitle' | 'department' | 'seniority' | 'country'> & {
  attributes?: Record<string, unknown>;
};

export type AccountFields = Pick<
  AccountUpserted,
  'name' | 'domain' | 'industry' | 'annualRevenue' | 'employeeCount' | 'country' | 'parentAccountId'
> & { productsOwned?: string[]; attributes?: Record<string, unknown> };

type Scalar = string | number | boolean;

const ATTRIBUTES = 'attributes.';
const WORD_SEPARATORS = /[^\p{L}\p{N}]+/u;
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
// Deep enough for any hand-written rule, shallow enough that a hostile payload cannot exhaust the stack.
const MAX_DEPTH = 32;

const knownFields: Record<ConditionSide, readonly string[]> = {
  person: personConditionFields,
  account: accountConditionFields,
  group: groupConditionFields,
};
const numberFields = new Set([
  'engagementScore',
  'annualRevenue',
  'employeeCount',
  'completeness',
  'engagement',
  'memberCount',
  'missingRoleCount',
  'openOpportunityCount',
  'daysSinceLastActivity',
]);
const listFields = new Set(['productsOwned']);
const textOps = new Set<ConditionOp>([
  'contains',
  'containsAny',
  'hasWord',
  'hasAnyWord',
  'startsWith',
  'startsWithAny',
  'endsWith',
]);
const orderOps = new Set<ConditionOp>(['gt', 'gte', 'lt', 'lte', 'between']);

export function evaluateCondition(node: ConditionNode, subject: Subject): ConditionResult {
  return evaluate(node, subject);
}

/** Reads `field` of `subject`; `attributes.<key>` reads a custom attribute. Only own properties count. */
export function resolveField(subject: Subject, field: string): unknown {
  if (!field.startsWith(ATTRIBUTES)) return ownValue(subject, field);
  const attributes = ownValue(subject, 'attributes');
  return isRecord(attributes) ? ownValue(attributes, field.slice(ATTRIBUTES.length)) : undefined;
}

/** Whether any predicate of `node` reads `field` (e.g. whether a template's slots depend on `engagementScore`). */
export function conditionReads(node: unknown, field: string, depth = 0): boolean {
  if (!isRecord(node) || depth > MAX_DEPTH) return false;
  const children = Array.isArray(node.all) ? node.all : Array.isArray(node.any) ? node.any : null;
  if (children) return children.some((child) => conditionReads(child, field, depth + 1));
  return node.field === field;
}

/** Every problem in `node` as a condition on `side` fields, each with its path; empty when the condition is valid. */
export function validateCondition(node: unknown, side: ConditionSide): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  validateNode(node, side, '', 0, issues);
  return issues;
}

/**
 * What `engagementScore` reads, by `engagementKey(accountId, personId)`: the person's engagement score at the account
 * of the link they are judged by (the group's own account, or for a roll-up the nearest in scope), computed by scoring
 * alone under its one set of engagement settings, and carried to role-assignment and the API by the same event
 * stream. It is a property of the link, as `relationship` is, so it never depends on the group or its membership.
 */
export type EngagementScores = ReadonlyMap<string, number>;

export function engagementKey(accountId: string, personId: string): string {
  return `${accountId}\u0000${personId}`;
}

/** A person as the language sees it in one group: `relationship` is that of its link to the group's account. */
export function personSubject(person: PersonFields, relationship: string | null, engagementScore?: number): Subject {
  return {
    jobTitle: person.jobTitle ?? null,
    department: person.department ?? null,
    seniority: person.seniority ?? null,
    country: person.country ?? null,
    email: person.email ?? null,
    emailDomain: emailDomainOf(person.email),
    relationship,
    engagementScore: engagementScore ?? null,
    attributes: person.attributes ?? {},
  };
}

export function accountSubject(account: AccountFields): Subject {
  return {
    name: account.name,
    domain: account.domain ?? null,
    industry: account.industry ?? null,
    annualRevenue: account.annualRevenue ?? null,
    employeeCount: account.employeeCount ?? null,
    country: account.country ?? null,
    productsOwned: account.productsOwned ?? [],
    parentAccountId: account.parentAccountId ?? null,
    attributes: account.attributes ?? {},
  };
}

// Evaluation -------------------------------------------------------------------------------------------------------

const noMatch = (): ConditionResult => ({ matched: false, trace: [] });

// Typed loosely on purpose: stored conditions may predate a validation rule, and evaluation must never throw.
function evaluate(node: unknown, subject: Subject): ConditionResult {
  if (!isRecord(node)) return noMatch();
  if (Array.isArray(node.all)) {
    const trace: MatchTrace[] = [];
    for (const child of node.all) {
      const result = evaluate(child, subject);
      if (!result.matched) return noMatch();
      trace.push(...result.trace);
    }
    return { matched: true, trace };
  }
  if (Array.isArray(node.any)) {
    for (const child of node.any) {
      const result = evaluate(child, subject);
      if (result.matched) return result;
    }
    return noMatch();
  }
  if (typeof node.field !== 'string' || !isOp(node.op)) return noMatch();
  const actual = resolveField(subject, node.field);
  if (!holds(node.op, actual, node.value)) return noMatch();
  return { matched: true, trace: [{ field: node.field, op: node.op, value: node.value, actual: actual ?? null }] };
}

/**
 * One predicate. The negative ops are exact negations of `eq`, `in` and `exists`, which is what makes them the only
 * ones true on a missing field. A list field satisfies a positive op when one of its elements does, except that
 * `contains`/`containsAny` compare list elements whole (a product owned), not as substrings.
 */
function holds(op: ConditionOp, actual: unknown, expected: unknown): boolean {
  if (op === 'neq') return !holds('eq', actual, expected);
  if (op === 'notIn') return !holds('in', actual, expected);
  if (op === 'notExists') return !holds('exists', actual, expected);
  const values = presentValues(actual);
  const some = (test: (value: Scalar, wanted: unknown) => boolean, wanted: unknown): boolean =>
    values.some((value) => test(value, wanted));
  const someOf = (test: (value: Scalar, wanted: unknown) => boolean): boolean =>
    Array.isArray(expected) && expected.some((wanted) => some(test, wanted));
  const contains = Array.isArray(actual) ? sameValue : includesText;
  switch (op) {
    case 'exists':
      return values.length > 0;
    case 'eq':
      return some(sameValue, expected);
    case 'in':
      return someOf(sameValue);
    case 'contains':
      return some(contains, expected);
    case 'containsAny':
      return someOf(contains);
    case 'hasWord':
      return some(hasWords, expected);
    case 'hasAnyWord':
      return someOf(hasWords);
    case 'startsWith':
      return some(startsWithText, expected);
    case 'startsWithAny':
      return someOf(startsWithText);
    case 'endsWith':
      return some(endsWithText, expected);
    case 'gt':
      return some(isAbove, expected);
    case 'gte':
      return some(isAtLeast, expected);
    case 'lt':
      return some(isBelow, expected);
    case 'lte':
      return some(isAtMost, expected);
    case 'between':
      return Array.isArray(expected) && expected.length === 2 && some(isBetween, expected);
  }
}

/** The comparable values of a field: none when it is missing, null, blank, an empty list or not text/number/boolean. */
function presentValues(actual: unknown): Scalar[] {
  const items: unknown[] = Array.isArray(actual) ? actual : [actual];
  return items.filter(
    (item): item is Scalar =>
      (typeof item === 'string' && item.trim() !== '') ||
      (typeof item === 'number' && Number.isFinite(item)) ||
      typeof item === 'boolean',
  );
}

function sameValue(value: Scalar, wanted: unknown): boolean {
  if (!isScalar(wanted)) return false;
  const sign = order(value, wanted);
  return sign === null ? fold(value) === fold(wanted) : sign === 0;
}

/** Sign of `value - bound` when both are numbers or both are timestamps (compared as instants), else null. */
function order(value: Scalar, bound: unknown): number | null {
  if (typeof value === 'number' || typeof bound === 'number') {
    const x = numberOf(value);
    const y = numberOf(bound);
    return x === null || y === null ? null : Math.sign(x - y);
  }
  const x = instantOf(value);
  const y = instantOf(bound);
  return x === null || y === null ? null : Math.sign(x - y);
}

/** A test that holds when `value` and the bound are comparable and their order is accepted. */
function ordered(accept: (sign: number) => boolean): (value: Scalar, bound: unknown) => boolean {
  return (value, bound) => {
    const sign = order(value, bound);
    return sign !== null && accept(sign);
  };
}

const isAbove = ordered((sign) => sign > 0);
const isAtLeast = ordered((sign) => sign >= 0);
const isBelow = ordered((sign) => sign < 0);
const isAtMost = ordered((sign) => sign <= 0);

function isBetween(value: Scalar, range: unknown): boolean {
  const [low, high] = range as unknown[];
  return isAtLeast(value, low) && isAtMost(value, high);
}

const includesText = (value: Scalar, wanted: unknown): boolean =>
  textTest(wanted, (needle) => fold(value).includes(needle));
const startsWithText = (value: Scalar, wanted: unknown): boolean =>
  textTest(wanted, (needle) => fold(value).startsWith(needle));
const endsWithText = (value: Scalar, wanted: unknown): boolean =>
  textTest(wanted, (needle) => fold(value).endsWith(needle));

// An empty needle would be inside every text; it matches nothing instead.
function textTest(wanted: unknown, test: (needle: string) => boolean): boolean {
  if (!isScalar(wanted)) return false;
  const needle = fold(wanted);
  return needle !== '' && test(needle);
}

/** Whole-word match; a several-word value ("vice president") must appear as consecutive words. */
function hasWords(value: Scalar, wanted: unknown): boolean {
  if (!isScalar(wanted)) return false;
  const needle = wordsOf(wanted);
  const text = wordsOf(value);
  if (needle.length === 0) return false;
  for (let start = 0; start + needle.length <= text.length; start++) {
    if (needle.every((word, i) => text[start + i] === word)) return true;
  }
  return false;
}

const fold = (value: Scalar): string => String(value).normalize('NFC').trim().toLowerCase();
const wordsOf = (value: Scalar): string[] => fold(value).split(WORD_SEPARATORS).filter(Boolean);

function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || !NUMBER_TEXT.test(value.trim())) return null;
  return Number(value.trim());
}

// Validation -------------------------------------------------------------------------------------------------------

function validateNode(node: unknown, side: ConditionSide, path: string, depth: number, issues: ConditionIssue[]): void {
  if (!isRecord(node)) {
    issues.push({ path, message: 'expected a condition: {field, op, value}, {all: [...]} or {any: [...]}' });
    return;
  }
  const groupKeys = ['all', 'any'].filter((key) => Object.hasOwn(node, key));
  if (groupKeys.length > 1) {
    issues.push({ path, message: "a group has either 'all' or 'any', not both: nest one inside the other" });
    return;
  }
  const [groupKey] = groupKeys;
  if (groupKey !== undefined) {
    validateGroup(node, groupKey, side, path, depth, issues);
    return;
  }
  if (!Object.hasOwn(node, 'field') && !Object.hasOwn(node, 'op')) {
    issues.push({ path, message: 'expected a condition: {field, op, value}, {all: [...]} or {any: [...]}' });
    return;
  }
  validatePredicate(node, side, path, issues);
}

function validateGroup(
  node: Record<string, unknown>,
  key: string,
  side: ConditionSide,
  path: string,
  depth: number,
  issues: ConditionIssue[],
): void {
  for (const extra of Object.keys(node).filter((k) => k !== key)) {
    issues.push({ path: join(path, extra), message: `unexpected key '${extra}' in an '${key}' group` });
  }
  const children = node[key];
  const childrenPath = join(path, key);
  if (!Array.isArray(children) || children.length === 0) {
    issues.push({ path: childrenPath, message: `'${key}' must be a non-empty list of conditions` });
  } else if (depth >= MAX_DEPTH) {
    issues.push({ path: childrenPath, message: `conditions nest deeper than ${MAX_DEPTH} levels` });
  } else {
    children.forEach((child, i) => validateNode(child, side, `${childrenPath}[${i}]`, depth + 1, issues));
  }
}

function validatePredicate(
  node: Record<string, unknown>,
  side: ConditionSide,
  path: string,
  issues: ConditionIssue[],
): void {
  for (const extra of Object.keys(node).filter((k) => k !== 'field' && k !== 'op' && k !== 'value')) {
    issues.push({ path: join(path, extra), message: `unexpected key '${extra}' in a predicate` });
  }
  const { field, op, value } = node;
  const fieldProblem = checkField(field, side);
  if (fieldProblem) issues.push({ path: join(path, 'field'), message: fieldProblem });
  if (!isOp(op)) {
    const known = typeof op === 'string' ? closest(op, conditionOps) : null;
    const hint = known ? ` (did you mean '${known}'?)` : `; ops are ${conditionOps.join(', ')}`;
    issues.push({ path: join(path, 'op'), message: `unknown op ${describe(op)}${hint}` });
    return;
  }
  const opProblem = typeof field === 'string' && !fieldProblem ? checkOpForField(op, field) : null;
  if (opProblem) issues.push({ path: join(path, 'op'), message: opProblem });
  const valueProblem = checkValue(op, value);
  if (valueProblem) issues.push({ path: join(path, 'value'), message: valueProblem });
}

function checkField(field: unknown, side: ConditionSide): string | null {
  if (typeof field !== 'string' || field.trim() === '') return `field must be a ${side} field name`;
  if (field.startsWith(ATTRIBUTES)) {
    return field.length > ATTRIBUTES.length ? null : "name the attribute after 'attributes.', e.g. 'attributes.tier'";
  }
  const known = knownFields[side];
  if (known.includes(field)) return null;
  const suggestion = closest(field, known);
  const hint = suggestion
    ? ` (did you mean '${suggestion}'?)`
    : `; ${side} fields are ${known.join(', ')} and attributes.<key>`;
  return `unknown ${side} field '${field}'${hint}`;
}

function checkOpForField(op: ConditionOp, field: string): string | null {
  if (numberFields.has(field) && textOps.has(op)) {
    return `'${op}' compares text but '${field}' is a number: use eq, neq, in, notIn, gt, gte, lt, lte or between`;
  }
  if (listFields.has(field) && orderOps.has(op)) {
    return `'${op}' compares numbers or timestamps but '${field}' is a list: use contains or containsAny`;
  }
  return null;
}

function checkValue(op: ConditionOp, value: unknown): string | null {
  switch (op) {
    case 'exists':
    case 'notExists':
      return value === undefined ? null : `'${op}' takes no value`;
    case 'eq':
    case 'neq':
      return isValue(value) ? null : `'${op}' needs one non-empty text, number or boolean`;
    case 'in':
    case 'notIn':
      return isListOf(value, isValue) ? null : `'${op}' needs a non-empty list of texts, numbers or booleans`;
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return isText(value) ? null : `'${op}' needs a non-empty text`;
    case 'containsAny':
    case 'startsWithAny':
      return isListOf(value, isText) ? null : `'${op}' needs a non-empty list of non-empty texts`;
    case 'hasWord':
      return isWordText(value) ? null : `'${op}' needs a text with at least one letter or digit`;
    case 'hasAnyWord':
      return isListOf(value, isWordText) ? null : `'${op}' needs a non-empty list of texts with letters or digits`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return isBound(value) ? null : `'${op}' needs a number or an ISO-8601 timestamp`;
    case 'between':
      return checkRange(value);
  }
}

function checkRange(value: unknown): string | null {
  const shape = "'between' needs [low, high]: two numbers or two ISO-8601 timestamps";
  if (!Array.isArray(value) || value.length !== 2) return shape;
  const [low, high] = value as [unknown, unknown];
  const bothNumbers = typeof low === 'number' && typeof high === 'number' && isBound(low) && isBound(high);
  const bothInstants = instantOf(low) !== null && instantOf(high) !== null;
  if (!bothNumbers && !bothInstants) return shape;
  const inOrder = bothNumbers ? low <= high : (instantOf(low) ?? 0) <= (instantOf(high) ?? 0);
  return inOrder ? null : `'between' range is empty: low ${String(low)} is above high ${String(high)}`;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isWordText = (value: unknown): boolean => isText(value) && wordsOf(value).length > 0;
const isValue = (value: unknown): boolean =>
  isText(value) || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
const isBound = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isFinite(value)) || instantOf(value) !== null;
const isListOf = (value: unknown, item: (element: unknown) => boolean): boolean =>
  Array.isArray(value) && value.length > 0 && value.every(item);

/**
 * The known name nearest to a misspelt one: the same letters in another case, or a few edits away (one per three
 * letters, at most two, so that short names do not suggest unrelated ones).
 */
function closest(name: string, known: readonly string[]): string | null {
  const sameLetters = known.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (sameLetters) return sameLetters;
  let best: string | null = null;
  let bestDistance = Math.min(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

// Shared -----------------------------------------------------------------------------------------------------------

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const describe = (value: unknown): string =>
  typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? 'none');

function emailDomainOf(email: string | null | undefined): string | null {
  if (!email?.includes('@')) return null;
  const domain = email.slice(email.lastIndexOf('@') + 1).trim();
  return domain === '' ? null : domain.toLowerCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ownValue(record: object, key: string): unknown {
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

const isScalar = (value: unknown): value is Scalar =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const isOp = (value: unknown): value is ConditionOp =>
  typeof value === 'string' && (conditionOps as readonly string[]).includes(value);
