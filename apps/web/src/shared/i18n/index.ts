/**
 * i18next with the app's two languages. Chinese (the default) ships in the first bundle;
 * English, and antd-mobile's English texts, load when first chosen. There is no fallback
 * language: a missing English text must never show Chinese (a test keeps the files complete).
 */

import type { Locale as AdmLocale } from 'antd-mobile/es/locales/base';
import admZh from 'antd-mobile/es/locales/zh-CN';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { type Language, updateSettings } from '../settings.ts';
import zh from './locales/zh-CN.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zh };
  }
}

const admLocales: Partial<Record<Language, AdmLocale>> = { 'zh-CN': admZh };

async function load(language: Language): Promise<void> {
  if (language === 'zh-CN' || i18n.hasResourceBundle(language, 'translation')) return;
  const [messages, adm] = await Promise.all([import('./locales/en.json'), import('antd-mobile/es/locales/en-US')]);
  i18n.addResourceBundle(language, 'translation', messages.default);
  admLocales[language] = adm.default;
}

/** Starts i18next in `language` (loading it first when it is not built in). */
export async function initI18n(language: Language): Promise<void> {
  await i18n.use(initReactI18next).init({
    lng: 'zh-CN',
    fallbackLng: false,
    resources: { 'zh-CN': { translation: zh } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  await switchLanguage(language);
}

/** Loads `language` if need be and makes it current. */
export async function switchLanguage(language: Language): Promise<void> {
  await load(language);
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
