/**
 * Pieces every workbench screen uses: loading, empty and error states in antd, the live
 * countdown to a time limit (red once it has passed), status and priority tags, dates in the
 * user's language, and a page heading that sets the document title.
 */
import { Alert, Button, Empty, Skeleton } from 'antd';
import { type ReactNode, useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../shared/api/client.ts';
import type { WorkOrderItem } from '../shared/api/staff.ts';
import type { Language } from '../shared/settings.ts';
import { useSettings } from '../shared/settings.ts';

// ---------- one clock for every countdown on screen ----------

let now = Date.now();
const ticking = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribeClock(listener: () => void) {
  ticking.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      for (const l of ticking) l();
    }, 1000);
  }
  return () => {
    ticking.delete(listener);
    if (ticking.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The time now, re-rendering every second. */
export function useNow(): number {
  return useSyncExternalStore(
    subscribeClock,
    () => now,
    () => now,
  );
}

// ---------- formatting ----------

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/**
 * Text people wrote (a report, an answer, a name), marked with its own language when it is not
 * the screen's, so that screen readers pronounce it right (WCAG 3.1.2).
 */
export function UserText({ text }: { text: string }) {
  const { language } = useSettings();
  const chinese = CJK.test(text);
  const lang =
    chinese && language !== 'zh-CN'
      ? 'zh-CN'
      : !chinese && /[A-Za-z]{2,}/.test(text) && language === 'zh-CN'
        ? 'en'
        : undefined;
  return lang ? <span lang={lang}>{text}</span> : text;
}

/** A date and time in the user's language (the city's local time as the browser shows it). */
export function formatDateTime(language: Language, iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** Sets the document title to `title · workbench`. */
export function useStaffTitle(title: string | null | undefined): void {
  const { t } = useTranslation('staff');
  useEffect(() => {
    const area = t('app.title');
    document.title = title ? `${title} · ${area}` : area;
  }, [title, t]);
}

/** A screen's heading with optional extra content on the right. */
export function StaffHeading({ title, back, extra }: { title: string; back?: string; extra?: ReactNode }) {
  const { t } = useTranslation('staff');
  useStaffTitle(title);
  return (
    <div className="staff-heading">
      {back ? (
        <Link to={back} className="staff-heading__back">
          {t('nav.back')}
        </Link>
      ) : null}
      <div className="staff-heading__row">
        <h1 className="staff-heading__title">{title}</h1>
        {extra ? <div className="staff-heading__extra">{extra}</div> : null}
      </div>
    </div>
  );
}

// ---------- states ----------

/** Placeholder while something loads (announced to screen readers). */
export function StaffLoading({ rows = 4 }: { rows?: number }) {
  const { t } = useTranslation('staff');
  return (
    <div className="state--loading staff-state" role="status" aria-live="polite">
      <span className="visually-hidden">{t('state.loading')}</span>
      <Skeleton active paragraph={{ rows }} title={false} />
    </div>
  );
}

/** Nothing to show. */
export function StaffEmpty({ title, hint }: { title: string; hint?: string }) {
  return (
    <div className="staff-state">
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <span>
            <strong className="staff-empty__title">{title}</strong>
            {hint ? <span className="staff-empty__hint">{hint}</span> : null}
          </span>
        }
      />
    </div>
  );
}

/** The message of a failed call in the user's language. */
export function useStaffErrorMessage() {
  const { t } = useTranslation('staff');
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      if (error.code === 'NETWORK') return t('state.network');
      if (error.title) return error.title;
    }
    return t('state.unexpected');
  };
}

/** A failure with a way to try again. */
export function StaffError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation('staff');
  const message = useStaffErrorMessage()(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div className="state--error staff-state" role="alert">
      <Alert
        type="error"
        showIcon
        title={t('state.errorTitle')}
        description={
          <>
            <p>{message}</p>
            {requestId ? (
              <p className="staff-weak">
                {t('state.reference')} <code>{requestId}</code>
              </p>
            ) : null}
          </>
        }
        action={
          onRetry ? (
            <Button size="small" onClick={onRetry}>
              {t('state.retry')}
            </Button>
          ) : undefined
        }
      />
    </div>
  );
}

/** An error of a form submission (inline, announced). */
export function FormAlert({ error }: { error: unknown }) {
  const message = useStaffErrorMessage();
  if (!error) return null;
  const fields = error instanceof ApiError ? error.errors : [];
  return (
    <div role="alert">
      <Alert
        type="error"
        showIcon
        title={message(error)}
        description={
          fields.length ? (
            <ul className="staff-plain-list">
              {fields.map((f) => (
                <li key={`${f.field}:${f.message}`}>{f.message}</li>
              ))}
            </ul>
          ) : undefined
        }
      />
    </div>
  );
}

