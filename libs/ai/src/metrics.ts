/** Precision, recall and F1 of one role; null where there is nothing to divide by. */
export type RoleScore = {
  role: string;
  /** People who held the role (in the evaluated set). */
  actual: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
};

/**
 * Per-role scores of predictions against the truth (a missing prediction is null), and the macro-F1 over the roles
 * that occur in the truth (a role never predicted counts as F1 0 there).
 */
export function scoreRoles(
  pairs: readonly { actual: string; predicted: string | null }[],
  roles: readonly string[],
): { roles: RoleScore[]; macroF1: number | null } {
  const scores = roles.map((role): RoleScore => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const { actual, predicted } of pairs) {
      if (predicted === role && actual === role) tp += 1;
      else if (predicted === role) fp += 1;
      else if (actual === role) fn += 1;
    }
    const precision = tp + fp === 0 ? null : tp / (tp + fp);
    const recall = tp + fn === 0 ? null : tp / (tp + fn);
    const f1 = precision === null || recall === null ? null : tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    return { role, actual: tp + fn, precision: round(precision), recall: round(recall), f1: round(f1) };
  });
  const present = scores.filter((s) => s.actual > 0);
  const macroF1 =
    present.length === 0 ? null : round(present.reduce((sum, s) => sum + (s.f1 ?? 0), 0) / present.length);
  return { roles: scores, macroF1 };
}

const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 1000) / 1000);
