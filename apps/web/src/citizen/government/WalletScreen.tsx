/** My certificates (证照夹): every e-certificate issued to me or the enterprise I act for, as cards. */
import { Button } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useCredentials } from '../../shared/api/applications.ts';
import { pickNames } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../shared/ui/states.tsx';
import './government.css';
import { CredentialChip, langOf, useDates } from './status.tsx';

/** The wallet screen. */
export function WalletScreen() {
  const { t } = useTranslation('government');
  const { language } = useSettings();
  const navigate = useNavigate();
  const dates = useDates();
  const credentials = useCredentials();
  useDocumentTitle(t('wallet.title'));
  return (
    <div className="page page--narrow gov-page">
      <PageHeading title={t('wallet.title')} back />
      <p className="lead">{t('wallet.intro')}</p>
      {credentials.isPending ? (
        <Loading lines={6} />
      ) : credentials.isError ? (
        <ErrorState error={credentials.error} onRetry={() => credentials.refetch()} />
      ) : credentials.data.items.length === 0 ? (
        <Empty
          title={t('wallet.empty')}
          hint={t('wallet.emptyHint')}
          action={
            <Button color="primary" onClick={() => navigate('/search')}>
              {t('list.findService')}
            </Button>
          }
        />
      ) : (
        <ul className="gov-wallet">
          {credentials.data.items.map((c) => (
            <li key={c.id}>
              <Link to={`/me/credentials/${c.id}`} className={`gov-cert gov-cert--${c.state}`}>
                <span className="gov-cert__issuer">
                  {pickNames(language, c.issuer.city)} · {pickNames(language, c.issuer.department.name)}
                </span>
                <span className="gov-cert__name">{pickNames(language, c.typeName)}</span>
                <span className="gov-cert__holder" lang={langOf(c.holder.display)}>
                  {c.holder.display}
                </span>
                <span className="gov-cert__foot">
                  <span>
                    {c.validUntil ? t('wallet.validUntil', { date: dates.date(c.validUntil) }) : t('wallet.noExpiry')}
                  </span>
                  <CredentialChip state={c.state} />
                </span>
                <RightOutline className="gov-cert__chevron" aria-hidden="true" />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
