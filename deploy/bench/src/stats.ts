/** p-th percentile (nearest rank) of a list of numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Every value rounded (CPU seconds by process, …), the largest first. */
export const roundValues = (values: Record<string, number>, digits = 1): Record<string, number> =>
  Object.fromEntries(
    Object.entries(values)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, round(v, digits)]),
  );
