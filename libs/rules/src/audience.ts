import type { AudienceRule } from '@bg/contracts';
import { accountSubject, evaluateCondition, type AccountFields } from './conditions';

/** Whether an account is a target of an audience: it satisfies the audience's rule, or is on its static list. */
export function isInAudience(audience: AudienceRule, account: AccountFields & { accountId: string }): boolean {
  if ('accountIds' in audience) return audience.accountIds.includes(account.accountId);
  return evaluateCondition(audience.conditions, accountSubject(account)).matched;
}
