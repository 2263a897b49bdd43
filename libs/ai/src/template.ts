import type { ConditionNode, ConditionPredicate, RoleSlot } from '@bg/contracts';
import { evaluateCondition, personSubject } from '@bg/rules';
import { abbreviations, createNormaliser, type Lexicon } from './normalise';
import type { Example } from './training-set';

export type PredicateJustification = ConditionPredicate & { confidence: number };

/** One generated slot and why (CONTRACT.md §8); `precision`/`recall` are filled in on held-out deals by the caller. */
export type GeneratedSlot = {
  slot: RoleSlot;
  justification: { role: string; wonDeals: number; support: number; predicates: PredicateJustification[] };
};

export type GenerateOptions = { minSupport: number; lexicon: Lexicon };

const maxKeywords = 8;
const maxSpellingsPerKeyword = 5;
/** Spellings considered per concept before keeping those that speak for the role. */
const maxSpellingsSeen = 12;
/** A refinement must lift F1 by this much to be worth a person's reading. */
const minGain = 0.01;

type Row = { example: Example; words: Set<string> };
type Stats = { tp: number; fp: number; fn: number };

/**
 * An ordered, weighted template learnt from won deals, in the condition language, readable by a person: per role a
 * short list of title keywords (`hasAnyWord`, each keyword with the spellings the CRM uses — "VP", "Vice"), narrowed
 * by seniority or department, or widened by a seniority, only where that lifts F1 on the training deals.
 *
 * Sequential covering in slot order: roles by the number of won deals they appear in; each role's rule is learnt on
 * the people the earlier slots leave, since a person takes the first slot they match. A role with fewer than
 * `minSupport` people, or no keyword that says it, gets no slot.
 */
export function generateSlots(
  train: readonly Example[],
  all: readonly Example[],
  options: GenerateOptions,
): GeneratedSlot[] {
  const normaliser = createNormaliser(options.lexicon);
  // In a rule an abbreviation is a keyword of its own: "CTO" says Decision Maker where "Officer" does not.
  const normalise = (word: string) => (word in abbreviations ? [`=${word}`] : normaliser(word));
  const spellings = spellingsByConcept(train, normalise);
  const deals = dealsPerRole(all);
  const totalDeals = new Set(all.map((e) => e.opportunityId)).size;
  const roles = [...deals.keys()].sort((a, b) => deals.get(b)! - deals.get(a)! || cmp(a, b));
  const everyone: Row[] = train.map((example) => ({ example, words: new Set(wordsOfTitle(example.person.jobTitle)) }));
  let remaining = everyone;
  const slots: GeneratedSlot[] = [];
  for (const role of roles) {
    if (remaining.filter((r) => r.example.role === role).length < options.minSupport) continue;
    const learnt = learnRole(role, remaining, everyone, spellings, normalise, options.minSupport);
    if (!learnt) continue;
    const share = deals.get(role)! / Math.max(1, totalDeals);
    const covered = remaining.filter((r) => holds(learnt.condition, r));
    const support = covered.filter((r) => r.example.role === role).length;
    remaining = remaining.filter((r) => !holds(learnt.condition, r));
    slots.push({
      slot: {
        role,
        weight: weightOf(share),
        required: share >= 0.5,
        minMembers: 1,
        conditions: learnt.condition,
      },
      justification: { role, wonDeals: deals.get(role)!, support, predicates: learnt.predicates },
    });
  }
  return slots;
}

/** The first slot whose conditions the person matches, as the rule engine places them; null when none. */
export function placeBySlots(slots: readonly Pick<RoleSlot, 'role' | 'conditions'>[], example: Example): string | null {
  const subject = personSubject(example.person, null);
  return slots.find((slot) => evaluateCondition(slot.conditions, subject).matched)?.role ?? null;
}

