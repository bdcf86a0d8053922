/**
 * Suggests a report category from a citizen's free-text description ("井盖不见了，很危险" →
 * manhole-cover-missing), or honestly nothing.
 *
 * How a category is scored, so that every suggestion can be explained by what matched:
 * - the text is segmented (jieba with the municipal vocabulary for Chinese; lower-cased words
 *   with plurals folded for English) and split into sentences;
 * - each category has keywords, objects and problems (vocabulary.ts), and its own names as
 *   keywords; its *words* are the words of its keywords and objects;
 * - every piece of evidence weighs its inverse category frequency, BM25's
 *   idf = ln(1 + (N − n + 0.5) / (n + 0.5)) with N categories of which n share it: a word only one
 *   category uses (窨井盖) says much, one that many use (坏) says little;
 * - a whole keyword found on word boundaries (灯不亮 does not match inside 红绿灯不亮), and an
 *   object with a problem in the same sentence (井盖 … 被人撬走了), count {@link PHRASE_WEIGHT}
 *   times their idf: a phrase that names the problem is stronger than words scattered about.
 *   A problem belongs to the nearest object it can describe (人行道上的井盖松动了: the cover's);
 * - an object alone (公园, 厨房) and a single word count their idf once, a single Han character
 *   half of it: they are hints, never enough to be confident;
 * - repeats saturate as in BM25 (k1 = 1.2), so pasting a word a thousand times cannot buy a category;
 * - words after a denial in the same clause (不是井盖的问题，是路灯坏了) count for nothing.
 */
import { loadSegmenter } from '../../platform/search/index.ts';
import type { Clock } from '../../platform/time/clock.ts';
import type { CategoryGroup } from './repository.ts';
import {
  CATEGORY_VOCABULARY,
  type CategoryVocabulary,
  MUNICIPAL_WORDS,
  NEGATION_CUES,
  NEGATION_ENDS,
  STOP_WORDS,
} from './vocabulary.ts';

/** A category the suggester can propose. */
export interface SuggestableCategory {
  code: string;
  nameZh: string;
  nameEn: string;
}

/** One proposed category. */
export interface CategorySuggestion {
  code: string;
  /** The weight of the evidence found for it: the sum described at the top of suggest.ts. */
  score: number;
  /** Its share of all the evidence found, with a pseudo-share for "none of these", in 0..1. */
  confidence: number;
  /** The keywords and words of the text that count for it. */
  matched: string[];
}

/** What the suggester makes of one description. */
export interface SuggestionResult {
  /** At most three, best first; empty when nothing in the text points at any category. */
  suggestions: CategorySuggestion[];
  /** Whether the first suggestion can be preselected: see {@link CategorySuggester.suggest}. */
  confident: boolean;
  /** Every keyword or word of the text that points at some category. */
  matched: string[];
}

/** Splits Chinese text into words; the concatenated words are the text again. */
export interface Segmenter {
  cut(text: string): string[];
}

/** A whole keyword counts this many times its idf, on top of its separate words. */
export const PHRASE_WEIGHT = 2;

/**
 * The leader must have at least this many times the runner-up's evidence to be confident. The
 * scores are sums of idf weights, so 1.5 means the leader has half as much evidence again as the
 * runner-up: a keyword or an object-with-problem of its own, not just the words both share
 * (井盖 alone is both manhole categories; 井盖 + 不见了 is one). A ratio, unlike a difference,
 * does not grow stricter for long descriptions that match much. Measured on suggest.cases.ts:
 * below 1.5 the wrong confident answers rise (5 at 1.0, 4 at 1.25, 2 at 1.5), above it they stay
 * at 2 while fewer answers are confident (436 at 1.5, 425 at 2, 407 at 3).
 */
export const CONFIDENT_MARGIN = 1.5;

/** How many suggestions are returned at most. */
export const MAX_SUGGESTIONS = 3;

/** Longer texts are cut here: the evidence is in the first lines, and the work stays bounded. */
export const MAX_TEXT_CHARS = 20_000;

