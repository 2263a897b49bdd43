import { describe, expect, it } from 'vitest';
import { roundHalfUp, roundHalfUpRatio } from '../../src/domain/round-half-up';

describe('roundHalfUp', () => {
  it('rounds .5 up and below .5 down', () => {
    expect(roundHalfUp(62.5)).toBe(63);
    expect(roundHalfUp(0.5)).toBe(1);
    expect(roundHalfUp(62.49)).toBe(62);
    expect(roundHalfUp(0)).toBe(0);
  });

  it('rounds binary noise around .5 as the decimal it stands for', () => {
    expect(roundHalfUp(0.145 * 100)).toBe(15);
    expect(roundHalfUp(0.285 * 100)).toBe(29);
    expect(roundHalfUp(1.005 * 100)).toBe(101);
  });
});

describe('roundHalfUpRatio', () => {
  it('rounds an exact ratio half up', () => {
    expect(roundHalfUpRatio(125n, 2n)).toBe(63);
    expect(roundHalfUpRatio(200n, 3n)).toBe(67);
    expect(roundHalfUpRatio(100n, 3n)).toBe(33);
    expect(roundHalfUpRatio(2900n, 200n)).toBe(15);
    expect(roundHalfUpRatio(0n, 7n)).toBe(0);
  });
});