function learnRole(
  role: string,
  rows: Row[],
  everyone: Row[],
  spellings: Map<string, string[]>,
  normalise: (word: string) => string[],
  minSupport: number,
): { condition: ConditionNode; predicates: PredicateJustification[] } | null {
  const positive = (r: Row) => r.example.role === role;
  // F0.5: precision weighs more than recall. A person a rule places wrongly takes a later slot's place, while one it
  // misses is left to the later slots and to the model's suggestions.
  const f1 = (s: Stats) => (s.tp === 0 ? 0 : (1.25 * s.tp) / (1.25 * s.tp + 0.25 * s.fn + s.fp));
  const statsOf = (match: (r: Row) => boolean): Stats => {
    const s = { tp: 0, fp: 0, fn: 0 };
    for (const r of rows) {
      const m = match(r);
      if (m && positive(r)) s.tp += 1;
      else if (m) s.fp += 1;
      else if (positive(r)) s.fn += 1;
    }
    return s;
  };
  const hasAny = (words: readonly string[]) => (r: Row) => words.some((w) => r.words.has(w.toLowerCase()));

  // Candidate keywords: concepts of this role's titles, alone precise and frequent enough among the people left, and
  // not mostly another role's word among everyone (so "Chief" does not say Executive Sponsor once Decision Makers
  // are placed: a person reading the rule would be misled).
  const precision = (s: Stats) => s.tp / Math.max(1, s.tp + s.fp);
  const overall = (words: string[]) => {
    const s = { tp: 0, fp: 0, fn: 0 };
    for (const r of everyone) if (hasAny(words)(r)) s[positive(r) ? 'tp' : 'fp'] += 1;
    return s;
  };
  const concepts = new Set(rows.filter(positive).flatMap((r) => [...r.words].flatMap((w) => normalise(w))));
  // A concept's spellings that speak for this role ("CTO" and "CIO" for a Decision Maker, not "CEO", though all three
  // are a "chief"), most used first.
  const relevant = (words: string[]) =>
    words
      .map((w) => ({ w, s: statsOf(hasAny([w])) }))
      .filter(({ s }) => s.tp > 0 && precision(s) >= 0.7)
      .sort((a, b) => b.s.tp - a.s.tp || cmp(a.w, b.w))
      .slice(0, maxSpellingsPerKeyword)
      .map(({ w }) => w);
  const candidates = [...concepts]
    .filter((c) => spellings.has(c))
    .map((c) => ({ concept: c, words: relevant(spellings.get(c)!) }))
    .filter((c) => c.words.length > 0)
    .map((c) => ({ ...c, stats: statsOf(hasAny(c.words)) }))
    .filter((c) => c.stats.tp >= minSupport && precision(c.stats) >= 0.6 && precision(overall(c.words)) >= 0.4)
    .sort((a, b) => b.stats.tp - a.stats.tp || cmp(a.concept, b.concept));
  let keywords: string[] = [];
  let best = 0;
  for (let picked = 0; picked < maxKeywords; picked += 1) {
    let pick: { words: string[]; score: number } | null = null;
    for (const candidate of candidates) {
      const words = unique([...keywords, ...candidate.words]);
      if (words.length === keywords.length) continue;
      const score = f1(statsOf(hasAny(words)));
      if (score > best + minGain && (pick === null || score > pick.score)) pick = { words, score };
    }
    if (pick === null) break;
    keywords = pick.words;
    best = pick.score;
  }
  if (keywords.length === 0) return null;
  const title: ConditionPredicate = { field: 'jobTitle', op: 'hasAnyWord', value: keywords };
  let match = hasAny(keywords);
  let condition: ConditionNode = title;
  const parts: ConditionPredicate[] = [title];

  // Narrow by seniority or department where the keywords also catch other roles' people.
  for (const field of ['seniority', 'department'] as const) {
    const matched = rows.filter(match);
    const values = groupBy(matched, (r) => r.example.person[field] ?? '');
    const keep = [...values]
      .filter(([value, group]) => value !== '' && group.filter(positive).length / group.length >= 0.5)
      .map(([value]) => value)
      .sort(cmp);
    if (keep.length === 0 || keep.length === values.size) continue;
    const before = match;
    const narrowed = (r: Row) => before(r) && keep.some((v) => eqText(v, r.example.person[field]));
    const score = f1(statsOf(narrowed));
    if (score > best + minGain) {
      const predicate: ConditionPredicate = { field, op: 'in', value: keep };
      parts.push(predicate);
      condition = { all: [...(('all' in condition ? condition.all : [condition]) as ConditionNode[]), predicate] };
      match = narrowed;
      best = score;
    }
  }
  // Widen by a seniority that alone says the role for the people the keywords miss.
  const missed = rows.filter((r) => !match(r));
  const widenBy = [...groupBy(missed, (r) => r.example.person.seniority ?? '')]
    .filter(([value, group]) => value !== '' && group.filter(positive).length >= minSupport)
    .filter(([, group]) => group.filter(positive).length / group.length >= 0.6)
    .map(([value]) => value)
    .sort(cmp);
  if (widenBy.length > 0 && !parts.some((p) => p.field === 'seniority')) {
    const before = match;
    const widened = (r: Row) => before(r) || widenBy.some((v) => eqText(v, r.example.person.seniority));
    const score = f1(statsOf(widened));
    if (score > best + minGain) {
      const predicate: ConditionPredicate = { field: 'seniority', op: 'in', value: widenBy };
      parts.push(predicate);
      condition = { any: [condition, predicate] };
      match = widened;
      best = score;
    }
  }
  const predicates = parts.map((predicate) => {
    const s = statsOf((r) => holds(predicate, r));
    // Laplace-smoothed precision of the predicate alone among the people this slot judges.
    return { ...predicate, confidence: Math.round(((s.tp + 1) / (s.tp + s.fp + 2)) * 100) / 100 };
  });
  return { condition, predicates };
}

