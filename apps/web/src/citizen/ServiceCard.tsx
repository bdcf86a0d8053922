/** A service in a list: its name, department and the facts that decide whether to go for it. */

import { RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ServiceSummary } from '#contracts';
import { formatDays, formatFee, pick } from '../shared/format.ts';
import { useSettings } from '../shared/settings.ts';

/** Badges for visits needed, promised time and fee. */
export function ServiceFacts({ service }: { service: ServiceSummary }) {
  const { t } = useTranslation();
  const { language } = useSettings();
  return (
    <ul className="facts" aria-label={t('service.factsLabel')}>
      <li className={service.visits === 0 ? 'badge badge--success' : 'badge badge--warning'}>
        {service.visits === 0 ? t('service.zeroVisit') : t('service.oneVisit')}
      </li>
      <li className="badge">
        {service.promisedDays === 0
          ? t('service.instant')
          : t('service.promisedShort', { days: formatDays(t, service.promisedDays) })}
      </li>
      <li className="badge">{formatFee(t, language, service.feeFen)}</li>
    </ul>
  );
}

/** One service as a link to its detail. */
export function ServiceCard({ service, showSummary = true }: { service: ServiceSummary; showSummary?: boolean }) {
  const { language, elder } = useSettings();
  return (
    <li className="service-card">
      <Link className="service-card__link" to={`/services/${encodeURIComponent(service.code)}`}>
        <div className="service-card__body">
          <span className="service-card__name">{pick(language, service.nameZh, service.nameEn)}</span>
          <span className="service-card__department">
            {pick(language, service.department.nameZh, service.department.nameEn)}
          </span>
          {showSummary && !elder ? (
            <span className="service-card__summary">{pick(language, service.summaryZh, service.summaryEn)}</span>
          ) : null}
          <ServiceFacts service={service} />
        </div>
        <RightOutline className="service-card__chevron" aria-hidden="true" />
      </Link>
    </li>
  );
}
