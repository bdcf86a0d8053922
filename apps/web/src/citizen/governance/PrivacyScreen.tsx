/**
 * Privacy and consents: each notice (privacy, location, biometric) to read, whether I agreed
 * to it, and a way to agree or withdraw; a download of everything held about me; and the way to
 * who accessed my data.
 */
import { Button, Dialog, Toast } from 'antd-mobile';
import { DownlandOutline, RightOutline } from 'antd-mobile-icons';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Consent, ConsentKind, PrivacyNotice } from '#contracts';
import {
  consentState,
  useConsents,
  useExportMyData,
  useGrantConsent,
  usePrivacyNotices,
  useWithdrawConsent,
} from '../../shared/api/privacy.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading, useErrorMessage } from '../../shared/ui/states.tsx';
import { formatDate } from './common.tsx';
import './governance.css';

const ORDER: ConsentKind[] = ['privacy', 'location', 'biometric'];

function NoticeCard({ notice, consents }: { notice: PrivacyNotice; consents: Consent[] }) {
  const { t } = useTranslation('governance');
  const { language } = useSettings();
  const grant = useGrantConsent();
  const withdraw = useWithdrawConsent();
  const errorMessage = useErrorMessage();
  const ids = { title: useId(), state: useId() };
  const { state, current } = consentState(consents, notice.kind, notice);
  const date = (iso: string | null | undefined) => (iso ? formatDate(language, iso) : '');
  const stateText =
    state === 'granted'
      ? t('privacy.state.granted', { version: current?.version, date: date(current?.grantedAt) })
      : state === 'outdated'
        ? t('privacy.state.outdated', { version: current?.version })
        : state === 'withdrawn'
          ? t('privacy.state.withdrawn', { date: date(current?.withdrawnAt) })
          : t('privacy.state.never');
  const error = grant.error ?? withdraw.error;
  return (
    <section className="card gov-notice" aria-labelledby={ids.title}>
      <div className="gov-card__head">
        <h2 id={ids.title} className="card__title">
          {pick(language, notice.titleZh, notice.titleEn)}
        </h2>
        <span className={`gov-consent-state gov-consent-state--${state}`} id={ids.state}>
          {t(`privacy.badge.${state}`)}
        </span>
      </div>
      <p className="hint">{t(`privacy.why.${notice.kind}`)}</p>
      <details className="gov-notice__text">
        <summary>{t('privacy.read', { version: notice.version, date: date(notice.publishedAt) })}</summary>
        <p>{pick(language, notice.bodyZh, notice.bodyEn)}</p>
      </details>
      <p className="gov-notice__state">{stateText}</p>
      {error ? (
        <p className="form-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      <div className="gov-act__buttons">
        {state === 'granted' ? (
          <Button
            color="danger"
            fill="outline"
            loading={withdraw.isPending}
            aria-describedby={ids.state}
            onClick={async () => {
              const title = pick(language, notice.titleZh, notice.titleEn);
              const sure = await Dialog.confirm({
                title: t('privacy.withdrawConfirmTitle', { title }),
                content: t(`privacy.withdrawEffect.${notice.kind}`),
                confirmText: t('privacy.withdraw'),
                cancelText: t('detail.cancel'),
              });
              if (sure)
                withdraw.mutate(notice.kind, {
                  onSuccess: () => Toast.show({ content: t('privacy.withdrawn'), icon: 'success' }),
                });
            }}
          >
            {t('privacy.withdraw')}
          </Button>
        ) : (
          <Button
            color="primary"
            loading={grant.isPending}
            aria-describedby={ids.state}
            onClick={() =>
              grant.mutate(
                { kind: notice.kind, version: notice.version },
                { onSuccess: () => Toast.show({ content: t('privacy.granted'), icon: 'success' }) },
              )
            }
          >
            {state === 'outdated' ? t('privacy.agreeNew') : t('privacy.agree')}
          </Button>
        )}
      </div>
    </section>
  );
}

/** The privacy and consents screen. */
export function PrivacyScreen() {
  const { t } = useTranslation('governance');
  const notices = usePrivacyNotices();
  const consents = useConsents();
  const exporter = useExportMyData();
  const errorMessage = useErrorMessage();
  useDocumentTitle(t('privacy.title'));
  const sorted = [...(notices.data ?? [])].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return (
    <div className="page page--narrow">
      <PageHeading title={t('privacy.title')} back />
      <p className="lead">{t('privacy.intro')}</p>
      {notices.isPending || consents.isPending ? (
        <Loading lines={8} />
      ) : notices.isError ? (
        <ErrorState error={notices.error} onRetry={() => notices.refetch()} />
      ) : consents.isError ? (
        <ErrorState error={consents.error} onRetry={() => consents.refetch()} />
      ) : (
        sorted.map((notice) => <NoticeCard key={notice.kind} notice={notice} consents={consents.data} />)
      )}
      <section className="card" aria-labelledby="my-data-title">
        <h2 id="my-data-title" className="card__title">
          {t('privacy.myData')}
        </h2>
        <p className="hint">{t('privacy.exportHint')}</p>
        {exporter.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(exporter.error)}
          </p>
        ) : null}
        {exporter.isSuccess ? (
          <p className="notice" role="status">
            {t('privacy.exported')}
          </p>
        ) : null}
        <Button color="primary" fill="outline" loading={exporter.isPending} onClick={() => exporter.mutate()}>
          <DownlandOutline className="button-icon" aria-hidden="true" />
          {t('privacy.export')}
        </Button>
        <ul className="link-list gov-link-list--flush">
          <li>
            <Link to="/me/data-access" className="link-list__item">
              <span>{t('me.dataAccess')}</span>
              <RightOutline aria-hidden="true" className="link-list__chevron" />
            </Link>
          </li>
        </ul>
      </section>
    </div>
  );
}
