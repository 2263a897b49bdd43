import { wordsOf } from './normalise';

/** The person fields the model learns from (CONTRACT.md §4 names). */
export type PersonTraits = { jobTitle?: string | null; department?: string | null; seniority?: string | null };

/** A feature and where it came from: what a suggestion's `because` shows. */
export type FeatureSource = { field: 'jobTitle' | 'department' | 'seniority'; value: string };

/**
 * The features of a person: title words (`w:`) and consecutive word pairs (`p:`), both normalised; the department's
 * words (`d:`); the seniority (`s:`). Returns each feature once, with the text it came from.
 */
export function featuresOf(person: PersonTraits, normalise: (word: string) => string[]): Map<string, FeatureSource> {
  const features = new Map<string, FeatureSource>();
  const add = (feature: string, source: FeatureSource) => {
    if (!features.has(feature)) features.set(feature, source);
  };
  const title = wordsOf(person.jobTitle).flatMap((word) => normalise(word).map((concept) => ({ word, concept })));
  title.forEach(({ word, concept }, index) => {
    add(`w:${concept}`, { field: 'jobTitle', value: word });
    const next = title[index + 1];
    if (next && next.concept !== concept)
      add(`p:${concept}_${next.concept}`, {
        field: 'jobTitle',
        value: next.word === word ? word : `${word} ${next.word}`,
      });
  });
  for (const word of wordsOf(person.department))
    for (const concept of normalise(word)) add(`d:${concept}`, { field: 'department', value: person.department! });
  const seniority = wordsOf(person.seniority).join(' ');
  if (seniority) add(`s:${seniority}`, { field: 'seniority', value: person.seniority! });
  return features;
}
