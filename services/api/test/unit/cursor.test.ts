import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/domain/cursor';

describe('page cursors', () => {
  it('round-trips the last key of a page as opaque base64url', () => {
    const cursor = encodeCursor('buying-groups', 'bg-0a1b2c');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('bg-0a1b2c');
    expect(decodeCursor('buying-groups', cursor)).toBe('bg-0a1b2c');
    expect(decodeCursor('history', encodeCursor('history', 7))).toBe(7);
  });

  it('refuses a cursor of another listing, a hand-made one, or garbage', () => {
    expect(decodeCursor('history', encodeCursor('buying-groups', 'bg-1'))).toBeNull();
    expect(decodeCursor('buying-groups', encodeCursor('history', 3))).toBeNull();
    expect(
      decodeCursor('buying-groups', Buffer.from('{"k":"buying-groups","after":""}').toString('base64url')),
    ).toBeNull();
    expect(decodeCursor('history', Buffer.from('{"k":"history","after":-1}').toString('base64url'))).toBeNull();
    expect(decodeCursor('buying-groups', 'not a cursor!')).toBeNull();
    expect(decodeCursor('buying-groups', 'bm90IGpzb24')).toBeNull();
    expect(decodeCursor('buying-groups', Buffer.from('null').toString('base64url'))).toBeNull();
  });

  it('positions a score-sorted page by its sort, score and id, and refuses it for another sort or listing', () => {
    const position = { sort: '-completeness' as const, score: 40, id: 'bg-0a' };
    const cursor = encodeCursor('buying-groups-sorted', position);
    expect(decodeCursor('buying-groups-sorted', cursor)).toEqual(position);
    expect(decodeCursor('buying-groups', cursor)).toBeNull();
    expect(decodeCursor('buying-groups-sorted', encodeCursor('buying-groups', 'bg-0a'))).toBeNull();
    const forged = (after: unknown) =>
      Buffer.from(JSON.stringify({ k: 'buying-groups-sorted', after })).toString('base64url');
    expect(decodeCursor('buying-groups-sorted', forged({ ...position, sort: 'name' }))).toBeNull();
    expect(decodeCursor('buying-groups-sorted', forged({ ...position, score: 'x' }))).toBeNull();
    expect(decodeCursor('buying-groups-sorted', forged({ ...position, id: '' }))).toBeNull();
  });
});
