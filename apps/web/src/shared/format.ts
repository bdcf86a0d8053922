/** Shows catalog values (bilingual names, fees, working days) in the user's language. */
import type { TFunction } from 'i18next';
import type { Language } from './settings.ts';

/** The text of a zh/en pair in `language`. */
export function pick(language: Language, zh: string, en: string): string {
  return language === 'zh-CN' ? zh : en;
}

/** A `{ zh, en }` name in `language`. */
export function pickNames(language: Language, names: { zh: string; en: string } | undefined): string {
  return names ? pick(language, names.zh, names.en) : '';
}

/** A fee in fen as money (¥120.00), or "free". */
export function formatFee(t: TFunction, language: Language, fen: number): string {
  if (fen === 0) return t('service.free');
  return new Intl.NumberFormat(language, { style: 'currency', currency: 'CNY' }).format(fen / 100);
}

/** A time limit in working days, or "on the spot" for 0. */
export function formatDays(t: TFunction, days: number): string {
  return days === 0 ? t('service.onTheSpot') : t('service.workingDays', { count: days });
}
