/**
 * Limits on JSON bodies that the schemas cannot express: nesting deep enough to exhaust the stack of a recursive
 * validator, and NUL characters, which PostgreSQL text and jsonb refuse. Both are input errors (400), never a 500.
 */
export const maxJsonDepth = 64;

/** How deeply `text` nests arrays and objects, counting only brackets outside strings; stops early past `limit`. */
export function jsonDepth(text: string, limit = maxJsonDepth): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** The path of the first text (key or value) holding a NUL character, or null when there is none. */
export function findNul(value: unknown, path = 'body'): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return path;
      const found = findNul(child, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}
