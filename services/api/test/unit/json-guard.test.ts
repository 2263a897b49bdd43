import { describe, expect, it } from 'vitest';
import { findNul, jsonDepth } from '../../src/domain/json-guard';

describe('JSON body guards', () => {
  it('measures nesting outside strings only', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\\\"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[["}')).toBe(1);
    expect(jsonDepth('"x"')).toBe(0);
  });

  it('stops counting past the limit', () => {
    expect(jsonDepth('['.repeat(10_000), 64)).toBe(65);
  });

  it('finds the first NUL in a key or a value, by path', () => {
    expect(findNul({ name: 'ok', slots: [{ role: 'a\u0000' }] })).toBe('body.slots[0].role');
    expect(findNul({ ['k\u0000']: 1 })).toBe('body');
    expect(findNul({ name: 'fine', n: 1, list: [true, null] })).toBeNull();
  });
});
