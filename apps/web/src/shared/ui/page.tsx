/** Page furniture: the document title, a screen's heading with an optional back link. */
import { LeftOutline } from 'antd-mobile-icons';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/** Sets the document title (WCAG 2.4.2) to `title · app name`. */
export function useDocumentTitle(title: string | null | undefined): void {
  const { t } = useTranslation();
  useEffect(() => {
    const app = t('app.name');
    document.title = title ? `${title} · ${app}` : app;
  }, [title, t]);
}

/** A screen's heading; with `back`, a button that returns to the previous screen (or home). */
export function PageHeading({ title, back, children }: { title: string; back?: boolean; children?: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div className="page-heading">
      {back ? (
        <button
          type="button"
          className="icon-button page-heading__back"
          onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/'))}
        >
          <LeftOutline aria-hidden="true" />
          <span className="visually-hidden">{t('nav.back')}</span>
        </button>
      ) : null}
      <h1 className="page-heading__title">{title}</h1>
      {children}
    </div>
  );
}
