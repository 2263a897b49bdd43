/** Rounds a non-negative ratio of integers half up, exactly: no float on the way, so x.5 always goes up. */
export function roundHalfUpRatio(numerator: bigint, denominator: bigint): number {
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/**
 * Rounds a non-negative float half up after snapping it to 12 significant digits, so that binary noise such as
 * `0.145 * 100 = 14.499999999999998` rounds as the decimal it stands for (15), not down.
 */
export function roundHalfUp(value: number): number {
  return Math.floor(Number(value.toPrecision(12)) + 0.5);
}
