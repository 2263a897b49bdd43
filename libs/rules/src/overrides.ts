import type { MemberSource } from '@bg/contracts';
import { compareInstants } from './ordering';

/** Who may edit members by hand (or by file, journey or model); `rule` is the recomputation itself. */
export type OverrideSource = Exclude<MemberSource, 'rule'>;

/** One explicit edit of one member of one group. An add names the role; a removal may name the role it ended. */
export type MemberOverride =
  | { personId: string; action: 'add'; role: string; source: OverrideSource; requestedAt: string }
  | { personId: string; action: 'remove'; role: string | null; source: OverrideSource; requestedAt: string };

const rank: Record<MemberSource, number> = { manual: 3, import: 2, journey: 2, ai: 1, rule: 0 };

/** manual > import = journey > ai > rule. */
export function precedenceOf(source: MemberSource): number {
  return rank[source];
}

/**
 * The override in force for each person: the highest writer's, and among writers of equal rank the latest. So a lower
 * writer never overrides a higher one, whatever order the edits arrive in.
 */
export function effectiveOverrides(overrides: readonly MemberOverride[]): Map<string, MemberOverride> {
  const byPerson = new Map<string, MemberOverride>();
  for (const override of overrides) {
    const current = byPerson.get(override.personId);
    if (current === undefined || beats(override, current)) byPerson.set(override.personId, override);
  }
  return byPerson;
}

function beats(challenger: MemberOverride, holder: MemberOverride): boolean {
  const byRank = precedenceOf(challenger.source) - precedenceOf(holder.source);
  if (byRank !== 0) return byRank > 0;
  const byTime = compareInstants(challenger.requestedAt, holder.requestedAt);
  if (byTime !== 0) return byTime > 0;
  // Equal rank at the same instant: settle it by content, not arrival order, so every replica agrees (a removal wins).
  return tieKey(challenger) > tieKey(holder);
}

const tieKey = (override: MemberOverride): string =>
  [override.action, override.source, override.role ?? ''].join('\u0000');
