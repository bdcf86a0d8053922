/**
 * Administration's frame, for platform administrators: a header with the sections
 * (departments, staff, categories and dispatch rules, services), the person signed in and the
 * language, and the section's screen below.
 */
import { ApartmentOutlined, AppstoreOutlined, BranchesOutlined, TeamOutlined } from '@ant-design/icons';
import { ConfigProvider, Layout } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useOutletContext } from 'react-router';
import type { StaffProfile } from '#contracts';
import { OpsLoading } from '../ops/parts.tsx';
import { AntdLanguageSwitch as StaffLanguageSwitch } from '../shared/ui/AntdLanguageSwitch.tsx';
import { AntdProvider } from '../shared/ui/AntdProvider.tsx';
import { StaffGate } from './StaffGate.tsx';
import { langOf } from './ui.tsx';
import './admin.css';

/** The signed-in administrator, for the screens inside. */
export function useAdminProfile(): StaffProfile {
  return useOutletContext<StaffProfile>();
}

function AdminShell({ profile }: { profile: StaffProfile }) {
  const { t } = useTranslation('admin');
  const items = [
    { to: '/admin/staff', icon: <TeamOutlined aria-hidden="true" aria-label={undefined} />, label: t('nav.staff') },
    {
      to: '/admin/departments',
      icon: <ApartmentOutlined aria-hidden="true" aria-label={undefined} />,
      label: t('nav.departments'),
    },
    {
      to: '/admin/dispatch',
      icon: <BranchesOutlined aria-hidden="true" aria-label={undefined} />,
      label: t('nav.dispatch'),
    },
    {
      to: '/admin/services',
      icon: <AppstoreOutlined aria-hidden="true" aria-label={undefined} />,
      label: t('nav.services'),
    },
  ];
  return (
    <Layout className="admin">
      <Layout.Header className="admin-header">
        <Link to="/admin" className="admin-brand">
          {t('brand')}
        </Link>
        <nav className="admin-nav" aria-label={t('nav.label')}>
          <ul className="admin-nav__list">
            {items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className="admin-nav__link">
                  {item.icon}
                  <span>{item.label}</span>
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="admin-header__tools">
          <a href="/ops" className="admin-header__link">
            {t('toOps')}
          </a>
          <span className="admin-header__who" lang={langOf(profile.displayName)}>
            {profile.displayName}
          </span>
          <StaffLanguageSwitch />
        </div>
      </Layout.Header>
      <Layout.Content className="admin-content">
        <main id="main" className="admin-main">
          <Suspense fallback={<OpsLoading />}>
            <Outlet context={profile} />
          </Suspense>
        </main>
      </Layout.Content>
    </Layout>
  );
}

/** Every administration screen. */
export function AdminArea() {
  return (
    <AntdProvider>
      <ConfigProvider theme={{ token: { colorTextPlaceholder: '#636a75', colorTextDisabled: '#6b7280' } }}>
        <Suspense fallback={<OpsLoading />}>
          <StaffGate roles={['platform_admin']}>{(profile) => <AdminShell profile={profile} />}</StaffGate>
        </Suspense>
      </ConfigProvider>
    </AntdProvider>
  );
}
