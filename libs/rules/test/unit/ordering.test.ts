import { describe, expect, it } from 'vitest';
import { compareInstants, compareText, instantOf } from '../../src/ordering';

describe('instantOf', () => {
  it('reads dates and date-times with Z or an offset, with or without seconds and fractions', () => {
    expect(instantOf('2026-11-26T10:00:00.000Z')).toBe(Date.UTC(2026, 10, 26, 10));
    expect(instantOf('2026-11-26T11:00+01:00')).toBe(Date.UTC(2026, 10, 26, 10));
    expect(instantOf('2026-11-26T11:00:00+0100')).toBe(Date.UTC(2026, 10, 26, 10));
    expect(instantOf(' 2026-11-26 ')).toBe(Date.UTC(2026, 10, 26));
  });

  it('reads a time without a zone as UTC, never as the machine local time', () => {
    expect(instantOf('2026-11-26T10:00:00')).toBe(Date.UTC(2026, 10, 26, 10));
  });

  it('refuses impossible dates and anything that is not ISO-8601', () => {
    for (const value of ['2026-02-30', '2026-13-01', '2026-01-01T25:00Z', 'Nov 26 2026', '2026', '', 20261126, null]) {
      expect(instantOf(value)).toBeNull();
    }
  });
});

describe('comparisons', () => {
  it('order text by code unit, whatever the locale', () => {
    expect(['b', 'B', 'a', 'á'].sort(compareText)).toEqual(['B', 'a', 'b', 'á']);
  });

  it('order timestamps as instants, and unparsable ones as text', () => {
    expect(compareInstants('2026-01-01T01:00:00+01:00', '2026-01-01T00:30:00Z')).toBe(-1);
    expect(compareInstants('2026-01-01T00:00:00Z', '2026-01-01')).toBe(0);
    expect(compareInstants('later', 'earlier')).toBe(1);
  });
});
