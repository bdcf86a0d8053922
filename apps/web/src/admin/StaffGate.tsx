/**
 * Lets only signed-in staff with one of `roles` through: anyone else is told to sign in as staff
 * (and comes back here afterwards) or that their account has no access to this area.
 */
import { Button, Result, Spin } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import type { StaffProfile, StaffRoleName } from '#contracts';
import { useStaffSession } from '../shared/api/admin.ts';
import { useErrorMessage } from '../shared/ui/states.tsx';
import './admin.css';

/** The gate; `children` receives the signed-in profile. */
export function StaffGate({
  roles,
  children,
}: {
  roles: readonly StaffRoleName[];
  children: (profile: StaffProfile) => ReactNode;
}) {
  const { t } = useTranslation('admin');
  const { t: shared } = useTranslation();
  const location = useLocation();
  const session = useStaffSession();
  const errorMessage = useErrorMessage();
  const profile = session.data?.profile;
  const allowed = profile?.roles.some((role) => roles.includes(role)) ?? false;
  const refusal =
    session.isPending || allowed ? null : session.isError ? 'errorTitle' : profile ? 'deniedTitle' : 'signInTitle';
  // The screens inside name the document themselves; the gate only when it stands in their place.
  useEffect(() => {
    if (refusal) document.title = `${t(`gate.${refusal}`)} · ${shared('app.name')}`;
  }, [refusal, t, shared]);
  if (session.isPending) {
    return (
      <div className="gate" role="status">
        <Spin size="large" />
        <span className="visually-hidden">{t('gate.checking')}</span>
      </div>
    );
  }
  if (session.isError) {
    return (
      <main className="gate">
        <Result
          status="error"
          title={<h1 className="gate__title">{t('gate.errorTitle')}</h1>}
          subTitle={errorMessage(session.error)}
          extra={
            <Button type="primary" onClick={() => void session.refetch()}>
              {t('gate.retry')}
            </Button>
          }
        />
      </main>
    );
  }
  if (!session.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return (
      <main className="gate">
        <Result
          status="info"
          title={<h1 className="gate__title">{t('gate.signInTitle')}</h1>}
          subTitle={t('gate.signInHint')}
          extra={
            <Button type="primary" href={`/staff/sign-in?next=${next}`}>
              {t('gate.signIn')}
            </Button>
          }
        />
      </main>
    );
  }
  if (!profile || !allowed) {
    return (
      <main className="gate">
        <Result
          status="warning"
          title={<h1 className="gate__title">{t('gate.deniedTitle')}</h1>}
          subTitle={t('gate.deniedHint', { name: profile?.displayName ?? '' })}
          extra={
            <Button type="primary" href="/staff">
              {t('gate.toWorkbench')}
            </Button>
          }
        />
      </main>
    );
  }
  return <>{children(profile)}</>;
}
