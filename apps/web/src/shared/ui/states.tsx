/**
 * Loading, empty and error states, the same on every screen: a loading state says so to screen
 * readers, an empty state says what to do next, an error says what went wrong in the user's
 * language (the server's problem title, or our own text when the server was not reached).
 */
import { Button, Skeleton } from 'antd-mobile';
import { ExclamationCircleOutline, FileWrongOutline } from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';

/** Placeholder lines while something loads. */
export function Loading({ lines = 3, label }: { lines?: number; label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state--loading" role="status" aria-live="polite">
      <span className="visually-hidden">{label ?? t('state.loading')}</span>
      <Skeleton.Paragraph lineCount={lines} animated aria-hidden="true" />
    </div>
  );
}

/** Nothing to show, and what to do about it. */
export function Empty({ title, hint, action }: { title: string; hint?: string; action?: ReactNode }) {
  return (
    <div className="state state--empty">
      <FileWrongOutline className="state__icon" aria-hidden="true" />
      <p className="state__title">{title}</p>
      {hint ? <p className="state__hint">{hint}</p> : null}
      {action}
    </div>
  );
}

/** The message to show for a failed call, in the user's language. */
export function useErrorMessage() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      if (error.code === 'NETWORK') return t('errors.network');
      if (error.title) return error.title;
      return t('errors.unexpected');
    }
    return t('errors.unexpected');
  };
}

/** A failure, with a way to try again. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = useErrorMessage()(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div className="state state--error" role="alert">
      <ExclamationCircleOutline className="state__icon" aria-hidden="true" />
      <p className="state__title">{t('state.errorTitle')}</p>
      <p className="state__hint">{message}</p>
      {requestId ? (
        <p className="state__reference">
          {t('state.reference')} <code>{requestId}</code>
        </p>
      ) : null}
      {onRetry ? (
        <Button color="primary" fill="outline" onClick={onRetry}>
          {t('state.retry')}
        </Button>
      ) : null}
    </div>
  );
}
