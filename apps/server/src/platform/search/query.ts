/**
 * From what someone typed to what the database matches. A query is read as groups, each one
 * thing looked for, each with its alternatives:
 * 1. the text is cleaned and split into words exactly as documents are (analyze.ts);
 * 2. runs of words that spell a synonym term (社保卡, 丢了, id card) become one group whose
 *    alternatives are every term of its sets — longest run first;
 * 3. question words (怎么, 的, how) are dropped, weak words (办理, apply) only rank, a lone Han
 *    character only ranks;
 * 4. a word the collection has never seen is corrected when the collection has one word close to
 *    it: a Chinese word of three or more characters one character away (身分证 → 身份证), an
 *    English word by trigram similarity in PostgreSQL (pg_trgm: pasport → passport); a word
 *    with no close word is ignored and reported;
 * 5. a group becomes a tsquery `(alternative | …)`; an alternative of several English words is a
 *    phrase (`id <-> card`), of Chinese words an AND, and a long Chinese word also matches as its
 *    dictionary sub-words (`居民身份证 | 居民 & 身份证`), whichever way a document was segmented.
 * The required groups are ANDed; the search relaxes to "as many groups as any document has" only
 * when no document has them all (search.ts).
 */
import { isSingleHan, lexemeOf, phraseKey, quoteLexeme, type Token, tokenize } from './analyze.ts';
import type { Segmenter } from './segmenter.ts';
import { ACTION_WORDS, QUESTION_WORDS, WEAK_WORDS } from './vocabulary.ts';

/** Queries longer than this (in characters, before cleaning) are refused. */
export const MAX_QUERY_CHARS = 200;
/** Groups beyond this many are not looked for (a pasted paragraph still searches its start). */
export const MAX_GROUPS = 12;
/** Synonym terms span at most this many words. */
const MAX_TERM_WORDS = 6;
/** An English word needs at least this trigram similarity to a collection word to be corrected to it. */
export const MIN_SIMILARITY = 0.4;
/** English words shorter than this are never corrected: too few trigrams to tell. */
export const MIN_FUZZY_WORD_CHARS = 4;
/** Chinese words shorter than this are never corrected: one character of two leaves too many candidates. */
const MIN_FUZZY_HAN_CHARS = 3;
/** A word in at least this share of a collection's documents is common (see {@link QueryGroup.common}). */
export const COMMON_SHARE = 0.2;
/** Collections smaller than this have no common words: too few documents to tell. */
const COMMON_MIN_DOCUMENTS = 50;

/** Words a collection's documents contain, with how many documents contain each. */
export interface Lexicon {
  /** Documents containing the term (a Chinese word or sub-word, an English word as written). */
  df(term: string): number;
  /** Documents containing an English word with this stem (the most of any word with it). */
  stemDf(stem: string): number;
  /** Documents in the collection. */
  documents: number;
  /** Chinese terms of `length` characters. */
  hanTermsOfLength(length: number): readonly string[];
}

/** Synonym sets compiled for matching runs of query words. */
export interface SynonymIndex {
  /** The terms of every set containing the term whose words have this key (see {@link termKey}). */
  lookup(key: string): readonly string[] | undefined;
}

/** One thing looked for. */
export interface QueryGroup {
  /** As typed (cleaned). */
  text: string;
  /** What the group looks for instead, when it was corrected. */
  corrected?: string;
  /** Required groups must match; the others only rank. */
  required: boolean;
  /** What is wanted done (补领, renew), not what it is about: ranks half as much. */
  action: boolean;
  /**
   * Some alternative is a word most documents have somewhere (身份证 among the materials of half
   * the catalog): the group is first looked for in titles and keywords only.
   */
  common: boolean;
  /**
   * How much finding it says: BM25's inverse document frequency of its most frequent
   * alternative, ln(1 + (N − df + 0.5) / (df + 0.5)): 护照 in 9 of 209 documents says more than
   * 办理 in 150.
   */
  idf: number;
  /** Each alternative's text and its tsquery. */
  alternatives: { label: string; tsquery: string }[];
}

/** A query read into groups. */
export interface QueryPlan {
  groups: QueryGroup[];
  /** Words no document has and nothing close to, as typed. */
  ignored: string[];
  /** The query with its corrections, when there were any. */
  corrected?: string;
  /** {@link phraseKey} of the words looked for: a title containing it is a phrase match. */
  key: string;
}

