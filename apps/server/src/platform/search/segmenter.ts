/**
 * Chinese word segmentation: jieba with its bundled dictionary (it works offline only with it
 * loaded) plus a caller's vocabulary, the words it must keep whole. Each vocabulary gets its own
 * jieba instance, made on first use and shared afterwards: reading and indexing the dictionary
 * takes a few hundred milliseconds and about 60 MB.
 */

/** Splits Chinese text into words; the concatenated words are the text again. */
export interface Segmenter {
  /** Precise mode: each character in exactly one word. */
  cut(text: string): string[];
  /**
   * Search-engine mode for one word of {@link cut}: its dictionary sub-words of two and three
   * characters, then the word itself (居民身份证 → 居民, 身份, 身份证, 居民身份证).
   */
  subwords(word: string): string[];
}

/** What {@link loadSegmenter} adds to jieba's dictionary. */
export interface SegmenterOptions {
  /** Words kept whole (single concepts only: 路灯, never a whole phrase like 路灯不亮). */
  words: readonly string[];
  /**
   * Frequency given to those words: about that of common words (2000), so that 路灯 | 不亮 beats
   * 路 | 灯不亮, yet low enough not to tear ordinary words apart around them.
   */
  frequency?: number;
}

/** Frequency of added words unless a caller says otherwise (see {@link SegmenterOptions.frequency}). */
export const DEFAULT_WORD_FREQUENCY = 2000;

const loaded = new Map<string, Promise<Segmenter>>();

/**
 * jieba with its bundled dictionary plus `options.words`, one instance per distinct vocabulary
 * for the life of the process. A failed load is forgotten, so the next call tries again.
 */
export function loadSegmenter(options: SegmenterOptions): Promise<Segmenter> {
  const frequency = options.frequency ?? DEFAULT_WORD_FREQUENCY;
  const words = [...new Set(options.words.map((w) => w.trim()).filter((w) => w !== '' && !/\s/.test(w)))];
  const key = `${frequency}\n${words.join('\n')}`;
  let segmenter = loaded.get(key);
  if (!segmenter) {
    segmenter = createSegmenter(words, frequency).catch((error: unknown) => {
      loaded.delete(key);
      throw error;
    });
    loaded.set(key, segmenter);
  }
  return segmenter;
}

async function createSegmenter(words: readonly string[], frequency: number): Promise<Segmenter> {
  const [{ Jieba }, { dict }] = await Promise.all([import('@node-rs/jieba'), import('@node-rs/jieba/dict.js')]);
  const jieba = Jieba.withDict(dict);
  if (words.length > 0) jieba.loadDict(Buffer.from(words.map((word) => `${word} ${frequency} n\n`).join('')));
  return {
    // Without the HMM, characters jieba does not know stay single: more word boundaries, so a
    // known word next to a typo is still found whole.
    cut: (text) => jieba.cut(text, false),
    subwords: (word) => ([...word].length > 2 ? jieba.cutForSearch(word, false) : [word]),
  };
}
