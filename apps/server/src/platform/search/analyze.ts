/**
 * How text becomes search terms, the same for documents and queries:
 * - cleaned: characters no one types (controls, format marks such as zero-width joiners and
 *   bidirectional overrides, private-use, unpaired surrogates, noncharacters) become spaces; NFKC
 *   folds full-width forms (ｐａｓｓｐｏｒｔ, ＩＤ, １２３) and compatibility characters; lower case;
 * - split into runs of Han characters, which jieba segments into words, and runs of letters and
 *   digits of other scripts, which are words as they are; everything else separates words;
 * - an English word is stemmed (Porter: licences → licenc, renewing → renew), a Chinese word is
 *   kept as it is, and a document also gets each long word's dictionary sub-words at the same
 *   position (居民身份证 → 居民, 身份, 身份证), so that a query for 身份证 finds it.
 *
 * Terms are written into a tsvector literal in code, never through PostgreSQL's parser, so that
 * both databases (and any locale) index exactly the same lexemes.
 */
import { stemmer } from 'stemmer';
import type { Segmenter } from './segmenter.ts';

/** A word of analysed text. */
export interface Token {
  /** The word as written, cleaned and lower-cased. */
  text: string;
  kind: 'han' | 'word';
  /** Offsets in the cleaned text. */
  start: number;
  end: number;
}

/** Longer words are not indexed (no language has them; a pasted hash or URL is not a word). */
export const MAX_WORD_CHARS = 40;
/** PostgreSQL keeps positions up to this; later words share it. */
const MAX_POSITION = 16_383;
/** PostgreSQL keeps at most this many positions of one lexeme. */
const MAX_POSITIONS_PER_LEXEME = 255;
/** Positions left empty between fields and between keywords, so that no phrase spans two. */
const FIELD_GAP = 8;

/** Characters nobody types: controls, format marks, surrogates, private use, noncharacters. */
const UNTYPABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/gu;
/** Lone surrogates survive `\p{Cs}` in a `u` regex only when matched singly: replaced by code unit. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Cleans text as described at the top of this file. */
export function cleanText(text: string): string {
  return text
    .replace(LONE_SURROGATE, ' ')
    .replace(UNTYPABLE, ' ')
    .normalize('NFKC')
    .replace(UNTYPABLE, ' ')
    .toLowerCase();
}

/** Runs of Han characters, or of other letters and digits (with inner apostrophes: citizen's). */
const PIECES =
  /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}\p{M}])+(?:['’](?:(?!\p{Script=Han})[\p{L}\p{N}])+)*)/gu;

/** The words of `text` (cleaned first), in order. */
export function tokenize(text: string, segmenter: Segmenter): Token[] {
  const clean = cleanText(text);
  const tokens: Token[] = [];
  for (const m of clean.matchAll(PIECES)) {
    const at = m.index;
    if (m[1]) {
      const words = segmenter.cut(m[1]);
      // A segmenter whose words do not add up to the text would shift every offset: characters instead.
      const parts = words.join('') === m[1] ? words : [...m[1]];
      let offset = at;
      for (const word of parts) {
        tokens.push({ text: word, kind: 'han', start: offset, end: offset + word.length });
        offset += word.length;
      }
    } else if (m[2]) {
      const word = m[2].replace(/['’]s$/, '').replace(/['’]/g, '');
      if ([...word].length <= MAX_WORD_CHARS)
        tokens.push({ text: word, kind: 'word', start: at, end: at + m[2].length });
    }
  }
  return tokens;
}

/** The lexeme of a word: English words stemmed, anything with a digit or another script as it is. */
export function lexemeOf(token: Pick<Token, 'text' | 'kind'>): string {
  if (token.kind === 'han' || !/^[a-z]+$/.test(token.text)) return token.text;
  return stemmer(token.text);
}

/** Whether a word is a single Han character (a fragment of a word more often than a word). */
export function isSingleHan(text: string): boolean {
  return /^\p{Script=Han}$/u.test(text);
}

/**
 * The text a title is compared with as a whole (exact and phrase matches): cleaned, anything but
 * letters, digits and Han characters as one space, and no space next to a Han character
 * (居民 身份证 = 居民身份证).
 */
export function phraseKey(text: string): string {
  return cleanText(text)
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .replace(/\s*(\p{Script=Han})\s*/gu, '$1')
    .trim();
}

/** A document's text by field, as {@link analyzeDocument} weighs it. */
export interface DocumentText {
  titles: readonly string[];
  keywords: readonly string[];
  bodies: readonly string[];
}

/** What the index stores for a document besides its own fields. */
export interface DocumentAnalysis {
  /** tsvector literal: title words weigh A, keywords B, body C. */
  tsvector: string;
  /** tsvector literal of the title and keywords alone: small enough to rank every match with. */
  head: string;
  /** Distinct words as written (English unstemmed): the collection's lexicon counts them. */
  terms: string[];
  /** {@link phraseKey} of each title, one per line. */
  titleKey: string;
}

type Weight = 'A' | 'B' | 'C';

/** Analyses a document's fields into its tsvector, lexicon terms and title key. */
export function analyzeDocument(text: DocumentText, segmenter: Segmenter): DocumentAnalysis {
  const positions = new Map<string, string[]>();
  const terms = new Set<string>();
  let position = 1;
  const add = (lexeme: string, at: number, weight: Weight) => {
    let list = positions.get(lexeme);
    if (!list) {
      list = [];
      positions.set(lexeme, list);
    }
    if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${Math.min(at, MAX_POSITION)}${weight}`);
  };
  const field = (value: string, weight: Weight) => {
    const tokens = tokenize(value, segmenter);
    if (tokens.length === 0) return;
    for (const token of tokens) {
      if (token.kind === 'han') {
        for (const word of segmenter.subwords(token.text)) {
          add(word, position, weight);
          terms.add(word);
        }
      } else {
        add(lexemeOf(token), position, weight);
        terms.add(token.text);
      }
      position++;
    }
    position += FIELD_GAP;
  };
  for (const t of text.titles) field(t, 'A');
  for (const k of text.keywords) field(k, 'B');
  for (const b of text.bodies) field(b, 'C');
  const literal = (keep: (at: string) => boolean) =>
    [...positions]
      .map(([lexeme, at]) => [lexeme, at.filter(keep)] as const)
      .filter(([, at]) => at.length > 0)
      .map(([lexeme, at]) => `${quoteLexeme(lexeme)}:${at.join(',')}`)
      .join(' ');
  return {
    tsvector: literal(() => true),
    head: literal((at) => !at.endsWith('C')),
    terms: [...terms],
    titleKey: text.titles
      .map(phraseKey)
      .filter((k) => k !== '')
      .join('\n'),
  };
}

/** A lexeme as tsvector and tsquery literals write it. */
export function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
