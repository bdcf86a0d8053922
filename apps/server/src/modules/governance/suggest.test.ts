import { beforeAll, describe, expect, it } from 'vitest';
import { demoCategoryGroups } from '../../../../../demo/categories.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { suggestCases } from './suggest.cases.ts';
import {
  CategorySuggester,
  MAX_SUGGESTIONS,
  municipalSegmenter,
  SUGGESTER_TTL_MS,
  type SuggestableCategory,
  SuggesterCache,
  stem,
} from './suggest.ts';
import { CATEGORY_VOCABULARY } from './vocabulary.ts';

const categories: SuggestableCategory[] = demoCategoryGroups.flatMap((g) =>
  g.categories.map((c) => ({ code: c.code, nameZh: c.name.zh, nameEn: c.name.en })),
);
const codes = new Set(categories.map((c) => c.code));

let suggester: CategorySuggester;
beforeAll(async () => {
  suggester = await CategorySuggester.build(categories);
});

describe('municipal vocabulary', () => {
  it('covers every demo category, and names none the demo does not have', () => {
    expect(categories).toHaveLength(48);
    for (const code of codes) {
      const v = CATEGORY_VOCABULARY[code];
      expect(v, code).toBeDefined();
      expect((v?.keywords.length ?? 0) + (v?.objects.length ?? 0), code).toBeGreaterThan(0);
    }
    expect(Object.keys(CATEGORY_VOCABULARY).filter((code) => !codes.has(code))).toEqual([]);
  });

  it('keeps 路灯 whole: 路灯不亮 is 路灯 | 不亮, not 路 | 灯不亮', async () => {
    expect((await municipalSegmenter()).cut('路灯不亮')).toEqual(['路灯', '不亮']);
    expect(suggester.segment('小区门口的路灯不亮了')).toContain('路灯');
  });

  it('folds English plurals', () => {
    expect(['streetlights', 'buses', 'flies', 'bins', 'glasses', 'bus', 'grass'].map(stem)).toEqual([
      'streetlight',
      'bus',
      'fly',
      'bin',
      'glass',
      'bus',
      'grass',
    ]);
  });
});

