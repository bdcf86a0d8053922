/** A path the app does not have, and an error the router caught: both with a way home. */
import { Button } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { PageHeading, useDocumentTitle } from '../shared/ui/page.tsx';
import { Empty } from '../shared/ui/states.tsx';

/** No screen at this address. */
export function NotFoundScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  useDocumentTitle(t('notFound.title'));
  return (
    <div className="page page--narrow">
      <PageHeading title={t('notFound.title')} />
      <Empty
        title={t('notFound.body')}
        action={
          <Button color="primary" onClick={() => navigate('/')}>
            {t('notFound.home')}
          </Button>
        }
      />
    </div>
  );
}

/** Shown when a screen fails to load or render (a lost connection while fetching its code, a bug). */
export function RouteError() {
  const { t } = useTranslation();
  return (
    <div className="page page--narrow" role="alert">
      <h1 className="page-heading__title">{t('state.errorTitle')}</h1>
      <p>{t('errors.screen')}</p>
      <Button color="primary" onClick={() => window.location.assign('/')}>
        {t('notFound.home')}
      </Button>
    </div>
  );
}