/** How a run of words is keyed: Han words run together, other words stemmed and spaced. */
export function termKey(tokens: readonly Pick<Token, 'text' | 'kind'>[]): string {
  let key = '';
  let previous: Token['kind'] | null = null;
  for (const t of tokens) {
    if (previous !== null && !(previous === 'han' && t.kind === 'han')) key += ' ';
    key += t.kind === 'han' ? t.text : lexemeOf(t);
    previous = t.kind;
  }
  return key;
}

/** Compiles synonym sets: every term of a set leads to all terms of every set it is in. */
export function buildSynonymIndex(sets: readonly (readonly string[])[], segmenter: Segmenter): SynonymIndex {
  const byKey = new Map<string, Set<string>>();
  for (const set of sets) {
    const members = set.map((t) => t.trim()).filter((t) => t !== '');
    for (const term of members) {
      const tokens = tokenize(term, segmenter);
      if (tokens.length === 0 || tokens.length > MAX_TERM_WORDS) continue;
      const key = termKey(tokens);
      let all = byKey.get(key);
      if (!all) {
        all = new Set();
        byKey.set(key, all);
      }
      for (const m of members) all.add(m);
    }
  }
  const frozen = new Map([...byKey].map(([k, v]) => [k, [...v]]));
  return { lookup: (key) => frozen.get(key) };
}

/** A run of query words: a synonym term, or one word (or a span of mistyped Chinese). */
export interface QueryPiece {
  tokens: Token[];
  text: string;
  /** The terms of its synonym sets. */
  synonyms?: readonly string[];
  role: 'content' | 'weak' | 'question';
  /** No document has it (and no correction was found yet). */
  unknown: boolean;
  /** What it was corrected to. */
  to?: string;
}

/** A query read as far as it goes without the database: what remains is correcting English words. */
export interface ParsedQuery {
  cleaned: string;
  pieces: QueryPiece[];
  /** English words no document has, to look up by trigram similarity. */
  fuzzyWords: string[];
}

