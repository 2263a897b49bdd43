import { createHash } from 'node:crypto';

/** Deterministic buying group id from (solutionInterestId, accountId) — CONTRACT.md §3. */
export function buyingGroupId(solutionInterestId: string, accountId: string): string {
  const digest = createHash('sha256').update(`${solutionInterestId}\u0000${accountId}`).digest('hex');
  return `bg-${digest.slice(0, 24)}`;
}
