/**
 * Pieces the governance screens share: a report's status as a badge, times in the user's
 * language, text people typed marked with the language it is in, and the names of categories
 * and departments (which the server sends by code).
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useDepartments } from '../../shared/api/catalog.ts';
import { type ReportCategory, type ReportStatus, useReportCategories } from '../../shared/api/reports.ts';
import { pick } from '../../shared/format.ts';
import { type Language, useSettings } from '../../shared/settings.ts';

/** How a status looks: waiting, needing the citizen, done, or refused. */
export function statusTone(status: ReportStatus): 'info' | 'action' | 'done' | 'refused' {
  if (status === 'resolved') return 'action';
  if (status === 'closed') return 'done';
  if (status === 'invalid' || status === 'merged') return 'refused';
  return 'info';
}

/** A report's status as a coloured badge. */
export function StatusBadge({ status }: { status: ReportStatus }) {
  const { t } = useTranslation('governance');
  return <span className={`gov-status gov-status--${statusTone(status)}`}>{t(`status.${status}`)}</span>;
}

/** A time as the user reads it (date and minutes). */
export function formatDateTime(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A date as the user reads it. */
export function formatDate(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(iso));
}

/** `<time>` with the machine-readable value. */
export function Time({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const { language } = useSettings();
  return <time dateTime={iso}>{dateOnly ? formatDate(language, iso) : formatDateTime(language, iso)}</time>;
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff]/;

/** The language free text is written in, as far as can be told: Chinese if it has Chinese characters. */
export function languageOf(text: string): Language {
  return CJK.test(text) ? 'zh-CN' : 'en';
}

/**
 * Text someone typed (a description, a staff note), marked with its own language so that screen
 * readers pronounce it right; it is shown as written, never translated.
 */
export function Typed({ text, as = 'span', className }: { text: string; as?: 'span' | 'p'; className?: string }) {
  const Tag = as;
  return (
    <Tag lang={languageOf(text)} className={className}>
      {text}
    </Tag>
  );
}

/** Category code → category, from the cached category tree. */
export function useCategoryIndex(): Map<string, ReportCategory> {
  const groups = useReportCategories();
  const index = new Map<string, ReportCategory>();
  for (const group of groups.data ?? []) for (const category of group.categories) index.set(category.code, category);
  return index;
}

/** A category's name in the user's language (the code while the tree loads). */
export function useCategoryName(): (code: string) => string {
  const { language } = useSettings();
  const index = useCategoryIndex();
  const { t } = useTranslation('governance');
  return (code) => {
    const category = index.get(code);
    return category ? pick(language, category.nameZh, category.nameEn) : t('common.categoryLoading');
  };
}

/** A department's name in the user's language, or null when unknown. */
export function useDepartmentName(): (code: string | null) => string | null {
  const { language } = useSettings();
  const departments = useDepartments();
  return (code) => {
    if (!code) return null;
    const department = departments.data?.find((d) => d.code === code);
    return department ? pick(language, department.nameZh, department.nameEn) : null;
  };
}

/** A new key for one submission, so that retrying it never files it twice. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A titled card of a governance screen. */
export function Card({
  id,
  title,
  children,
  className,
  action,
}: {
  id: string;
  title: string;
  children: ReactNode;
  className?: string;
  action?: ReactNode;
}) {
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={id}>
      <div className="gov-card__head">
        <h2 id={id} className="card__title">
          {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}
