// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the wink packages ship no types; a service compiling this lib must see them
/// <reference path="./wink.d.ts" />
import { createHash } from 'node:crypto';
import createNaiveBayes from 'wink-naive-bayes-text-classifier';
import { featuresOf, type FeatureSource, type PersonTraits } from './features';
import { buildLexicon, createNormaliser, type Lexicon } from './normalise';
import type { Example } from './training-set';

/** Bumped when features or training change meaning: part of every model version. */
export const algorithmVersion = 'nb1';

/**
 * A trained role classifier, as stored and sent between services: the lexicon its normaliser corrects typos against
 * and the naive Bayes counts (wink's own export). Everything needed to predict, nothing else.
 */
export type RoleClassifier = { lexicon: Lexicon; naiveBayes: string };

/** A role predicted for a person: the confidence and the features that drove it (strongest first). */
export type RolePrediction = {
  role: string;
  confidence: number;
  because: { field: FeatureSource['field']; value: string; weight: number }[];
};

/**
 * Trains the classifier: binarised multinomial naive Bayes (wink-naive-bayes-text-classifier) over the person's
 * features. Binarised because a title says each thing once; smoothing 0.5 so a rare word does not swamp the others.
 * Deterministic: the examples are sorted and naive Bayes has no random start. Null when there is too little to learn
 * from (fewer than two roles, or a vocabulary under ten features — wink's own floor).
 */
export function trainClassifier(examples: readonly Example[]): RoleClassifier | null {
  const lexicon = buildLexicon(examples.map((e) => e.person.jobTitle));
  const normalise = createNormaliser(lexicon);
  const nb = createNaiveBayes();
  nb.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 });
  const vocabulary = new Set<string>();
  for (const example of examples) {
    const features = [...featuresOf(example.person, normalise).keys()];
    if (features.length === 0) continue;
    features.forEach((f) => vocabulary.add(f));
    nb.learn(features, example.role);
  }
  if (new Set(examples.map((e) => e.role)).size < 2 || vocabulary.size < 10) return null;
  nb.consolidate();
  return { lexicon, naiveBayes: nb.exportJSON() };
}

/** A loaded classifier: predicts roles for people. Load once per model; prediction is a few microseconds. */
export type RolePredictor = (person: PersonTraits) => RolePrediction | null;

export function loadPredictor(classifier: RoleClassifier): RolePredictor {
  const nb = createNaiveBayes();
  nb.importJSON(classifier.naiveBayes);
  nb.consolidate();
  const normalise = createNormaliser(classifier.lexicon);
  const samples = nb.stats().labelWiseSamples;
  const total = Object.values(samples).reduce((a, b) => a + b, 0);
  // wink's odds are log2 of (P(features|role)·P(role)) / (P(features|other roles)·P(other roles)); the prior part is
  // taken off to say how much each feature alone moves the odds.
  const priorOdds = (role: string) => Math.log2(samples[role]! / (total - samples[role]!));
  const oddsOf = (features: string[], role: string) =>
    nb.computeOdds(features).find(([label]) => label === role)?.[1] ?? 0;
  return (person) => {
    const features = featuresOf(person, normalise);
    const [best] = nb.computeOdds([...features.keys()]);
    if (!best || best[0] === 'unknown' || !(best[0] in samples)) return null;
    const [role, odds] = best;
    const because = [...features]
      .map(([feature, source]) => ({ ...source, weight: round(oddsOf([feature], role) - priorOdds(role)) }))
      .filter((b) => b.weight > 0)
      .sort((a, b) => b.weight - a.weight || cmp(a.value, b.value))
      .slice(0, 3);
    // One-vs-rest odds in log2 → the probability of the role against all others.
    return { role, confidence: round(1 / (1 + 2 ** -odds)), because };
  };
}

/** A model version: a digest of the algorithm and what it learnt, so equal data gives an equal version everywhere. */
export function versionOf(classifier: RoleClassifier, extra: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([algorithmVersion, classifier.lexicon, classifier.naiveBayes, extra]))
    .digest('hex');
  return `${algorithmVersion}-${digest.slice(0, 12)}`;
}

const round = (value: number): number => Math.round(value * 100) / 100;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
