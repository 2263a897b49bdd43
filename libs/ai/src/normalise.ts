// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the wink packages ship no types; a service compiling this lib must see them
/// <reference path="./wink.d.ts" />
import { distance } from 'fastest-levenshtein';
import stem from 'wink-porter2-stemmer';

/** The same word split as the condition language's `hasWord` (anything not a letter or digit), lower-cased. */
export function wordsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  return text
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Abbreviations found in CRM job titles, spelled out so that "VP" and "Vice President" give the same features. */
export const abbreviations: Readonly<Record<string, string>> = {
  vp: 'vice president',
  svp: 'senior vice president',
  evp: 'executive vice president',
  avp: 'assistant vice president',
  ceo: 'chief executive officer',
  cto: 'chief technology officer',
  cio: 'chief information officer',
  cmo: 'chief marketing officer',
  cfo: 'chief financial officer',
  coo: 'chief operating officer',
  ciso: 'chief information security officer',
  cso: 'chief security officer',
  cro: 'chief revenue officer',
  cdo: 'chief data officer',
  cpo: 'chief product officer',
  sr: 'senior',
  snr: 'senior',
  jr: 'junior',
  mgr: 'manager',
  mngr: 'manager',
  dir: 'director',
  eng: 'engineer',
  engr: 'engineer',
  dev: 'developer',
  swe: 'software engineer',
  sre: 'site reliability engineer',
  it: 'information technology',
  hr: 'human resources',
  ops: 'operations',
  mktg: 'marketing',
  mkt: 'marketing',
  admin: 'administrator',
  sysadmin: 'systems administrator',
  qa: 'quality assurance',
  assoc: 'associate',
  asst: 'assistant',
  exec: 'executive',
  tech: 'technology',
  infra: 'infrastructure',
  sec: 'security',
  purch: 'purchasing',
  proc: 'procurement',
};

/** Words every title vocabulary knows, so that a typo is corrected even before the CRM's own data teaches them. */
const commonTitleWords = [
  ...new Set(Object.values(abbreviations).flatMap((expansion) => expansion.split(' '))),
  'head',
  'lead',
  'principal',
  'staff',
  'architect',
  'analyst',
  'specialist',
  'consultant',
  'coordinator',
  'sales',
  'finance',
  'legal',
  'counsel',
  'compliance',
  'product',
  'platform',
  'cloud',
  'network',
  'support',
  'customer',
  'success',
  'business',
  'development',
  'global',
  'regional',
  'president',
  'founder',
  'owner',
  'partner',
  'general',
];

/**
 * The known words of a title vocabulary with their frequency: what a misspelt word is corrected to. Built from the
 * training titles (a word seen at least `minCount` times) and the common title words above.
 */
export type Lexicon = Readonly<Record<string, number>>;

export function buildLexicon(titles: readonly (string | null | undefined)[], minCount = 3): Lexicon {
  const counts = new Map<string, number>();
  for (const title of titles)
    for (const word of expandAll(wordsOf(title))) counts.set(word, (counts.get(word) ?? 0) + 1);
  const lexicon: Record<string, number> = {};
  for (const word of commonTitleWords) lexicon[word] = counts.get(word) ?? 0;
  for (const [word, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (count >= minCount && isWord(word)) lexicon[word] = count;
  return lexicon;
}

const isWord = (word: string): boolean => /\p{L}/u.test(word);
const expandAll = (words: string[]): string[] => words.flatMap((word) => (abbreviations[word] ?? word).split(' '));

/**
 * A misspelt word corrected to the nearest known word: one edit for words of 5–7 letters, two from 8 on (shorter
 * words are too easily another word). Ties go to the more frequent word, then the first alphabetically.
 */
export function correctTypo(word: string, lexicon: Lexicon): string {
  if (word in lexicon || word.length < 5 || !isWord(word)) return word;
  const allowed = word.length >= 8 ? 2 : 1;
  let best: { word: string; edits: number; count: number } | null = null;
  for (const [known, count] of Object.entries(lexicon)) {
    if (Math.abs(known.length - word.length) > allowed) continue;
    const edits = distance(word, known);
    if (edits > allowed) continue;
    if (
      best === null ||
      edits < best.edits ||
      (edits === best.edits && (count > best.count || (count === best.count && known < best.word)))
    )
      best = { word: known, edits, count };
  }
  return best?.word ?? word;
}

/**
 * What one title word means, as stems: abbreviations spelt out, typos corrected, words stemmed (Porter2), so that
 * "Mgr", "Manager" and "Managr" are all `manag`, and "CMO" is `chief market offic`.
 */
export function conceptOf(word: string, lexicon: Lexicon): string[] {
  return (abbreviations[word] ?? word).split(' ').map((part) => stem(correctTypo(part, lexicon)));
}

/** A normaliser that remembers the words it has seen (titles repeat a lot). */
export function createNormaliser(lexicon: Lexicon): (word: string) => string[] {
  const memo = new Map<string, string[]>();
  return (word) => {
    let concept = memo.get(word);
    if (concept === undefined) {
      concept = conceptOf(word, lexicon);
      memo.set(word, concept);
    }
    return concept;
  };
}
