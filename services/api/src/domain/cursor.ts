/**
 * Opaque page cursors for keyset pagination: the last key of a page, base64url-encoded with a marker of what it
 * positions, so a cursor from another listing (or a hand-edited one) is refused instead of silently misread.
 */
export type CursorKind = 'buying-groups' | 'history';

type Payload = { k: CursorKind; after: string | number };

export function encodeCursor(kind: CursorKind, after: string | number): string {
  return Buffer.from(JSON.stringify({ k: kind, after } satisfies Payload), 'utf8').toString('base64url');
}

/** The key a cursor positions after, or null when it is not a cursor of `kind` issued by this API. */
export function decodeCursor(kind: 'buying-groups', cursor: string): string | null;
export function decodeCursor(kind: 'history', cursor: string): number | null;
export function decodeCursor(kind: CursorKind, cursor: string): string | number | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const { k, after } = payload as Partial<Payload>;
  if (k !== kind) return null;
  if (kind === 'buying-groups') return typeof after === 'string' && after !== '' ? after : null;
  return typeof after === 'number' && Number.isInteger(after) && after >= 0 ? after : null;
}
