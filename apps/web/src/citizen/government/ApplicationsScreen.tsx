/** My applications (我的办件): each with its status, service, tracking number, dates and time limit. */
import { Button } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { type ApplicationListItem, useMyApplications, useServicesByCode } from '../../shared/api/applications.ts';
import { formatDays, pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../shared/ui/states.tsx';
import './government.css';
import { StatusChip, useDates } from './status.tsx';

const FILTERS = ['all', 'open', 'done'] as const;
type Filter = (typeof FILTERS)[number];

function isOpen(a: ApplicationListItem) {
  return ['draft', 'waiting', 'in_progress', 'awaiting_applicant'].includes(a.status);
}

/** The list of my applications. */
export function ApplicationsScreen() {
  const { t } = useTranslation('government');
  const { t: ts } = useTranslation();
  const { language } = useSettings();
  const navigate = useNavigate();
  const dates = useDates();
  const list = useMyApplications();
  const services = useServicesByCode(list.data?.items.map((a) => a.serviceCode) ?? []);
  const [params] = useSearchParams();
  const filter: Filter = FILTERS.includes(params.get('show') as Filter) ? (params.get('show') as Filter) : 'all';
  useDocumentTitle(t('list.title'));

  const body = () => {
    if (list.isPending) return <Loading lines={6} />;
    if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
    const items = list.data.items.filter((a) => filter === 'all' || (filter === 'open') === isOpen(a));
    if (items.length === 0) {
      return (
        <Empty
          title={filter === 'all' ? t('list.empty') : t('list.emptyFiltered')}
          hint={t('list.emptyHint')}
          action={
            <Button color="primary" onClick={() => navigate('/search')}>
              {t('list.findService')}
            </Button>
          }
        />
      );
    }
    return (
      <ul className="gov-list">
        {items.map((a) => {
          const service = services.get(a.serviceCode);
          const name = service ? pick(language, service.nameZh, service.nameEn) : a.serviceCode;
          return (
            <li key={a.id}>
              <Link to={`/me/applications/${a.id}`} className="gov-list__item">
                <div className="gov-list__head">
                  <span className="gov-list__name">{name}</span>
                  <StatusChip status={a.status} />
                </div>
                {service ? (
                  <span className="gov-list__meta">
                    {pick(language, service.department.nameZh, service.department.nameEn)}
                  </span>
                ) : null}
                <dl className="gov-list__facts">
                  <div>
                    <dt>{t('list.trackingNo')}</dt>
                    <dd>{a.trackingNo ?? t('list.noTrackingNo')}</dd>
                  </div>
                  <div>
                    <dt>{a.submittedAt ? t('list.submitted') : t('list.started')}</dt>
                    <dd>{dates.date(a.submittedAt ?? a.createdAt)}</dd>
                  </div>
                  {a.completedAt ? (
                    <div>
                      <dt>{t('list.completed')}</dt>
                      <dd>{dates.date(a.completedAt)}</dd>
                    </div>
                  ) : service ? (
                    <div>
                      <dt>{t('list.promised')}</dt>
                      <dd>{formatDays(ts, service.promisedDays)}</dd>
                    </div>
                  ) : null}
                </dl>
                <RightOutline className="gov-list__chevron" aria-hidden="true" />
              </Link>
            </li>
          );
        })}
      </ul>
    );
  };

  return (
    <div className="page page--narrow gov-page">
      <PageHeading title={t('list.title')} back />
      <fieldset className="segmented segmented--block">
        <legend className="visually-hidden">{t('list.filter')}</legend>
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            className="segmented__item"
            aria-pressed={filter === f}
            onClick={() => navigate(f === 'all' ? '/me/applications' : `/me/applications?show=${f}`, { replace: true })}
          >
            {t(`list.show.${f}`)}
          </button>
        ))}
      </fieldset>
      {body()}
    </div>
  );
}
