import { findUnstorable, formatPath } from '@bg/contracts';
import { invalid, type ProblemError } from './problem';

/**
 * The 400 for a JSON body holding a value that no hop could store as given — a NUL character, a lone UTF-16
 * surrogate, nesting deeper than 64 levels: the one rule of `@bg/contracts` — naming the field; null when there is
 * none. Such values are refused in every field, never stored altered (jsonb refuses them, text would keep U+FFFD).
 */
export function unstorableBody(value: unknown): ProblemError | null {
  const found = findUnstorable(value);
  if (!found) return null;
  return invalid('the request body', [{ path: formatPath(found.path, 'body'), message: found.problem }]);
}
