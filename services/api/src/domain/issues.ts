import { validateCondition, type ConditionSide } from '@bg/rules';
import type { z } from 'zod';
import type { FieldError } from './problem';

export type RequestPart = 'body' | 'query' | 'params' | 'headers';

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

/** `body.slots[0].conditions.all[1].field`: where in the request a problem is. */
export function formatPath(part: RequestPart, path: readonly Segment[]): string {
  return path.reduce<string>(
    (acc, segment) => (typeof segment === 'number' ? `${acc}[${segment}]` : `${acc}.${String(segment)}`),
    part,
  );
}

/** `all[1].any[0].value` (the rule engine's condition paths) as segments. */
export function parseConditionPath(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    segments.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  }
  return segments;
}

/**
 * The request's problems, one per field. Zod's account of a condition that fits none of the node shapes is a nest of
 * union branches nobody can read; the rule engine's validator says precisely what is wrong where, so conditions are
 * described by it (person side under `slots`, account side elsewhere).
 */
export function describeIssues(part: RequestPart, issues: readonly Issue[], input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const conditionRoots = new Map<string, Segment[]>();
  for (const issue of issues) {
    const at = issue.path.indexOf('conditions');
    if (at >= 0) {
      const root = issue.path.slice(0, at + 1);
      conditionRoots.set(formatPath(part, root), root);
      continue;
    }
    errors.push(...describeIssue(part, issue));
  }
  for (const [rootPath, root] of conditionRoots) {
    const side: ConditionSide = root.includes('slots') ? 'person' : 'account';
    const found = validateCondition(valueAt(input, root), side);
    const described = found.map((issue) => ({
      path: issue.path === '' ? rootPath : formatPath(part, [...root, ...parseConditionPath(issue.path)]),
      message: issue.message,
    }));
    // Shapes the rule engine accepts but the schema does not (rare) keep the schema's wording.
    errors.push(...(described.length > 0 ? described : fallback(part, issues, rootPath)));
  }
  return dedupe(errors);
}

function describeIssue(part: RequestPart, issue: Issue): FieldError[] {
  if (issue.code === 'unrecognized_keys') {
    const noun = part === 'query' ? 'query parameter' : part === 'params' ? 'path parameter' : 'field';
    return issue.keys.map((key) => ({
      path: formatPath(part, [...issue.path, key]),
      message: `unknown ${noun} '${key}'`,
    }));
  }
  const path = formatPath(part, issue.path);
  // Zod's default wording ("Invalid input: expected number, received NaN") is replaced; custom messages are kept.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    if (issue.input === undefined || issue.input === null) {
      if (part === 'body' && issue.path.length === 0) {
        return [{ path, message: 'a JSON object is required, sent with content-type application/json' }];
      }
      if (issue.input === undefined) return [{ path, message: 'is required' }];
    }
    if (issue.expected === 'number' && (issue.input === null || Number.isNaN(issue.input))) {
      return [{ path, message: 'must be a number' }];
    }
  }
  // A choice among literals (e.g. a slot weight) reads better as the list of allowed values.
  if (issue.code === 'invalid_union') {
    const allowed = issue.errors.flat().flatMap((branch) => (branch.code === 'invalid_value' ? branch.values : [null]));
    if (allowed.length > 0 && !allowed.includes(null))
      return [{ path, message: `must be one of ${allowed.join(', ')}` }];
  }
  return [{ path, message: issue.message }];
}

function fallback(part: RequestPart, issues: readonly Issue[], rootPath: string): FieldError[] {
  return issues
    .filter((issue) => formatPath(part, issue.path).startsWith(rootPath))
    .flatMap((issue) => describeIssue(part, issue));
}

function valueAt(input: unknown, path: readonly Segment[]): unknown {
  let value = input;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = Object.hasOwn(value, segment) ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return value;
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`;
    return !seen.has(key) && seen.add(key);
  });
}