/**
 * For each concept, the title words the CRM spells it with (at least twice), most used first, in their most used
 * casing: the values of a `hasAnyWord` a person can read and that the rule engine matches as written.
 */
function spellingsByConcept(
  examples: readonly Example[],
  normalise: (word: string) => string[],
): Map<string, string[]> {
  const casing = new Map<string, Map<string, number>>();
  for (const e of examples)
    for (const raw of rawWords(e.person.jobTitle)) {
      const forms = casing.get(raw.toLowerCase()) ?? new Map<string, number>();
      forms.set(raw, (forms.get(raw) ?? 0) + 1);
      casing.set(raw.toLowerCase(), forms);
    }
  const byConcept = new Map<string, { word: string; count: number }[]>();
  for (const [word, forms] of casing) {
    const count = [...forms.values()].reduce((a, b) => a + b, 0);
    if (count < 2 || !/\p{L}/u.test(word) || stopWords.has(word)) continue;
    const shown = [...forms].sort(([a, x], [b, y]) => y - x || cmp(a, b))[0]![0];
    for (const concept of new Set(normalise(word))) {
      const list = byConcept.get(concept) ?? [];
      list.push({ word: shown, count });
      byConcept.set(concept, list);
    }
  }
  // Rare spellings (typos, mostly) are left to the model's suggestions: a rule lists what people write.
  return new Map(
    [...byConcept].map(([concept, list]) => {
      const sorted = list.sort((a, b) => b.count - a.count || cmp(a.word, b.word));
      const floor = sorted[0]!.count * 0.05;
      return [
        concept,
        sorted
          .filter((s) => s.count >= floor)
          .slice(0, maxSpellingsSeen)
          .map((s) => s.word),
      ];
    }),
  );
}

function dealsPerRole(examples: readonly Example[]): Map<string, number> {
  const deals = new Map<string, Set<string>>();
  for (const e of examples) deals.set(e.role, (deals.get(e.role) ?? new Set()).add(e.opportunityId));
  return new Map([...deals].map(([role, ids]) => [role, ids.size]));
}

/** Slot weight by the share of won deals the role appears in (Trivial 20 … Vital 100). */
function weightOf(share: number): 20 | 40 | 60 | 80 | 100 {
  if (share >= 0.8) return 100;
  if (share >= 0.6) return 80;
  if (share >= 0.4) return 60;
  if (share >= 0.2) return 40;
  return 20;
}

const holds = (node: ConditionNode, row: Row): boolean =>
  evaluateCondition(node, personSubject(row.example.person, null)).matched;
/** Words that say nothing about a role. */
const stopWords = new Set(['of', 'and', 'the', 'for', 'in', 'at', 'to', 'a', 'an', 'de']);
const rawWords = (text: string | null | undefined): string[] =>
  text
    ? text
        .normalize('NFC')
        .trim()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean)
    : [];
const wordsOfTitle = (text: string | null | undefined): string[] => rawWords(text).map((w) => w.toLowerCase());
const eqText = (a: string, b: string | null | undefined): boolean =>
  b != null && a.trim().toLowerCase() === b.trim().toLowerCase();
const unique = (words: string[]): string[] => [...new Map(words.map((w) => [w.toLowerCase(), w])).values()];
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}
