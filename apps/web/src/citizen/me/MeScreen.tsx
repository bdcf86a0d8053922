/** "Me": who is signed in (personal data masked), settings, signing out — or the way to sign in. */
import { Button, Dialog } from 'antd-mobile';
import { RightOutline, SetOutline, UserCircleOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useProfile, useSession, useSignOut } from '../../shared/api/session.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { ErrorState, Loading } from '../../shared/ui/states.tsx';
import { GovernanceMeLinks } from '../governance/routes.tsx';
import { GovernmentMeLinks } from '../government/routes.tsx';
import { PasskeysMeLink } from '../passkeys/routes.tsx';

function SettingsLink() {
  const { t } = useTranslation();
  return (
    <ul className="link-list card">
      <li>
        <Link to="/settings" className="link-list__item">
          <SetOutline aria-hidden="true" />
          <span>{t('nav.settings')}</span>
          <RightOutline aria-hidden="true" className="link-list__chevron" />
        </Link>
      </li>
    </ul>
  );
}

/** The "me" screen. */
export function MeScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const signedIn = session.data?.principal.kind === 'citizen';
  const profile = useProfile(signedIn);
  const signOut = useSignOut();
  useDocumentTitle(t('me.title'));

  if (session.isPending) return <Loading lines={4} />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => session.refetch()} />;

  if (!signedIn) {
    return (
      <div className="page page--narrow">
        <PageHeading title={t('me.title')} />
        <section className="card me-card">
          <UserCircleOutline className="me-card__avatar" aria-hidden="true" />
          <p className="me-card__name">{t('me.signedOut')}</p>
          <p className="hint">{t('me.signedOutHint')}</p>
          <Button color="primary" size="large" block onClick={() => navigate('/sign-in?next=/me')}>
            {t('me.signIn')}
          </Button>
        </section>
        <SettingsLink />
      </div>
    );
  }

  const me = profile.data;
  return (
    <div className="page page--narrow">
      <PageHeading title={t('me.title')} />
      {profile.isPending ? (
        <Loading lines={3} />
      ) : profile.isError ? (
        <ErrorState error={profile.error} onRetry={() => profile.refetch()} />
      ) : me ? (
        <section className="card me-card" aria-labelledby="me-name">
          <UserCircleOutline className="me-card__avatar" aria-hidden="true" />
          <h2 id="me-name" className="me-card__name">
            {me.name ?? t('me.citizen')}
          </h2>
          <dl className="fact-list">
            {me.phone ? (
              <div className="fact-list__row">
                <dt>{t('me.phone')}</dt>
                <dd>{me.phone}</dd>
              </div>
            ) : null}
            {me.email ? (
              <div className="fact-list__row">
                <dt>{t('me.email')}</dt>
                <dd>{me.email}</dd>
              </div>
            ) : null}
            <div className="fact-list__row">
              <dt>{t('me.realName')}</dt>
              <dd>{me.realNameVerified ? t('me.verified') : t('me.notVerified')}</dd>
            </div>
            <div className="fact-list__row">
              <dt>{t('me.passkeys')}</dt>
              <dd>{t('me.passkeyCount', { count: me.passkeys })}</dd>
            </div>
          </dl>
        </section>
      ) : null}
      <GovernmentMeLinks />
      <GovernanceMeLinks />
      <PasskeysMeLink />
      <SettingsLink />
      <Button
        block
        size="large"
        color="danger"
        fill="outline"
        loading={signOut.isPending}
        onClick={async () => {
          const confirmed = await Dialog.confirm({
            content: t('me.signOutConfirm'),
            confirmText: t('me.signOut'),
            cancelText: t('me.cancel'),
          });
          if (confirmed) signOut.mutate(undefined, { onSettled: () => navigate('/', { replace: true }) });
        }}
      >
        {t('me.signOut')}
      </Button>
    </div>
  );
}