/** BM25's term-frequency saturation. */
const K1 = 1.2;

/**
 * Frequency given to the municipal words in jieba's dictionary: about that of common words, so
 * 路灯 | 不亮 beats 路 | 灯不亮, yet low enough not to tear ordinary words apart around them.
 */
const WORD_FREQUENCY = 2000;

/**
 * jieba with its bundled dictionary plus the municipal words (platform/search's loader), shared
 * by every suggester. Made on first use, not at boot: reading and indexing the dictionary takes
 * a few hundred milliseconds.
 */
export function municipalSegmenter(): Promise<Segmenter> {
  return loadSegmenter({ words: MUNICIPAL_WORDS, frequency: WORD_FREQUENCY });
}

/** The leaves of a category tree, in display order. */
export function categoriesOf(groups: readonly CategoryGroup[]): SuggestableCategory[] {
  return groups.flatMap((g) => g.categories.map((c) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn })));
}

type TokenKind = 'zh' | 'en' | 'space' | 'break';

interface Token {
  /** Normalised text; English words with their plural folded. */
  text: string;
  kind: TokenKind;
  start: number;
  end: number;
  /** Index of the sentence it is in (split at 。！？；.!?; and new lines). */
  sentence: number;
  negated: boolean;
}

interface Analysis {
  text: string;
  tokens: Token[];
  /** The tokens that are not white space, in order: English terms match as runs of these. */
  words: Token[];
  /** boundary[i]: a token starts or ends at character i. */
  boundary: Uint8Array;
  /** negated[i]: character i is in a denied stretch. */
  negated: Uint8Array;
  /** sentence[i]: the sentence character i is in. */
  sentence: Uint32Array;
  /** Positions in `words` of each English word, filled on demand. */
  positions: Map<string, number[]> | null;
}

