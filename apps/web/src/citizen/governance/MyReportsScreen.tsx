/** My reports: what I reported, newest first, with where each stands and its tracking number. */
import { Button } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useMyReports } from '../../shared/api/reports.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../shared/ui/states.tsx';
import { StatusBadge, Time, Typed, useCategoryName } from './common.tsx';
import './governance.css';

const PAGE_SIZE = 20;

/** The "my reports" screen. */
export function MyReportsScreen() {
  const { t } = useTranslation('governance');
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const reports = useMyReports(page, PAGE_SIZE);
  const categoryName = useCategoryName();
  useDocumentTitle(t('mine.title'));
  const pages = reports.data ? Math.max(1, Math.ceil(reports.data.total / PAGE_SIZE)) : 1;

  return (
    <div className="page page--narrow">
      <PageHeading title={t('mine.title')} back>
        <Link to="/report" className="gov-heading-action">
          {t('mine.new')}
        </Link>
      </PageHeading>
      {reports.isPending ? (
        <Loading lines={6} />
      ) : reports.isError ? (
        <ErrorState error={reports.error} onRetry={() => reports.refetch()} />
      ) : reports.data.items.length === 0 ? (
        <section className="card">
          <Empty
            title={t('mine.empty')}
            hint={t('mine.emptyHint')}
            action={
              <Button color="primary" onClick={() => navigate('/report')}>
                {t('mine.new')}
              </Button>
            }
          />
        </section>
      ) : (
        <>
          <p className="hint">{t('mine.count', { count: reports.data.total })}</p>
          <ul className="gov-list">
            {reports.data.items.map((report) => (
              <li key={report.trackingNo}>
                <Link className="gov-item" to={`/me/reports/${encodeURIComponent(report.trackingNo)}`}>
                  <span className="gov-item__main">
                    <span className="gov-item__title">{categoryName(report.categoryCode)}</span>
                    <Typed className="gov-item__text" text={report.description} />
                    <span className="gov-item__meta">
                      <span className="gov-tracking">{report.trackingNo}</span>
                      <span aria-hidden="true"> · </span>
                      <Time iso={report.createdAt} />
                    </span>
                  </span>
                  <span className="gov-item__side">
                    <StatusBadge status={report.status} />
                    <RightOutline className="gov-item__chevron" aria-hidden="true" />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {pages > 1 ? (
            <nav className="gov-pager" aria-label={t('common.pages')}>
              <button type="button" className="text-button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                {t('common.previous')}
              </button>
              <span>{t('common.pageOf', { page, pages })}</span>
              <button type="button" className="text-button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                {t('common.next')}
              </button>
            </nav>
          ) : null}
        </>
      )}
    </div>
  );
}
