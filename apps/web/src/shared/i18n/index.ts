/**
 * i18next with the app's two languages. The shared texts (namespace `translation`: the shell
 * and the citizen app's first screens) in Chinese ship in the first bundle; every other
 * namespace — one per area of the app: `government`, `governance`, `staff`, `ops`, `admin` —
 * and English load when a screen first asks for them (`useTranslation('staff')` suspends until
 * then). There is no fallback language: a missing English text must never show Chinese (a test
 * keeps every namespace's two files complete).
 */

import type { Locale as AdmLocale } from 'antd-mobile/es/locales/base';
import admZh from 'antd-mobile/es/locales/zh-CN';
import i18n from 'i18next';
import resourcesToBackend from 'i18next-resources-to-backend';
import { useState } from 'react';
import { initReactI18next } from 'react-i18next';
import { type Language, updateSettings, useSettings } from '../settings.ts';
import zh from './locales/zh-CN.json';

/** The namespaces besides `translation`; each has `locales/<namespace>.<language>.json`. */
export const NAMESPACES = ['government', 'governance', 'staff', 'ops', 'admin'] as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: {
      translation: typeof zh;
      government: typeof import('./locales/government.zh-CN.json');
      governance: typeof import('./locales/governance.zh-CN.json');
      staff: typeof import('./locales/staff.zh-CN.json');
      ops: typeof import('./locales/ops.zh-CN.json');
      admin: typeof import('./locales/admin.zh-CN.json');
    };
  }
}

const admLocales: Partial<Record<Language, AdmLocale>> = { 'zh-CN': admZh };

/** Loads a namespace's texts in a language (each file is its own chunk). */
const backend = resourcesToBackend(async (language: string, namespace: string) => {
  if (namespace === 'translation') {
    if (language === 'zh-CN') return zh;
    return (await import('./locales/en.json')).default;
  }
  return (await import(`./locales/${namespace}.${language}.json`)).default;
});

/** Starts i18next in `language` (loading it first when it is not built in). */
export async function initI18n(language: Language): Promise<void> {
  await i18n
    .use(backend)
    .use(initReactI18next)
    .init({
      lng: 'zh-CN',
      fallbackLng: false,
      // Only the language asked for: `zh` (from `zh-CN`) is not one of the app's languages.
      load: 'currentOnly',
      ns: ['translation'],
      defaultNS: 'translation',
      resources: { 'zh-CN': { translation: zh } },
      // The built-in Chinese texts are only part of them: the backend loads the rest.
      partialBundledLanguages: true,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  await switchLanguage(language);
}

/** Loads `language` if need be (its antd-mobile texts too) and makes it current. */
export async function switchLanguage(language: Language): Promise<void> {
  if (!admLocales[language]) admLocales[language] = (await import('antd-mobile/es/locales/en-US')).default;
  await i18n.changeLanguage(language);
}

/** antd-mobile's own texts (pickers, empty states) in `language`. */
export function admLocale(language: Language): AdmLocale {
  return admLocales[language] ?? admZh;
}

export { i18n };

/** Switches the app to `language`: loads its texts first, then stores the choice and re-renders. */
export async function changeLanguage(language: Language): Promise<void> {
  await switchLanguage(language);
  updateSettings({ language });
}

/** A language toggle's state: the language it switches to, whether it is switching, and the switch. */
export function useLanguageToggle(): { next: Language; busy: boolean; toggle: () => Promise<void> } {
  const { language } = useSettings();
  const [busy, setBusy] = useState(false);
  const next: Language = language === 'zh-CN' ? 'en' : 'zh-CN';
  return {
    next,
    busy,
    async toggle() {
      setBusy(true);
      try {
        await changeLanguage(next);
      } finally {
        setBusy(false);
      }
    },
  };
}

/** The name of `language`, written in that language (what a language button shows). */
export function languageName(language: Language): string {
  return language === 'en' ? 'English' : '中文';
}