/** Lower case, full-width to half-width and the like (ｐｏｔｈｏｌｅ, ＫＴＶ). */
function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Folds English plurals (streetlights → streetlight, buses → bus, flies → fly). */
export function stem(word: string): string {
  const w = word.replace(/['’]s$/, '');
  if (w.length <= 3 || /(?:ss|us|is)$/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (/(?:ches|shes|sses|xes|zes|uses)$/.test(w)) return w.slice(0, -2);
  return w.endsWith('s') ? w.slice(0, -1) : w;
}

const PIECES = /(\p{Script=Han}+)|([\p{Script=Latin}\p{N}]+(?:['’-][\p{Script=Latin}\p{N}]+)*)|(\s+)|(.)/gsu;
const SENTENCE_END = /^[。！？；!?;.\n…]$/u;

function analyse(raw: string, segmenter: Segmenter): Analysis {
  const text = normalise(raw.slice(0, MAX_TEXT_CHARS));
  const tokens: Token[] = [];
  let sentence = 0;
  const push = (t: string, kind: TokenKind, start: number, end = start + t.length) => {
    tokens.push({ text: t, kind, start, end, sentence, negated: false });
  };
  for (const m of text.matchAll(PIECES)) {
    const at = m.index;
    if (m[1]) {
      const words = segmenter.cut(m[1]);
      // A segmenter whose words do not add up to the text would shift every offset: fall back to characters.
      const parts = words.join('') === m[1] ? words : [...m[1]];
      let offset = at;
      for (const word of parts) {
        push(word, 'zh', offset);
        offset += word.length;
      }
    } else if (m[2]) push(stem(m[2].replaceAll('’', "'")), 'en', at, at + m[2].length);
    else if (m[3]) {
      push(m[3], 'space', at);
      if (m[3].includes('\n')) sentence++;
    } else {
      push(m[0], 'break', at);
      if (SENTENCE_END.test(m[0])) sentence++;
    }
  }

  const boundary = new Uint8Array(text.length + 1);
  const negated = new Uint8Array(text.length + 1);
  const sentenceOf = new Uint32Array(text.length + 1);
  let denying = false;
  for (const token of tokens) {
    boundary[token.start] = 1;
    boundary[token.end] = 1;
    sentenceOf.fill(token.sentence, token.start, token.end);
    if (token.kind === 'break' || NEGATION_ENDS.has(token.text)) denying = false;
    else if (denying && token.kind !== 'space') {
      token.negated = true;
      negated.fill(1, token.start, token.end);
    }
    if (NEGATION_CUES.has(token.text)) denying = true;
  }
  const words = tokens.filter((t) => t.kind !== 'space');
  return { text, tokens, words, boundary, negated, sentence: sentenceOf, positions: null };
}

/** A vocabulary term prepared for matching: Han text on word boundaries, or a run of English words. */
type Term = { kind: 'zh'; text: string } | { kind: 'en'; words: string[] };

/** Where a term was found: character spans and their sentences. */
interface Span {
  start: number;
  end: number;
  sentence: number;
}

function compile(term: string, segmenter: Segmenter): { term: Term; tokens: Token[] } | null {
  const a = analyse(term, segmenter);
  const text = a.text.trim();
  if (text === '') return null;
  if (/\p{Script=Han}/u.test(text)) return { term: { kind: 'zh', text }, tokens: a.tokens };
  const words = a.words.filter((t) => t.kind === 'en').map((t) => t.text);
  return words.length > 0 && words.length === a.words.length ? { term: { kind: 'en', words }, tokens: a.tokens } : null;
}

/**
 * How a Chinese term may sit in the segmented text. Whole: on word boundaries at both ends.
 * Head: it may end inside a word, because Chinese adds complements after a verb (碎 → 碎成,
 * 塌 → 塌下去, 裂 → 裂开). Tail: it may start inside a word, because a compound noun ends with its
 * head (栏杆 → 铁栏杆, 工地 → 建筑工地). English terms always match whole words.
 */
type Fit = 'whole' | 'head' | 'tail';

/** Every place `term` occurs in the text, fitting as `fit` says, outside denied stretches. */
function find(term: Term, a: Analysis, fit: Fit = 'whole'): Span[] {
  const spans: Span[] = [];
  if (term.kind === 'zh') {
    const { text } = term;
    for (let at = a.text.indexOf(text); at !== -1; at = a.text.indexOf(text, at + 1)) {
      const end = at + text.length;
      if ((a.boundary[at] || fit === 'tail') && (a.boundary[end] || fit === 'head') && !a.negated[at]) {
        spans.push({ start: at, end: at + text.length, sentence: a.sentence[at] ?? 0 });
      }
    }
    return spans;
  }
  if (!a.positions) {
    const positions = new Map<string, number[]>();
    a.words.forEach((t, i) => {
      if (t.kind !== 'en' || t.negated) return;
      const list = positions.get(t.text);
      if (list) list.push(i);
      else positions.set(t.text, [i]);
    });
    a.positions = positions;
  }
  const [first, ...rest] = term.words;
  for (const i of a.positions.get(first ?? '') ?? []) {
    const last = a.words[i + rest.length];
    const run = rest.every((w, j) => {
      const t = a.words[i + 1 + j];
      return t !== undefined && t.kind === 'en' && !t.negated && t.text === w;
    });
    if (run && last) spans.push({ start: a.words[i]?.start ?? 0, end: last.end, sentence: last.sentence });
  }
  return spans;
}

/** Whether a token can be evidence on its own: a word with a letter or a Han character, and not a particle. */
function isContentWord(token: Token): boolean {
  return (token.kind === 'zh' || token.kind === 'en') && /\p{L}/u.test(token.text) && !STOP_WORDS.has(token.text);
}

/** BM25's idf of a feature used by `n` of `total` categories. */
function idf(n: number, total: number): number {
  return Math.log(1 + (total - n + 0.5) / (n + 0.5));
}

const saturate = (tf: number) => (tf * (K1 + 1)) / (tf + K1);

/** A single Han character is a fragment of some word more often than a word: half the weight. */
const wordWeight = (word: string) => (/^\p{Script=Han}$/u.test(word) ? 0.5 : 1);

/** One piece of evidence found in a text. */
interface Feature {
  /** What the text contained, for explanations. */
  label: string;
  /** A whole keyword, or an object with its problem: what `confident` requires. */
  strong: boolean;
  weight: number;
  categories: readonly number[];
}

/** A vocabulary term with the categories that use it. */
interface Entry {
  term: Term;
  categories: Set<number>;
}

/**
 * Suggests categories for descriptions, for one city's category list. Build one with
 * {@link CategorySuggester.build}; {@link SuggesterCache} keeps one per city.
 */
export class CategorySuggester {
  readonly #categories: readonly SuggestableCategory[];
  readonly #segmenter: Segmenter;
  readonly #keywords = new Map<string, Entry>();
  readonly #objects = new Map<string, Entry>();
  readonly #problems = new Map<string, Entry>();
  readonly #words = new Map<string, Set<number>>();
  /** The weight of a word only one category uses: the pseudo-evidence for "none of these". */
  readonly #prior: number;

  /** Indexes `categories` with their keywords from `vocabulary` (see the top of suggest.ts). */
  constructor(
    categories: readonly SuggestableCategory[],
    segmenter: Segmenter,
    vocabulary: Readonly<Record<string, CategoryVocabulary>> = CATEGORY_VOCABULARY,
  ) {
    this.#categories = categories;
    this.#segmenter = segmenter;
    const add = (map: Map<string, Entry>, raw: string, index: number, words: boolean) => {
      const compiled = compile(raw, segmenter);
      if (!compiled) return;
      const key = compiled.term.kind === 'zh' ? compiled.term.text : compiled.term.words.join(' ');
      // One Han character names too little to be a keyword by itself (it still is an object or a problem).
      if (map === this.#keywords && [...key].length < 2) return;
      const entry = map.get(key) ?? { term: compiled.term, categories: new Set<number>() };
      entry.categories.add(index);
      map.set(key, entry);
      if (!words) return;
      for (const t of compiled.tokens) {
        if (!isContentWord(t)) continue;
        const set = this.#words.get(t.text) ?? new Set<number>();
        set.add(index);
        this.#words.set(t.text, set);
      }
    };
    categories.forEach((category, index) => {
      const own = vocabulary[category.code];
      for (const k of [category.nameZh, category.nameEn, ...(own?.keywords ?? [])]) add(this.#keywords, k, index, true);
      for (const o of own?.objects ?? []) add(this.#objects, o, index, true);
      for (const p of own?.problems ?? []) add(this.#problems, p, index, false);
    });
    this.#prior = idf(1, Math.max(categories.length, 1));
  }

  /** A suggester for `categories` with the shared municipal segmenter (loaded on first use). */
  static async build(
    categories: readonly SuggestableCategory[],
    vocabulary: Readonly<Record<string, CategoryVocabulary>> = CATEGORY_VOCABULARY,
  ): Promise<CategorySuggester> {
    return new CategorySuggester(categories, await municipalSegmenter(), vocabulary);
  }

  /** How many categories it chooses from. */
  get size(): number {
    return this.#categories.length;
  }

  /** The category with `code` among those it chooses from (for its names). */
  category(code: string): SuggestableCategory | undefined {
    return this.#categories.find((c) => c.code === code);
  }

  /** The words the text is read as (for tests and explanations). */
  segment(text: string): string[] {
    return analyse(text, this.#segmenter)
      .words.filter((t) => t.kind === 'zh' || t.kind === 'en')
      .map((t) => t.text);
  }

  /**
   * The categories the text points at, best first, and whether the first is a confident choice.
   *
   * A category is suggested only with real evidence: a keyword of it, one of its objects with one
   * of its problems, or at least two of its words (a lone 公园 is no report about a park).
   * Nothing found → no suggestion at all, never a guess. `confident` needs a keyword or an
   * object-with-problem of the leader's and the {@link CONFIDENT_MARGIN} over the runner-up.
   */
  suggest(text: string): SuggestionResult {
    const analysis = analyse(text, this.#segmenter);
    const n = this.#categories.length;
    const scores = new Float64Array(n);
    const strong = new Uint8Array(n);
    const matched: Set<string>[] = Array.from({ length: n }, () => new Set());
    for (const f of this.#evidence(analysis)) {
      for (const c of f.categories) {
        scores[c] = (scores[c] ?? 0) + f.weight;
        matched[c]?.add(f.label);
        if (f.strong) strong[c] = 1;
      }
    }
    // An object and the same word found as a word are one piece of evidence, not two.
    const candidates = [...scores.keys()]
      .filter((c) => strong[c] === 1 || (matched[c]?.size ?? 0) >= 2)
      .sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
    if (candidates.length === 0) return { suggestions: [], confident: false, matched: [] };

    const total = candidates.reduce((sum, c) => sum + (scores[c] ?? 0), 0) + this.#prior;
    const suggestions = candidates.slice(0, MAX_SUGGESTIONS).map((c) => ({
      code: this.#categories[c]?.code ?? '',
      score: round(scores[c] ?? 0),
      confidence: round((scores[c] ?? 0) / total),
      matched: [...(matched[c] ?? [])],
    }));
    const [first, second] = candidates;
    const confident =
      first !== undefined &&
      strong[first] === 1 &&
      (second === undefined || (scores[first] ?? 0) >= CONFIDENT_MARGIN * (scores[second] ?? 0));
    return {
      suggestions,
      confident,
      matched: [...new Set(candidates.flatMap((c) => [...(matched[c] ?? [])]))],
    };
  }

  /** Every piece of evidence in the text: keywords, objects, objects with problems, words. */
  *#evidence(a: Analysis): Generator<Feature> {
    const n = this.#categories.length;
    for (const [key, entry] of this.#keywords) {
      const spans = find(entry.term, a);
      if (spans.length > 0) yield this.#feature(key, true, PHRASE_WEIGHT, spans.length, entry.categories);
    }
    // Objects match longest first: "light" inside "traffic light" is not a streetlight.
    const found = new Map<number, { key: string; entry: Entry; span: Span }[]>();
    for (const [key, entry] of this.#objects) {
      // A single character as the tail of a word would be found everywhere (灯 in 红绿灯): whole words only.
      const fit = entry.term.kind === 'zh' && [...entry.term.text].length > 1 ? 'tail' : 'whole';
      for (const span of find(entry.term, a, fit)) {
        const list = found.get(span.sentence);
        if (list) list.push({ key, entry, span });
        else found.set(span.sentence, [{ key, entry, span }]);
      }
    }
    const bySentence = new Map<number, { key: string; entry: Entry; span: Span }[]>();
    for (const [sentence, list] of found) {
      const longest = list.filter(
        (o) =>
          !list.some(
            (other) =>
              other.span.start <= o.span.start &&
              other.span.end >= o.span.end &&
              other.span.end - other.span.start > o.span.end - o.span.start,
          ),
      );
      bySentence.set(sentence, longest);
    }
    const objects = [...bySentence.values()].flat();
    const objectCounts = new Map<string, { entry: Entry; count: number }>();
    for (const o of objects) {
      const seen = objectCounts.get(o.key) ?? { entry: o.entry, count: 0 };
      seen.count++;
      objectCounts.set(o.key, seen);
    }
    for (const [key, { entry, count }] of objectCounts) yield this.#feature(key, false, 1, count, entry.categories);

    // A problem describes the nearest object in its sentence that it can describe
    // (人行道上的井盖松动了: 松动 is the cover's, not the sidewalk's).
    const pairs = new Map<string, Set<number>>();
    if (objects.length > 0) {
      for (const [key, problem] of this.#problems) {
        for (const p of find(problem.term, a, 'head')) {
          let best: { key: string; categories: number[]; gap: number } | null = null;
          for (const o of bySentence.get(p.sentence) ?? []) {
            if (o.span.start < p.end && p.start < o.span.end) continue;
            const categories = [...o.entry.categories].filter((c) => problem.categories.has(c));
            if (categories.length === 0) continue;
            // At equal distance the object before the problem wins: Chinese names the thing first.
            const gap = p.start >= o.span.end ? p.start - o.span.end : o.span.start - p.end + 0.5;
            if (!best || gap < best.gap) best = { key: o.key, categories, gap };
          }
          if (best) pairs.set(`${best.key}…${key}`, new Set(best.categories));
        }
      }
    }
    for (const [label, categories] of pairs) yield this.#feature(label, true, PHRASE_WEIGHT, 1, categories);
    const counts = new Map<string, number>();
    for (const t of a.words) {
      if (!t.negated && isContentWord(t)) counts.set(t.text, (counts.get(t.text) ?? 0) + 1);
    }
    for (const [word, count] of counts) {
      const categories = this.#words.get(word);
      if (categories) {
        yield {
          label: word,
          strong: false,
          weight: wordWeight(word) * idf(categories.size, n) * saturate(count),
          categories: [...categories],
        };
      }
    }
  }

  #feature(label: string, strong: boolean, factor: number, count: number, categories: Set<number>): Feature {
    const weight = factor * idf(categories.size, this.#categories.length) * saturate(count);
    return { label, strong, weight, categories: [...categories] };
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** What a suggester was built from; the same list gives the same suggester. */
function fingerprint(categories: readonly SuggestableCategory[]): string {
  return JSON.stringify(categories.map((c) => [c.code, c.nameZh, c.nameEn]));
}

/**
 * Categories change rarely (a seed, a migration, an administrator's edit), and building a
 * suggester costs a few milliseconds: each city's is kept and its categories are read again only
 * after this long. An edit shows within that time, or at once through {@link SuggesterCache.invalidate}.
 */
export const SUGGESTER_TTL_MS = 5 * 60_000;

interface CacheEntry {
  checkedAt: number;
  value: Promise<{ fingerprint: string; suggester: CategorySuggester }>;
}

/**
 * One suggester per city, built on first use and kept: after {@link SUGGESTER_TTL_MS} the
 * categories are read again and the suggester is rebuilt only if they changed. Concurrent first
 * requests share one build.
 */
export class SuggesterCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #clock: Clock;
  readonly #ttlMs: number;

  /** A cache that asks `clock` for the time and re-reads categories every `ttlMs`. */
  constructor(clock: Clock, ttlMs = SUGGESTER_TTL_MS) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** The suggester of `cityId`, with `load` reading its categories when they may have changed. */
  async get(cityId: string, load: () => Promise<readonly SuggestableCategory[]>): Promise<CategorySuggester> {
    const now = this.#clock.now().getTime();
    const entry = this.#entries.get(cityId);
    if (entry && now - entry.checkedAt < this.#ttlMs) return (await entry.value).suggester;
    const previous = entry?.value;
    const value = (async () => {
      const categories = await load();
      const print = fingerprint(categories);
      const before = previous ? await previous.catch(() => null) : null;
      if (before?.fingerprint === print) return before;
      return { fingerprint: print, suggester: await CategorySuggester.build(categories) };
    })();
    this.#entries.set(cityId, { checkedAt: now, value });
    value.catch(() => {
      // A failed load is not remembered: the next request tries again.
      if (this.#entries.get(cityId)?.value === value) this.#entries.delete(cityId);
    });
    return (await value).suggester;
  }

  /** Forgets the suggester of `cityId` (or of every city): the next request rebuilds it. */
  invalidate(cityId?: string): void {
    if (cityId === undefined) this.#entries.clear();
    else this.#entries.delete(cityId);
  }
}
