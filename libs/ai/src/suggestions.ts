import type { AiSuggestion, Subject } from '@bg/rules';
import type { RolePredictor } from './classifier';

/**
 * The suggester a group uses (CONTRACT.md §8 `aiSuggestions`): the model's role for a person when it reaches
 * `minConfidence`, with the model version and the features that drove it. The rule engine asks it only for people no
 * rule places, and places them only in a slot of that role.
 */
export function suggesterFor(
  predictor: RolePredictor,
  model: string,
  minConfidence: number,
): (subject: Subject) => AiSuggestion | null {
  return (subject) => {
    const prediction = predictor({
      jobTitle: text(subject.jobTitle),
      department: text(subject.department),
      seniority: text(subject.seniority),
    });
    if (!prediction || prediction.confidence < minConfidence) return null;
    return { role: prediction.role, confidence: prediction.confidence, model, because: prediction.because };
  };
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
