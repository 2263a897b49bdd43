// Type declarations of the two wink packages used here (they ship none).
declare module 'wink-naive-bayes-text-classifier' {
  interface NaiveBayesTextClassifier {
    defineConfig(config: { considerOnlyPresence?: boolean; smoothingFactor?: number }): boolean;
    learn(tokens: string[], label: string): boolean;
    consolidate(): boolean;
    /** `[label, log2 odds]` pairs, best first; `[['unknown', 0]]` when no token is known. */
    computeOdds(tokens: string[]): [string, number][];
    stats(): { labelWiseSamples: Record<string, number>; labelWiseWords: Record<string, number>; vocabulary: number };
    exportJSON(): string;
    importJSON(json: string): boolean;
  }
  const create: () => NaiveBayesTextClassifier;
  export default create;
}

declare module 'wink-porter2-stemmer' {
  const stem: (word: string) => string;
  export default stem;
}
