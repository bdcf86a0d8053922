/**
 * Applying for a service. This first version names the service and what the applicant will
 * be asked for (the materials the city does not hold); the form rendered from the service's
 * schema, pre-filled from the profile, takes this screen's place.
 */
import { Button } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { type ServiceSpecView, useService } from '../../shared/api/catalog.ts';
import { pick, pickNames } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading } from '../../shared/ui/states.tsx';

/** The apply screen. */
export function ApplyScreen() {
  const { t } = useTranslation();
  const { language } = useSettings();
  const { code = '' } = useParams();
  const navigate = useNavigate();
  const service = useService(code);
  useDocumentTitle(t('apply.title'));
  if (service.isPending) return <Loading lines={6} />;
  if (service.isError) return <ErrorState error={service.error} onRetry={() => service.refetch()} />;
  const s = service.data;
  const spec = s.spec as ServiceSpecView;
  const toUpload = (spec.materials ?? []).filter((m) => !m.heldBy && m.kind === 'upload');
  return (
    <div className="page page--narrow">
      <PageHeading title={t('apply.title')} back />
      <section className="card" aria-labelledby="apply-service">
        <h2 id="apply-service" className="card__title">
          {pick(language, s.nameZh, s.nameEn)}
        </h2>
        <p>{t('apply.intro')}</p>
        {toUpload.length > 0 ? (
          <>
            <p>{t('apply.prepare')}</p>
            <ul className="plain-list">
              {toUpload.map((m) => (
                <li key={m.code}>{pickNames(language, m.name)}</li>
              ))}
            </ul>
          </>
        ) : (
          <p>{t('apply.nothingToPrepare')}</p>
        )}
        <p className="notice">{t('apply.notYet')}</p>
        <Button
          block
          color="primary"
          fill="outline"
          onClick={() => navigate(`/services/${encodeURIComponent(s.code)}`)}
        >
          {t('apply.back')}
        </Button>
      </section>
    </div>
  );
}
