/**
 * `npm run ai:eval`: how well roles learnt from won deals place people, on a synthetic CRM with ground truth, next to
 * the hand-written demo template. Prints the generated template and a per-role precision / recall / F1 table.
 */
import { evaluateAi, evaluationTable } from './src/ai-evaluation';

const evaluation = evaluateAi({ seed: 13, accounts: 800, minSupport: 5, minConfidence: 0.7 });
console.log(
  `Synthetic CRM, won deals split by account: train ${evaluation.train.opportunities} deals / ${evaluation.train.people} contact roles, ` +
    `test ${evaluation.test.opportunities} deals / ${evaluation.test.people} people (judged against their true roles).`,
);
console.log(`Training and template generation: ${evaluation.millis.training} ms.\n`);
console.log('Generated template:');
for (const [index, slot] of evaluation.slots.entries())
  console.log(
    `  ${index}. ${slot.role} (weight ${slot.weight}${slot.required ? ', required' : ''}): ${JSON.stringify(slot.conditions)}`,
  );
console.log(`\n${evaluationTable(evaluation)}`);
console.log(`\n(b) suggested ${evaluation.suggestions.suggested} people the rules left out (confidence ≥ 0.7).`);
