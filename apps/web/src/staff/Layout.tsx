/**
 * The workbench's frame. `StaffRoot` wraps every staff screen in antd (its texts in the
 * user's language, contrast-safe tokens) and watches every staff call: a 401 means the session
 * ended (idle expiry, signed out elsewhere), so the session is forgotten and the shell sends
 * the person to sign in again, coming back to where they were. `StaffShell` is the signed-in
 * frame: a header (department, person, language, sign out) and the two queues.
 */
import { AuditOutlined, LogoutOutlined, ToolOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, ConfigProvider } from 'antd';
import { Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../shared/api/client.ts';
import {
  findDepartment,
  STAFF_KEY,
  useDepartments,
  useForgetStaffSession,
  useStaffMe,
  useStaffSession,
  useStaffSignOut,
} from '../shared/api/staff.ts';
import { pick } from '../shared/format.ts';
import { useSettings } from '../shared/settings.ts';
import { AntdLanguageSwitch } from '../shared/ui/AntdLanguageSwitch.tsx';
import { AntdProvider } from '../shared/ui/AntdProvider.tsx';
import { StaffError, StaffLoading, UserText } from './ui.tsx';
import './staff.css';
import { useFocusOnNavigate } from '../shared/ui/focus.ts';

function isStaffKey(key: readonly unknown[]): boolean {
  return key[0] === STAFF_KEY && key[1] !== 'session';
}

/** Forgets the session when any staff call answers 401. */
function useExpiryWatch() {
  const client = useQueryClient();
  const forget = useForgetStaffSession();
  const latest = useRef(forget);
  latest.current = forget;
  useEffect(() => {
    const expired = (error: unknown) => error instanceof ApiError && error.status === 401;
    const offQueries = client.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'error') return;
      if (isStaffKey(event.query.queryKey) && expired(event.action.error)) latest.current();
    });
    const offMutations = client.getMutationCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'error') return;
      if (expired(event.action.error)) latest.current();
    });
    return () => {
      offQueries();
      offMutations();
    };
  }, [client]);
}

/**
 * antd names its icons in English (`aria-label="down"`), which screen readers then read out in
 * a Chinese screen; every icon here is decorative (the controls carry their own names), so the
 * names are taken off and the icons hidden from assistive technology.
 */
function useQuietIcons() {
  useEffect(() => {
    const quiet = (root: Element) => {
      const icons = root.matches('.anticon[aria-label]') ? [root] : [];
      for (const icon of [...icons, ...root.querySelectorAll('.anticon[aria-label]')]) {
        icon.removeAttribute('aria-label');
        icon.setAttribute('aria-hidden', 'true');
      }
    };
    quiet(document.body);
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) if (node instanceof Element) quiet(node);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
}

/**
 * The workbench's additions to the shared antd theme: danger, links and placeholders dark
 * enough for 4.5:1 (antd's own are 3.3:1, 4.1:1 and 2.3:1). Buttons keep their text as
 * written (antd would space two-character Chinese labels: "受 理"), so their names read right.
 */
const WORKBENCH_THEME = {
  token: { colorError: '#b3261e', colorLink: '#0b57d0', colorTextPlaceholder: '#5c6168' },
};

/** Every staff screen, inside antd. */
export function StaffRoot() {
  useExpiryWatch();
  useQuietIcons();
  return (
    <AntdProvider>
      <ConfigProvider theme={WORKBENCH_THEME} button={{ autoInsertSpace: false }}>
        <div className="staff">
          <Suspense fallback={<StaffLoading rows={6} />}>
            <Outlet />
          </Suspense>
        </div>
      </ConfigProvider>
    </AntdProvider>
  );
}

/** The workbench's language switch (in its header). */
export function StaffLanguageSwitch() {
  return <AntdLanguageSwitch type="text" className="staff-header__button" />;
}

function Nav({ className }: { className: string }) {
  const { t } = useTranslation('staff');
  return (
    <ul className={className}>
      <li>
        <NavLink to="/staff" end className="staff-nav__link">
          <ToolOutlined aria-hidden="true" />
          <span>{t('nav.workOrders')}</span>
        </NavLink>
      </li>
      <li>
        <NavLink to="/staff/applications" className="staff-nav__link">
          <AuditOutlined aria-hidden="true" />
          <span>{t('nav.applications')}</span>
        </NavLink>
      </li>
    </ul>
  );
}

/** The signed-in frame; anyone not fully signed in goes to sign-in (and comes back here). */
export function StaffShell() {
  const { t } = useTranslation('staff');
  const { language } = useSettings();
  const location = useLocation();
  const navigate = useNavigate();
  const session = useStaffSession();
  const done = session.data?.next === 'done';
  const me = useStaffMe(done);
  const departments = useDepartments();
  const signOut = useStaffSignOut();
  const main = useFocusOnNavigate();

  if (session.isPending) return <StaffLoading rows={6} />;
  if (session.isError) return <StaffError error={session.error} onRetry={() => session.refetch()} />;
  if (!done) {
    const here = `${location.pathname}${location.search}`;
    return <Navigate to={`/staff/sign-in?next=${encodeURIComponent(here)}`} replace />;
  }
  const department = findDepartment(departments.data, me.data?.departmentId);
  const departmentName = department ? pick(language, department.shortZh, department.shortEn) : '';
  return (
    <div className="staff-app">
      <a className="skip-link" href="#staff-main">
        {t('nav.skip')}
      </a>
      <header className="staff-header">
        <div className="staff-header__inner">
          <NavLinkBrand title={t('app.title')} department={departmentName} />
          <nav className="staff-nav staff-nav--header" aria-label={t('nav.main')}>
            <Nav className="staff-nav__list" />
          </nav>
          <div className="staff-header__tools">
            {me.data ? (
              <span className="staff-header__person">
                <UserText text={me.data.displayName} />
              </span>
            ) : null}
            <StaffLanguageSwitch />
            <Button
              type="text"
              className="staff-header__button"
              icon={<LogoutOutlined aria-hidden="true" />}
              loading={signOut.isPending}
              onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/staff/sign-in') })}
            >
              <span className="staff-header__label">{t('nav.signOut')}</span>
            </Button>
          </div>
        </div>
      </header>
      <main id="staff-main" className="staff-main" tabIndex={-1} ref={main}>
        <Suspense fallback={<StaffLoading rows={6} />}>
          <Outlet />
        </Suspense>
      </main>
      <nav className="staff-nav staff-nav--tabs" aria-label={t('nav.tabs')}>
        <Nav className="staff-nav__list" />
      </nav>
    </div>
  );
}

function NavLinkBrand({ title, department }: { title: string; department: string }) {
  return (
    <NavLink to="/staff" end className="staff-brand">
      <img className="staff-brand__logo" src="/icons/favicon.svg" alt="" width="28" height="28" />
      <span className="staff-brand__text">
        <span className="staff-brand__title">{title}</span>
        {department ? <span className="staff-brand__department">{department}</span> : null}
      </span>
    </NavLink>
  );
}
