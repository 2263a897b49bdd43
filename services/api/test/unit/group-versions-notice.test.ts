import { describe, expect, it } from 'vitest';
import { noticePayloads, parseNotice } from '../../src/domain/group-versions-notice';

describe('notices of advanced groups', () => {
  it('round-trip the groups and their previous versions', () => {
    const groups = [
      { buyingGroupId: 'bg-1', previousVersion: 3 },
      { buyingGroupId: 'bg-2', previousVersion: null },
    ];
    const payloads = noticePayloads(groups);
    expect(payloads).toHaveLength(1);
    expect(parseNotice(payloads[0]!)).toEqual(groups);
  });

  it('split a large chunk into payloads PostgreSQL accepts (under 8000 bytes), losing none', () => {
    const groups = Array.from({ length: 1_000 }, (_, i) => ({
      buyingGroupId: `bg-${i.toString(16).padStart(24, '0')}`,
      previousVersion: i,
    }));
    const payloads = noticePayloads(groups);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    expect(payloads.flatMap(parseNotice)).toEqual(groups);
  });

  it('name nothing for a payload they did not write', () => {
    expect(parseNotice('not json')).toEqual([]);
    expect(parseNotice('{"a":1}')).toEqual([]);
    expect(parseNotice('[[1,2],["bg-1","x"]]')).toEqual([]);
    expect(noticePayloads([])).toEqual([]);
  });
});
