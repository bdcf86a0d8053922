/**
 * One service, everything an applicant needs before starting: what it is, who may apply,
 * the materials (and which the city already holds, so they are never asked for), the fee,
 * the time limits by law and as promised, and how many trips to a counter it takes and why.
 */

import { Button } from 'antd-mobile';
import { CheckCircleFill, RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { ServiceMaterial } from '#contracts';
import { type ServiceSpecView, useBundles, useService } from '../../shared/api/catalog.ts';
import { ApiError } from '../../shared/api/client.ts';
import { useSession } from '../../shared/api/session.ts';
import { formatDays, formatFee, pick, pickNames } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading } from '../../shared/ui/states.tsx';
import { ServiceFacts } from '../ServiceCard.tsx';

function Material({ material, signedIn }: { material: ServiceMaterial; signedIn: boolean }) {
  const { t } = useTranslation();
  const { language } = useSettings();
  return (
    <li className={material.heldBy ? 'material material--held' : 'material'}>
      <div className="material__main">
        <span className="material__name">{pickNames(language, material.name)}</span>
        <span className="material__kind">
          {t(`service.materialKind.${material.kind}`)}
          {material.optional ? ` · ${t('service.optional')}` : ''}
        </span>
      </div>
      {material.heldBy ? (
        <p className="material__held">
          <CheckCircleFill aria-hidden="true" />
          {signedIn ? t('service.heldByCity') : t('service.heldByCitySignedOut')}
        </p>
      ) : null}
    </li>
  );
}

/** The service detail screen. */
export function ServiceScreen() {
  const { t } = useTranslation();
  const { language } = useSettings();
  const { code = '' } = useParams();
  const navigate = useNavigate();
  const service = useService(code);
  const session = useSession();
  const bundles = useBundles();
  const name = service.data ? pick(language, service.data.nameZh, service.data.nameEn) : null;
  useDocumentTitle(name ?? t('service.title'));

  if (service.isPending) {
    return (
      <div className="page">
        <PageHeading title={t('service.title')} back />
        <Loading lines={10} />
      </div>
    );
  }
  if (service.isError) {
    const missing = service.error instanceof ApiError && service.error.status === 404;
    return (
      <div className="page">
        <PageHeading title={t('service.title')} back />
        <ErrorState error={service.error} onRetry={missing ? undefined : () => service.refetch()} />
        {missing ? (
          <p className="centered">
            <Link to="/search">{t('service.backToSearch')}</Link>
          </p>
        ) : null}
      </div>
    );
  }

  const s = service.data;
  const spec = s.spec as ServiceSpecView;
  const materials = spec.materials ?? [];
  const held = materials.filter((m) => m.heldBy).length;
  const signedIn = Boolean(session.data);
  const applyPath = `/services/${encodeURIComponent(s.code)}/apply`;
  const inBundles = s.online ? (bundles.data ?? []).filter((b) => b.services.includes(s.code)) : [];

  return (
    <div className="page service-page">
      <PageHeading title={name ?? ''} back />
      <p className="service-page__department">{pick(language, s.department.nameZh, s.department.nameEn)}</p>
      <ServiceFacts service={s} />
      <p className="service-page__summary">{pick(language, s.summaryZh, s.summaryEn)}</p>

      <div className="service-layout">
        <aside className="service-layout__aside">
          <section className="card" aria-labelledby="facts-title">
            <h2 id="facts-title" className="card__title">
              {t('service.keyFacts')}
            </h2>
            <dl className="fact-list">
              <div className="fact-list__row">
                <dt>{t('service.legalLimit')}</dt>
                <dd>{formatDays(t, s.legalDays)}</dd>
              </div>
              <div className="fact-list__row">
                <dt>{t('service.promisedLimit')}</dt>
                <dd>
                  <strong>{formatDays(t, s.promisedDays)}</strong>
                </dd>
              </div>
              <div className="fact-list__row">
                <dt>{t('service.fee')}</dt>
                <dd>
                  {formatFee(t, language, s.feeFen)}
                  {spec.fee?.note ? (
                    <span className="fact-list__note">{pickNames(language, spec.fee.note)}</span>
                  ) : null}
                </dd>
              </div>
              <div className="fact-list__row">
                <dt>{t('service.visits')}</dt>
                <dd>
                  {t('service.visitCount', { count: s.visits })}
                  <span className="fact-list__note">
                    {s.visits === 0 ? t('service.visitsNone') : pickNames(language, spec.visitReason)}
                  </span>
                </dd>
              </div>
              <div className="fact-list__row">
                <dt>{t('service.handledOnline')}</dt>
                <dd>{s.online ? t('service.onlineYes') : t('service.onlineNo')}</dd>
              </div>
              {spec.issues ? (
                <div className="fact-list__row">
                  <dt>{t('service.result')}</dt>
                  <dd>
                    {t('service.issues', { name: pickNames(language, spec.issues.name) })}
                    {spec.issues.validityYears ? (
                      <span className="fact-list__note">
                        {t('service.validity', { count: spec.issues.validityYears })}
                      </span>
                    ) : null}
                  </dd>
                </div>
              ) : null}
            </dl>
          </section>
          <div className="action-bar">
            <div className="action-bar__inner">
              {s.online ? (
                <Button
                  block
                  color="primary"
                  size="large"
                  onClick={() => navigate(signedIn ? applyPath : `/sign-in?next=${encodeURIComponent(applyPath)}`)}
                >
                  {signedIn ? t('service.apply') : t('service.signInToApply')}
                </Button>
              ) : (
                <p className="action-bar__note">{t('service.counterOnly')}</p>
              )}
            </div>
          </div>
        </aside>
        <div className="service-layout__main">
          {spec.eligibility ? (
            <section className="card" aria-labelledby="eligibility-title">
              <h2 id="eligibility-title" className="card__title">
                {t('service.eligibility')}
              </h2>
              <p>{pickNames(language, spec.eligibility)}</p>
            </section>
          ) : null}

          <section className="card" aria-labelledby="materials-title">
            <h2 id="materials-title" className="card__title">
              {t('service.materials')}
            </h2>
            {held > 0 ? (
              <p className="card__intro">
                {t(signedIn ? 'service.heldSummary' : 'service.heldSummarySignedOut', {
                  count: held,
                  total: materials.length,
                })}
              </p>
            ) : null}
            {materials.length === 0 ? (
              <p>{t('service.noMaterials')}</p>
            ) : (
              <ul className="material-list">
                {materials.map((m) => (
                  <Material key={m.code} material={m} signedIn={signedIn} />
                ))}
              </ul>
            )}
          </section>

          {inBundles.length ? (
            <section className="card" aria-labelledby="bundles-title">
              <h2 id="bundles-title" className="card__title">
                {t('service.bundles')}
              </h2>
              <p>{t('service.bundlesIntro')}</p>
              <ul className="bundle-list">
                {inBundles.map((b) => (
                  <li key={b.code}>
                    <Link className="bundle" to={`/bundles/${encodeURIComponent(b.code)}/apply`}>
                      <span className="bundle__name">{pick(language, b.nameZh, b.nameEn)}</span>
                      <span className="bundle__count">{t('home.bundleServices', { count: b.services.length })}</span>
                      <RightOutline className="bundle__chevron" aria-hidden="true" />
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          {spec.workflow?.steps.length ? (
            <section className="card" aria-labelledby="steps-title">
              <h2 id="steps-title" className="card__title">
                {t('service.steps')}
              </h2>
              <ol className="step-list">
                {spec.workflow.steps.map((step) => (
                  <li key={step.code}>{pickNames(language, step.name)}</li>
                ))}
              </ol>
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