// ---------- time limits ----------

/** The limit the next step of a work order must meet: accepting it, or resolving it. */
export function nextDue(item: Pick<WorkOrderItem, 'status' | 'acceptDueAt' | 'resolveDueAt'>): {
  kind: 'accept' | 'resolve';
  at: string;
} | null {
  if ((item.status === 'awaiting_dispatch' || item.status === 'dispatched') && item.acceptDueAt) {
    return { kind: 'accept', at: item.acceptDueAt };
  }
  if (['accepted', 'assigned', 'in_progress'].includes(item.status) && item.resolveDueAt) {
    return { kind: 'resolve', at: item.resolveDueAt };
  }
  return null;
}

function spell(t: (key: 'time.dhm' | 'time.hm' | 'time.ms', o: Record<string, number>) => string, ms: number) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return t('time.dhm', { d, h, m });
  if (h > 0) return t('time.hm', { h, m });
  return t('time.ms', { m, s });
}

/** A live countdown to `at`: "2 h 5 min left to accept", red and "overdue by …" once it has passed. */
export function Countdown({ at, kind, compact }: { at: string; kind: 'accept' | 'resolve'; compact?: boolean }) {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const current = useNow();
  const left = new Date(at).getTime() - current;
  const overdue = left < 0;
  const soon = !overdue && left < 30 * 60_000;
  const amount = spell(t, left);
  const tone = overdue ? 'overdue' : soon ? 'soon' : 'ok';
  const label = overdue
    ? t(kind === 'accept' ? 'countdown.acceptOverdue' : 'countdown.resolveOverdue', { amount })
    : t(kind === 'accept' ? 'countdown.acceptLeft' : 'countdown.resolveLeft', { amount });
  return (
    <time
      dateTime={at}
      className={`countdown countdown--${tone}${compact ? ' countdown--compact' : ''}`}
      title={formatDateTime(language, at)}
    >
      {label}
    </time>
  );
}

/** Working days left on an application step (negative: overdue), or paused while the applicant supplies material. */
export function WorkingDays({ days, overdue, paused }: { days: number | null; overdue: boolean; paused?: boolean }) {
  const { t } = useTranslation('staff');
  if (paused) return <span className="countdown countdown--paused">{t('workingDays.paused')}</span>;
  if (days === null) return <span className="staff-weak">{t('workingDays.none')}</span>;
  if (overdue || days < 0) {
    return <span className="countdown countdown--overdue">{t('workingDays.overdue', { count: Math.abs(days) })}</span>;
  }
  if (days === 0) return <span className="countdown countdown--soon">{t('workingDays.today')}</span>;
  return (
    <span className={`countdown ${days <= 1 ? 'countdown--soon' : 'countdown--ok'}`}>
      {t('workingDays.left', { count: days })}
    </span>
  );
}

// ---------- tags ----------

/** A small coloured label; every tone passes 4.5:1 contrast (staff.css). */
export function Pill({
  tone,
  children,
}: {
  tone: 'blue' | 'green' | 'gold' | 'red' | 'grey' | 'purple';
  children: ReactNode;
}) {
  return <span className={`pill pill--${tone}`}>{children}</span>;
}

const STATUS_COLOURS: Record<string, 'blue' | 'green' | 'gold' | 'red' | 'grey' | 'purple'> = {
  awaiting_dispatch: 'gold',
  dispatched: 'blue',
  accepted: 'blue',
  assigned: 'purple',
  in_progress: 'purple',
  resolved: 'green',
  closed: 'grey',
  invalid: 'grey',
  merged: 'grey',
};

/** A work order's status. */
export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation('staff');
  return (
    <Pill tone={STATUS_COLOURS[status] ?? 'grey'}>
      {t(`status.${status}` as 'status.dispatched', { defaultValue: status })}
    </Pill>
  );
}

const PRIORITY_COLOURS: Record<string, 'red' | 'gold' | 'blue' | 'grey'> = {
  urgent: 'red',
  high: 'gold',
  normal: 'blue',
  low: 'grey',
};

/** A work order's priority. */
export function PriorityTag({ priority }: { priority: string }) {
  const { t } = useTranslation('staff');
  return (
    <Pill tone={PRIORITY_COLOURS[priority] ?? 'grey'}>
      {t(`priority.${priority}` as 'priority.normal', { defaultValue: priority })}
    </Pill>
  );
}

/** Escalation to the supervisor (1) or to the operations centre (2). */
export function EscalationTag({ level }: { level: number }) {
  const { t } = useTranslation('staff');
  if (level <= 0) return null;
  return <Pill tone="red">{t(level >= 2 ? 'escalation.operations' : 'escalation.supervisor')}</Pill>;
}
