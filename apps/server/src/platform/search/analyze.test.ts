import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeDocument, cleanText, lexemeOf, phraseKey, tokenize } from './analyze.ts';
import { buildSynonymIndex, type Lexicon, parseQuery, planQuery, termQuery, withinOneEdit } from './query.ts';
import type { Segmenter } from './segmenter.ts';
import { buildLexicon, searchSegmenter } from './state.ts';
import { GOVERNMENT_SYNONYMS } from './vocabulary.ts';

let segmenter: Segmenter;
beforeAll(async () => {
  segmenter = await searchSegmenter();
});

describe('cleaning and splitting text', () => {
  it('drops what nobody types, folds width and case', () => {
    expect(cleanText('ＰＡＳＳ\u200bＰＯＲＴ\u202e１２３')).toBe('pass port 123');
    expect(cleanText('a\u0000b\ud800c\udfffd')).toBe('a b c d');
    expect(cleanText('身份证！')).toBe('身份证!');
  });

  it('segments Chinese with the government vocabulary and keeps other words whole', () => {
    expect(tokenize('社保卡丢了', segmenter).map((t) => t.text)).toEqual(['社保卡', '丢了']);
    expect(tokenize('开餐馆 & citizen’s ID-card，C1驾照', segmenter).map((t) => [t.text, t.kind])).toEqual([
      ['开餐馆', 'han'],
      ['citizen', 'word'],
      ['id', 'word'],
      ['card', 'word'],
      ['c1', 'word'],
      ['驾照', 'han'],
    ]);
    expect(
      ['licences', 'renewing', 'registration', 'c1', '身份证'].map((text) => lexemeOf({ text, kind: 'word' })),
    ).toEqual(['licenc', 'renew', 'registr', 'c1', '身份证']);
  });

  it('compares titles as phrases without punctuation or spaces between Han characters', () => {
    expect(phraseKey('出生登记（新生儿入户）')).toBe('出生登记新生儿入户');
    expect(phraseKey(' 居民 身份证 补领 ')).toBe('居民身份证补领');
    expect(phraseKey('Household registration — of a newborn!')).toBe('household registration of a newborn');
  });
});

describe('analysing a document', () => {
  it('weighs title, keywords and body, indexes sub-words at their word’s position, quotes lexemes', () => {
    const a = analyzeDocument(
      {
        titles: ['居民身份证补领', "Replacing a citizen's ID"],
        keywords: ['户籍办理'],
        bodies: ["it's 'quoted' \\ text"],
      },
      segmenter,
    );
    expect(a.tsvector).toContain("'身份证':1A");
    expect(a.tsvector).toContain("'居民身份证':1A");
    expect(a.tsvector).toMatch(/'户籍':\d+B/);
    expect(a.tsvector).toMatch(/'quot':\d+C/);
    expect(a.head).not.toMatch(/\d+C/);
    expect(a.terms).toEqual(expect.arrayContaining(['居民身份证', '身份证', 'replacing', 'citizen', 'quoted']));
    expect(a.titleKey).toBe('居民身份证补领\nreplacing a citizen s id');
  });
});

describe('reading a query', () => {
  const lexicon: Lexicon = buildLexicon(
    [
      ['身份证', 40],
      ['办理', 150],
      ['居民', 30],
      ['补领', 5],
      ['passport', 3],
      ['护照', 3],
      ['社会保障', 4],
      ['卡', 30],
    ],
    200,
  );

  const plan = (query: string) => {
    const synonyms = buildSynonymIndex(GOVERNMENT_SYNONYMS, segmenter);
    return planQuery(parseQuery(query, segmenter, synonyms, lexicon), new Map(), segmenter, synonyms, lexicon);
  };

  it('drops question words, keeps weak words optional, reads synonyms as one group', () => {
    const p = plan('我想办理身份证补领怎么办');
    expect(p.groups.map((g) => [g.text, g.required])).toEqual([
      ['办理', false],
      ['身份证', true],
      ['补领', true],
    ]);
    expect(p.groups[1]?.alternatives.map((a) => a.label)).toContain('居民身份证');
    expect(p.groups[1]?.common).toBe(true);
    expect(p.groups[2]?.action).toBe(true);
    expect(p.key).toBe('办理身份证补领');
  });

  it('corrects a Chinese word one character off and reports words found nowhere', () => {
    const p = plan('身分证 xyzzy');
    expect(p.corrected).toBe('身份证 xyzzy');
    expect(p.ignored).toEqual(['xyzzy']);
    expect(withinOneEdit([...'身分证'], [...'身份证'])).toBe(true);
    expect(withinOneEdit([...'身分证'], [...'身证'])).toBe(true);
    expect(withinOneEdit([...'身分证'], [...'身份'])).toBe(false);
    expect(withinOneEdit([...'身分证'], [...'证身份'])).toBe(false);
  });

  it('writes English terms as phrases and long Chinese words also as their sub-words', () => {
    expect(termQuery('identity card', segmenter)).toBe("('ident' <-> 'card')");
    expect(termQuery('居民身份证', segmenter)).toBe("('居民身份证' | '居民' & '身份证')");
    expect(termQuery("o'brien \\", segmenter)).toBe("'obrien'");
  });
});
