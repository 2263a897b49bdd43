import { conditionReads } from '@bg/rules';
import type { Interest } from './group-state';

/** Whether a solution interest's template places anyone by `engagementScore`: only then does a score move re-judge. */
export function readsEngagement(interest: Pick<Interest, 'template'>): boolean {
  return interest.template.slots.some((slot) => conditionReads(slot.conditions, 'engagementScore'));
}