describe('category suggestion', () => {
  it('meets its accuracy on the labelled set, and is right when it says it is confident', () => {
    const unknown = suggestCases.filter((c) => c.expected !== null && !codes.has(c.expected));
    expect(unknown, 'cases must name demo categories').toEqual([]);
    const labelled = suggestCases.filter((c) => c.expected !== null);
    const none = suggestCases.filter((c) => c.expected === null);
    let top1 = 0;
    let top3 = 0;
    let confident = 0;
    let confidentRight = 0;
    for (const c of labelled) {
      const result = suggester.suggest(c.text);
      const ranked = result.suggestions.map((s) => s.code);
      if (ranked[0] === c.expected) top1++;
      if (ranked.includes(c.expected ?? '')) top3++;
      if (result.confident) {
        confident++;
        if (ranked[0] === c.expected) confidentRight++;
      }
    }
    const confidentNone = none.filter((c) => suggester.suggest(c.text).confident).map((c) => c.text);
    const abstained = none.filter((c) => suggester.suggest(c.text).suggestions.length === 0).length;
    const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(1)}%`;
    // The figures for the issue note.
    console.log(
      `category suggestion on ${suggestCases.length} cases: top-1 ${pct(top1, labelled.length)}, ` +
        `top-3 ${pct(top3, labelled.length)} of ${labelled.length}; confident on ${confident} ` +
        `(${pct(confident, labelled.length)}), right on ${pct(confidentRight, confident)} of those; ` +
        `no-category cases: ${confidentNone.length} of ${none.length} confident, ${abstained} without any suggestion`,
    );
    expect(top1 / labelled.length).toBeGreaterThanOrEqual(0.85);
    expect(top3 / labelled.length).toBeGreaterThanOrEqual(0.95);
    expect(confidentRight / confident).toBeGreaterThanOrEqual(0.95);
    expect(confidentNone).toEqual([]);
  });

  it('answers a clear description with one confident suggestion and explains it', () => {
    const result = suggester.suggest('井盖不见了，很危险');
    expect(result.confident).toBe(true);
    expect(result.suggestions[0]).toMatchObject({ code: 'manhole-cover-missing' });
    expect(result.suggestions[0]?.matched).toEqual(expect.arrayContaining(['井盖']));
    expect(result.matched.length).toBeGreaterThan(0);
  });

  it('ranks at most three, best first, with confidences that are shares of the evidence', () => {
    for (const text of [
      '井盖坏了',
      '路面塌陷了一个大坑',
      '楼道里堆满了杂物和电动车',
      'noise from the construction site',
    ]) {
      const { suggestions } = suggester.suggest(text);
      expect(suggestions.length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
      const scores = suggestions.map((s) => s.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const total = suggestions.reduce((sum, s) => sum + s.confidence, 0);
      for (const s of suggestions) expect(s.confidence).toBeGreaterThan(0);
      expect(total).toBeLessThan(1);
    }
  });

  it('is not confident when two categories share the evidence', () => {
    const result = suggester.suggest('井盖');
    expect(result.confident).toBe(false);
  });

  it('makes no suggestion for empty, blank or unrelated text', () => {
    const none = { suggestions: [], confident: false, matched: [] };
    for (const text of ['', '   ', '\n\t', '你好', '谢谢', '😀😀😀', '？？？', 'asdfgh']) {
      expect(suggester.suggest(text), JSON.stringify(text)).toEqual(none);
    }
  });

  it('copes with very long text: repeats saturate instead of adding up', () => {
    const once = suggester.suggest('井盖不见了，');
    const long = suggester.suggest('井盖不见了，'.repeat(1700));
    expect(long.suggestions[0]?.code).toBe('manhole-cover-missing');
    expect(long.confident).toBe(true);
    expect(long.suggestions[0]?.score ?? 0).toBeLessThan(3 * (once.suggestions[0]?.score ?? 0));
    expect(suggester.suggest('啊'.repeat(10_000)).suggestions).toEqual([]);
    const mixed = `${'今天天气不错，'.repeat(1400)}路灯不亮`;
    expect(mixed.length).toBeGreaterThan(9_800);
    expect(suggester.suggest(mixed).suggestions[0]?.code).toBe('streetlight-out');
  });

  it('reads through emoji and full-width characters', () => {
    expect(suggester.suggest('🚧🕳️ 井盖不见了😱😱').suggestions[0]?.code).toBe('manhole-cover-missing');
    expect(suggester.suggest('ＫＴＶ太吵了').suggestions[0]?.code).toBe('noise-nuisance');
  });

  it('reads Chinese and English mixed in one description', () => {
    expect(suggester.suggest('manhole cover 不见了').suggestions[0]?.code).toBe('manhole-cover-missing');
    expect(suggester.suggest('小区门口的streetlights都不亮').suggestions[0]?.code).toBe('streetlight-out');
    expect(suggester.suggest('Huge potholes on 解放路').suggestions[0]?.code).toBe('road-damaged');
  });

  it('does not count what the citizen denies', () => {
    const result = suggester.suggest('不是井盖的问题，是路灯坏了');
    expect(result.suggestions[0]?.code).toBe('streetlight-out');
    expect(result.matched).not.toContain('井盖');
  });

  it('suggests a category the vocabulary does not know from its names', async () => {
    const own = [
      ...categories,
      { code: 'power-bank-station-fault', nameZh: '共享充电宝故障', nameEn: 'Power bank station fault' },
    ];
    const s = await CategorySuggester.build(own);
    expect(s.suggest('地铁站的共享充电宝故障').suggestions[0]?.code).toBe('power-bank-station-fault');
    expect(s.suggest('power bank station fault at the mall').suggestions[0]?.code).toBe('power-bank-station-fault');
  });
});

describe('suggester cache', () => {
  it('builds once per city, re-reads after the TTL, and rebuilds only when the categories changed', async () => {
    const clock = new ManualClock('2026-06-01T00:00:00Z');
    const cache = new SuggesterCache(clock);
    let loads = 0;
    let list: SuggestableCategory[] = categories;
    const load = async () => {
      loads++;
      return list;
    };
    const first = await cache.get('lingnan', load);
    expect(await cache.get('lingnan', load)).toBe(first);
    expect(loads).toBe(1);
    expect(await cache.get('nanwan', load)).not.toBe(first);
    expect(loads).toBe(2);

    clock.advance(SUGGESTER_TTL_MS);
    expect(await cache.get('lingnan', load)).toBe(first);
    expect(loads).toBe(3);

    list = categories.slice(1);
    clock.advance(SUGGESTER_TTL_MS);
    const second = await cache.get('lingnan', load);
    expect(second).not.toBe(first);
    expect(second.size).toBe(47);

    list = categories;
    cache.invalidate('lingnan');
    expect((await cache.get('lingnan', load)).size).toBe(48);
  });

  it('shares one build between concurrent requests and does not remember a failed load', async () => {
    const cache = new SuggesterCache(new ManualClock());
    let loads = 0;
    const load = async () => {
      loads++;
      return categories;
    };
    const [a, b] = await Promise.all([cache.get('lingnan', load), cache.get('lingnan', load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);

    const failing = async (): Promise<SuggestableCategory[]> => {
      throw new Error('database unavailable');
    };
    await expect(cache.get('nanwan', failing)).rejects.toThrow('database unavailable');
    expect((await cache.get('nanwan', load)).size).toBe(48);
  });
});
