/**
 * Opaque page cursors for keyset pagination: the last key of a page, base64url-encoded with a marker of what it
 * positions, so a cursor from another listing (or a hand-edited one) is refused instead of silently misread.
 */
import { groupSorts, type GroupSort } from './group-filter';

export type CursorKind = 'buying-groups' | 'history' | 'buying-groups-sorted';

/** The last row of a page of groups sorted by a score: the sort it belongs to, the row's score and its id. */
export type SortedPosition = { sort: GroupSort; score: number; id: string };

type Payload = { k: CursorKind; after: string | number | SortedPosition };

export function encodeCursor(kind: 'buying-groups', after: string): string;
export function encodeCursor(kind: 'history', after: number): string;
export function encodeCursor(kind: 'buying-groups-sorted', after: SortedPosition): string;
export function encodeCursor(kind: CursorKind, after: Payload['after']): string {
  return Buffer.from(JSON.stringify({ k: kind, after } satisfies Payload), 'utf8').toString('base64url');
}

/** The key a cursor positions after, or null when it is not a cursor of `kind` issued by this API. */
export function decodeCursor(kind: 'buying-groups', cursor: string): string | null;
export function decodeCursor(kind: 'history', cursor: string): number | null;
export function decodeCursor(kind: 'buying-groups-sorted', cursor: string): SortedPosition | null;
export function decodeCursor(kind: CursorKind, cursor: string): Payload['after'] | null {
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
  if (kind === 'history') return typeof after === 'number' && Number.isInteger(after) && after >= 0 ? after : null;
  if (typeof after !== 'object' || after === null) return null;
  const { sort, score, id } = after as Partial<SortedPosition>;
  const valid =
    groupSorts.includes(sort as GroupSort) &&
    sort !== 'buyingGroupId' &&
    Number.isInteger(score) &&
    typeof id === 'string' &&
    id !== '';
  return valid ? { sort: sort!, score: score!, id: id! } : null;
}
