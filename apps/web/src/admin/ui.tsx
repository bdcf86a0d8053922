/** Pieces every administration screen uses: its heading and the error of a failed load. */
import { Alert, Button } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api/client.ts';
import { useDocumentTitle } from '../shared/ui/page.tsx';
import { useErrorMessage } from '../shared/ui/states.tsx';

/** A screen's title (also the document's) and what may be done on it. */
export function ScreenHeading({ title, intro, extra }: { title: string; intro?: string; extra?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <div className="admin-heading">
      <div>
        <h1 className="admin-heading__title">{title}</h1>
        {intro ? <p className="admin-heading__intro">{intro}</p> : null}
      </div>
      {extra ? <div className="admin-heading__extra">{extra}</div> : null}
    </div>
  );
}

/** A failed load, with a way to try again. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation('admin');
  const message = useErrorMessage()(error);
  const reference = error instanceof ApiError ? error.requestId : null;
  return (
    <Alert
      type="error"
      showIcon
      title={t('loadError')}
      description={reference ? `${message} (${t('reference', { id: reference })})` : message}
      action={onRetry ? <Button onClick={onRetry}>{t('retry')}</Button> : null}
    />
  );
}

/**
 * The language of a value the app does not translate (a person's name): Chinese when it has
 * Chinese characters, English otherwise, so that screen readers pronounce it right.
 */
export function langOf(text: string): 'zh-CN' | 'en' {
  return /[\u3400-\u9fff]/.test(text) ? 'zh-CN' : 'en';
}

/** A code (user name, zone or service code): an identifier, in no language. */
export function Code({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <code lang="zxx" className={className}>
      {children}
    </code>
  );
}
