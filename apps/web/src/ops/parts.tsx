/** Pieces of the operations screen: its loading state and a titled panel. */
import { Spin } from 'antd';
import type { ReactNode } from 'react';

/** While the screen's code, texts or session load. */
export function OpsLoading() {
  return (
    <div className="ops-loading" role="status" aria-live="polite">
      <Spin size="large" />
    </div>
  );
}

/** A titled region of the screen (a landmark, named by its heading). */
export function Panel({
  id,
  title,
  extra,
  children,
  className,
}: {
  id: string;
  title: string;
  extra?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`ops-panel ${className ?? ''}`} aria-labelledby={`${id}-title`}>
      <header className="ops-panel__head">
        <h2 id={`${id}-title`} className="ops-panel__title">
          {title}
        </h2>
        {extra}
      </header>
      <div className="ops-panel__body">{children}</div>
    </section>
  );
}
