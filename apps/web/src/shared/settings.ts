/**
 * The citizen's own settings, kept on this device: the language and elder mode (适老化).
 * They are applied to the document (`<html lang>`, the `elder` class that enlarges type and
 * touch targets) and read by components through {@link useSettings}. A cookie repeats them
 * (`onecity_view=<language>.<0|1>`, nothing else) so that the server's first render of a
 * public page is drawn in the same language and size as the app will be.
 */
import { useSyncExternalStore } from 'react';

/** The languages the app speaks. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number];

/** What is stored. */
export interface Settings {
  language: Language;
  elder: boolean;
}

const KEY = 'onecity.settings';
/** The cookie the server reads for its first render; its format is parsed by the server's web-app code. */
export const VIEW_COOKIE = 'onecity_view';
const DEFAULTS: Settings = { language: 'zh-CN', elder: false };

function load(): Settings {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Settings>;
    return {
      language: LANGUAGES.includes(raw.language as Language) ? (raw.language as Language) : DEFAULTS.language,
      elder: raw.elder === true,
    };
  } catch {
    // Storage may be disabled (private mode) or hold garbage: the defaults still work.
    return { ...DEFAULTS };
  }
}

let current: Settings = load();

/** Repeats the settings in {@link VIEW_COOKIE} (a year; sent to this site only). */
export function storeViewCookie(settings: Settings = current): void {
  try {
    // biome-ignore lint/suspicious/noDocumentCookie: one plain first-party cookie needs no Cookie Store API (not in every browser).
    document.cookie = `${VIEW_COOKIE}=${settings.language}.${settings.elder ? 1 : 0}; Path=/; Max-Age=31536000; SameSite=Lax${location.protocol === 'https:' ? '; Secure' : ''}`;
  } catch {
    // Cookies disabled: the server draws its default, and the app redraws in the chosen settings.
  }
}

/**
 * Sets the settings for one render outside a browser (the server's first render of a page),
 * without storing them anywhere.
 */
export function setSettingsForRender(settings: Settings): void {
  current = { ...settings };
}
const listeners = new Set<() => void>();

/** Applies the settings to the document: language for screen readers and fonts, the elder-mode class. */
export function applyToDocument(settings: Settings = current): void {
  const html = document.documentElement;
  html.lang = settings.language;
  html.classList.toggle('elder', settings.elder);
}

/** The settings now. */
export function getSettings(): Settings {
  return current;
}

/** Changes some settings, stores them and tells every subscriber. */
export function updateSettings(change: Partial<Settings>): void {
  current = { ...current, ...change };
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Not stored (storage disabled), but still in force for this visit.
  }
  applyToDocument(current);
  storeViewCookie(current);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The settings, re-rendering the caller when they change. */
export function useSettings(): Settings {
  return useSyncExternalStore(subscribe, getSettings, getSettings);
}