/** Reads a query into pieces (synonym runs and words), correcting Chinese words in memory. */
export function parseQuery(query: string, segmenter: Segmenter, synonyms: SynonymIndex, lexicon: Lexicon): ParsedQuery {
  const tokens = tokenize(query, segmenter);
  const cleaned = tokens.map((t) => t.text).join(' ');
  const raw: QueryPiece[] = [];
  for (let i = 0; i < tokens.length; ) {
    let matched = false;
    for (let n = Math.min(MAX_TERM_WORDS, tokens.length - i); n >= 1; n--) {
      const run = tokens.slice(i, i + n);
      const found = synonyms.lookup(termKey(run));
      if (found) {
        raw.push({ tokens: run, text: spell(run), synonyms: found, role: roleOf(run), unknown: false });
        i += n;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const token = tokens[i] as Token;
    raw.push({ tokens: [token], text: token.text, role: roleOf([token]), unknown: !known(token, segmenter, lexicon) });
    i++;
  }
  const pieces = correctHan(mergeUnknownHan(raw), segmenter, synonyms, lexicon);
  const fuzzyWords = [
    ...new Set(
      pieces
        .filter(
          (p) =>
            p.unknown &&
            p.tokens.length === 1 &&
            p.tokens[0]?.kind === 'word' &&
            /^[a-z]+$/.test(p.text) &&
            p.text.length >= MIN_FUZZY_WORD_CHARS,
        )
        .map((p) => p.text),
    ),
  ];
  return { cleaned, pieces, fuzzyWords };
}

function roleOf(run: readonly Token[]): QueryPiece['role'] {
  const text = spell(run);
  if (QUESTION_WORDS.has(text)) return 'question';
  if (WEAK_WORDS.has(text)) return 'weak';
  return 'content';
}

/** Whether some document has the word, or (a long Chinese word) all of the sub-words that spell it. */
function known(token: Token, segmenter: Segmenter, lexicon: Lexicon): boolean {
  if (token.kind === 'word') return lexicon.stemDf(lexemeOf(token)) > 0 || lexicon.df(token.text) > 0;
  if (lexicon.df(token.text) > 0) return true;
  const cover = coverOf(token.text, segmenter.subwords(token.text));
  return cover.length > 1 && cover.every((w) => lexicon.df(w) > 0);
}

/** Words as one text: Han words run together, others spaced. */
function spell(tokens: readonly Pick<Token, 'text' | 'kind'>[]): string {
  let text = '';
  let previous: Token['kind'] | null = null;
  for (const t of tokens) {
    if (previous !== null && !(previous === 'han' && t.kind === 'han')) text += ' ';
    text += t.text;
    previous = t.kind;
  }
  return text;
}

/**
 * Joins a Chinese word no document has with the single characters around it (身 | 分证 → 身分证):
 * jieba cuts a mistyped word unpredictably, and the correction looks at the whole span.
 */
function mergeUnknownHan(pieces: QueryPiece[]): QueryPiece[] {
  const out: QueryPiece[] = [];
  const mergeable = (p: QueryPiece) =>
    !p.synonyms && p.role !== 'question' && p.tokens.length === 1 && p.tokens[0]?.kind === 'han';
  for (let i = 0; i < pieces.length; ) {
    const p = pieces[i] as QueryPiece;
    if (!mergeable(p) || !(p.unknown || isSingleHan(p.text))) {
      out.push(p);
      i++;
      continue;
    }
    let j = i;
    let anyUnknown = false;
    const run: QueryPiece[] = [];
    while (j < pieces.length) {
      const q = pieces[j] as QueryPiece;
      if (!mergeable(q) || !(q.unknown || isSingleHan(q.text))) break;
      // Only adjacent in the text: 身 分证 typed with a space is still one span, but not across other words.
      const last = run.at(-1);
      if (last && (last.tokens[0]?.end ?? 0) !== (q.tokens[0]?.start ?? 0)) break;
      anyUnknown ||= q.unknown;
      run.push(q);
      j++;
    }
    if (anyUnknown && run.length > 1) {
      const tokens = run.flatMap((r) => r.tokens);
      out.push({ tokens, text: spell(tokens), role: 'content', unknown: true });
    } else out.push(...run);
    i = j;
  }
  return out;
}

/** Corrects unknown Chinese spans to the collection's most common word one character away. */
function correctHan(
  pieces: QueryPiece[],
  segmenter: Segmenter,
  synonyms: SynonymIndex,
  lexicon: Lexicon,
): QueryPiece[] {
  return pieces.flatMap((p) => {
    if (!p.unknown || p.tokens[0]?.kind !== 'han') return p;
    const chars = [...p.text];
    if (chars.length >= MIN_FUZZY_HAN_CHARS) {
      const best = closestHan(chars, lexicon);
      if (best) return correctedPiece(p, best, segmenter, synonyms);
    }
    // Not correctable as a whole: a span of known single characters and unknown words keeps the characters, which rank.
    if (p.tokens.length > 1) {
      return p.tokens.map(
        (t): QueryPiece => ({ tokens: [t], text: t.text, role: 'content', unknown: lexicon.df(t.text) === 0 }),
      );
    }
    return p;
  });
}

function correctedPiece(p: QueryPiece, to: string, segmenter: Segmenter, synonyms: SynonymIndex): QueryPiece {
  const found = synonyms.lookup(termKey(tokenize(to, segmenter)));
  return { ...p, unknown: false, role: 'content', to, ...(found ? { synonyms: found } : {}) };
}

/** The most common collection word of length ±1 within one edit of `chars`, or null. */
function closestHan(chars: readonly string[], lexicon: Lexicon): string | null {
  let best: string | null = null;
  let bestDf = 0;
  for (let length = chars.length - 1; length <= chars.length + 1; length++) {
    if (length < 2) continue;
    for (const term of lexicon.hanTermsOfLength(length)) {
      if (!withinOneEdit(chars, [...term])) continue;
      const df = lexicon.df(term);
      if (df > bestDf || (df === bestDf && best !== null && term < best)) {
        best = term;
        bestDf = df;
      }
    }
  }
  return best;
}

/** Whether b is a with at most one character substituted, inserted or deleted. */
export function withinOneEdit(a: readonly string[], b: readonly string[]): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** The pieces with English corrections applied (`corrections`: word → collection word), as groups. */
export function planQuery(
  parsed: ParsedQuery,
  corrections: ReadonlyMap<string, string>,
  segmenter: Segmenter,
  synonyms: SynonymIndex,
  lexicon: Lexicon,
): QueryPlan {
  const commonDf = lexicon.documents >= COMMON_MIN_DOCUMENTS ? COMMON_SHARE * lexicon.documents : Infinity;
  const dfOfToken = (t: Token) => (t.kind === 'han' ? lexicon.df(t.text) : lexicon.stemDf(lexemeOf(t)));
  const isCommon = (term: string) => {
    const tokens = tokenize(term, segmenter);
    return tokens.length === 1 && dfOfToken(tokens[0] as Token) >= commonDf;
  };
  // A term of several words is in at most as many documents as its rarest word.
  const dfOfTerm = (term: string) => Math.min(...tokenize(term, segmenter).map(dfOfToken));
  const n = Math.max(1, lexicon.documents);
  const idfOf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const ignored: string[] = [];
  let changed = false;
  const pieces: QueryPiece[] = [];
  for (const piece of parsed.pieces) {
    if (piece.to !== undefined) changed = true;
    if (!piece.unknown) {
      pieces.push(piece);
      continue;
    }
    const to = piece.tokens.length === 1 && piece.tokens[0]?.kind === 'word' ? corrections.get(piece.text) : undefined;
    if (to === undefined) {
      if (piece.role !== 'question') ignored.push(piece.text);
      continue;
    }
    changed = true;
    pieces.push(correctedPiece(piece, to, segmenter, synonyms));
  }

  const meaningful = pieces.filter((p) => p.role !== 'question');
  const kept = meaningful.length > 0 ? meaningful : pieces;
  const strong = kept.filter((p) => p.role === 'content' && !(isSingleHan(p.text) && !p.synonyms && !p.to));
  const groups: QueryGroup[] = [];
  for (const p of kept.slice(0, MAX_GROUPS)) {
    const terms = p.synonyms ?? [p.to ?? p.text];
    const alternatives: QueryGroup['alternatives'] = [];
    const seen = new Set<string>();
    for (const term of terms) {
      const tsquery = termQuery(term, segmenter);
      if (tsquery === '' || seen.has(tsquery)) continue;
      seen.add(tsquery);
      alternatives.push({ label: term, tsquery });
    }
    if (alternatives.length === 0) continue;
    groups.push({
      text: p.text,
      ...(p.to !== undefined ? { corrected: p.to } : {}),
      required: strong.length === 0 || strong.includes(p),
      action: ACTION_WORDS.has(p.text) || ACTION_WORDS.has(p.to ?? ''),
      common: terms.some(isCommon),
      idf: idfOf(Math.min(n, Math.max(0, ...alternatives.map((a) => dfOfTerm(a.label))))),
      alternatives,
    });
  }

  const plan: QueryPlan = {
    groups,
    ignored,
    key: phraseKey(kept.map((p) => p.to ?? p.text).join(' ')),
  };
  if (changed) plan.corrected = correctedText(parsed.pieces, corrections);
  return plan;
}

/** The query as typed (cleaned), each corrected piece replaced by its correction. */
function correctedText(pieces: readonly QueryPiece[], corrections: ReadonlyMap<string, string>): string {
  const parts = pieces.map((p) => {
    const to = p.to ?? (p.unknown ? corrections.get(p.text) : undefined);
    const kind = p.tokens[0]?.kind ?? 'word';
    return { text: to ?? p.text, kind };
  });
  return spell(parts);
}

/** The tsquery of one term: English words as a phrase, Chinese words ANDed, long Chinese words also as their sub-words. */
export function termQuery(term: string, segmenter: Segmenter): string {
  const tokens = tokenize(term, segmenter);
  if (tokens.length === 0) return '';
  const parts = tokens.map((t) => (t.kind === 'han' ? hanQuery(t.text, segmenter) : quoteLexeme(lexemeOf(t))));
  if (parts.length === 1) return parts[0] as string;
  const phrase = tokens.every((t) => t.kind === 'word');
  return `(${parts.join(phrase ? ' <-> ' : ' & ')})`;
}

function hanQuery(word: string, segmenter: Segmenter): string {
  const cover = coverOf(word, segmenter.subwords(word));
  return cover.length > 1 ? `(${quoteLexeme(word)} | ${cover.map(quoteLexeme).join(' & ')})` : quoteLexeme(word);
}

/** The fewest sub-words that spell `word` left to right (longer first on ties), or [] when none do. */
function coverOf(word: string, subwords: readonly string[]): string[] {
  const pieces = [...new Set(subwords.filter((s) => s !== word && s !== ''))].sort((a, b) => b.length - a.length);
  // best[i]: the fewest pieces spelling word.slice(i); words are a few characters long.
  const best: (string[] | null)[] = new Array(word.length + 1).fill(null);
  best[word.length] = [];
  for (let at = word.length - 1; at >= 0; at--) {
    for (const p of pieces) {
      const rest = word.startsWith(p, at) ? best[at + p.length] : null;
      if (rest && (best[at] === null || rest.length + 1 < (best[at] as string[]).length)) best[at] = [p, ...rest];
    }
  }
  return best[0] ?? [];
}
