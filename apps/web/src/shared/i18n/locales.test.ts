import { describe, expect, it } from 'vitest';
import { NAMESPACES } from './index.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

const files = import.meta.glob<unknown>('./locales/*.json', { eager: true, import: 'default' });

function namespaceFile(namespace: string, language: string): unknown {
  const file = files[`./locales/${namespace}.${language}.json`];
  if (!file) throw new Error(`locales/${namespace}.${language}.json is missing`);
  return file;
}

/** Every namespace's two files, the shared one first. */
const FILES: [string, unknown, unknown][] = [
  ['translation', zh, en],
  ...NAMESPACES.map((ns): [string, unknown, unknown] => [ns, namespaceFile(ns, 'zh-CN'), namespaceFile(ns, 'en')]),
];

/** Latin words the Chinese texts may contain: the platform's name. */
const ALLOWED_LATIN = new Set(['OneCity']);

/** Each language's plural forms (Intl.PluralRules categories i18next uses as key suffixes). */
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') {
    out.set(prefix, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      for (const [k, v] of flatten(item, `${prefix}[${index}]`)) out.set(k, v);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      for (const [k, v] of flatten(child, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
    }
  }
  return out;
}

/** Keys with their plural suffix taken off: `found_one` and `found_other` are both `found`. */
function baseKeys(texts: Map<string, string>): Set<string> {
  return new Set([...texts.keys()].map((k) => k.replace(PLURAL, '').replace(/\[\d+\]$/, '[]')));
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();
}

describe.each(FILES)('locale files of %s', (_namespace, zh, en) => {
  const zhTexts = flatten(zh);
  const enTexts = flatten(en);

  it('have the same keys in Chinese and English', () => {
    const zhKeys = baseKeys(zhTexts);
    const enKeys = baseKeys(enTexts);
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  it('give English every plural form it needs and Chinese its one form', () => {
    for (const key of enTexts.keys()) {
      if (key.endsWith('_one')) expect(enTexts.has(key.replace(/_one$/, '_other')), key).toBe(true);
      if (key.endsWith('_other')) expect(enTexts.has(key.replace(/_other$/, '_one')), key).toBe(true);
    }
    for (const key of zhTexts.keys()) {
      const match = key.match(PLURAL);
      if (match) expect(match[1], `${key}: Chinese has only the "other" form`).toBe('other');
    }
  });

  it('use the same placeholders in both languages', () => {
    const byBase = (texts: Map<string, string>) => {
      const map = new Map<string, string[]>();
      for (const [key, text] of texts) {
        const base = key.replace(PLURAL, '');
        map.set(base, [...new Set([...(map.get(base) ?? []), ...placeholders(text)])].sort());
      }
      return map;
    };
    const zhPlaceholders = byBase(zhTexts);
    for (const [key, names] of byBase(enTexts)) {
      if (key.includes('[')) continue;
      expect(zhPlaceholders.get(key), key).toEqual(names);
    }
  });

  it('keep English out of the Chinese texts', () => {
    const leaks: string[] = [];
    for (const [key, text] of zhTexts) {
      const words = text.replace(/\{\{[^}]*\}\}/g, '').match(/[A-Za-z]+/g) ?? [];
      for (const word of words) if (!ALLOWED_LATIN.has(word)) leaks.push(`${key}: ${word}`);
    }
    expect(leaks).toEqual([]);
  });

  it('keep Chinese out of the English texts', () => {
    const cjk = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
    const leaks = [...enTexts].filter(([, text]) => cjk.test(text)).map(([key, text]) => `${key}: ${text}`);
    expect(leaks).toEqual([]);
  });

  it('have no empty texts', () => {
    const empty = [...zhTexts, ...enTexts].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });
});
