/**
 * What a JSON value must be for every hop to store and re-serialise it: no NUL character (PostgreSQL text and jsonb
 * refuse it), no lone UTF-16 surrogate (not valid Unicode: refused by jsonb, silently mangled in text), and no nesting
 * deeper than `maxJsonDepth` (a recursive `JSON.stringify` or validator would exhaust the stack). The one rule used by
 * the Kafka decoder (dead letter `invalid-data`) and the HTTP API (400): such values are refused, never stored altered.
 */
export const maxJsonDepth = 64;

export type UnstorableValue = { path: (string | number)[]; problem: string };

/**
 * The first place in `value` (keys included) that breaks the rule above, with its path, or null when there is none.
 * The walk never goes deeper than `maxDepth`, so a value nested 10,000 deep is reported rather than overflowing the
 * stack; the path is built only for the value reported.
 */
export function findUnstorable(value: unknown, maxDepth = maxJsonDepth): UnstorableValue | null {
  const path: (string | number)[] = [];
  const visit = (current: unknown): string | null => {
    if (typeof current === 'string') return textProblem(current);
    if (typeof current !== 'object' || current === null) return null;
    if (path.length >= maxDepth) return `nests deeper than ${maxDepth} levels`;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        path.push(i);
        const problem = visit(current[i]);
        if (problem) return problem;
        path.pop();
      }
      return null;
    }
    for (const key in current) {
      path.push(key);
      const keyProblem = textProblem(key);
      if (keyProblem) return `is a key that ${keyProblem}`;
      const problem = visit((current as Record<string, unknown>)[key]);
      if (problem) return problem;
      path.pop();
    }
    return null;
  };
  const problem = visit(value);
  return problem === null ? null : { path, problem };
}

/** Why a text cannot be stored, or null. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (!text.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode), which cannot be stored';
  return null;
}

/**
 * `data.accounts[0].accountId` from a path and an optional root. A key that is not a plain name is quoted as JSON
 * (`data.attributes["\\ud800"]`), and a long one cut, so that the path itself is short, printable, valid text (it
 * travels in headers and logs).
 */
export function formatPath(path: readonly PropertyKey[], root?: string): string {
  const formatted = path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    // A long key is cut: an error message names a field, it does not copy the input.
    const key = String(part).length > 40 ? `${String(part).slice(0, 40)}…` : String(part);
    if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${acc}[${JSON.stringify(key)}]`;
    return acc ? `${acc}.${key}` : key;
  }, root ?? '');
  return formatted || '(value)';
}
