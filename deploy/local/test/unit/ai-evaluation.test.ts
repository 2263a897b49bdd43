import { describe, expect, it } from 'vitest';
import { evaluateAi } from '../../src/ai-evaluation';

describe('AI evaluation on the synthetic CRM (npm run ai:eval)', () => {
  const evaluation = evaluateAi({ seed: 13, accounts: 400, minSupport: 5, minConfidence: 0.7 });

  it('the generated rules reach a macro-F1 of 0.8 and do no worse than the hand-written demo template', () => {
    expect(evaluation.rules.macroF1).toBeGreaterThanOrEqual(0.8);
    expect(evaluation.rules.macroF1!).toBeGreaterThanOrEqual(evaluation.baseline.macroF1!);
  });

  it('member suggestions add to the rules rather than take away', () => {
    expect(evaluation.suggestions.macroF1!).toBeGreaterThanOrEqual(evaluation.rules.macroF1! - 0.01);
  });
});
