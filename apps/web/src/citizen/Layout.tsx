/**
 * The citizen app's shell: a header (city, language switch, settings), the screen, and on
 * phones a tab bar at the bottom (on wide screens the same links sit in the header).
 */
import { AppOutline, CameraOutline, SearchOutline, SetOutline, UserOutline } from 'antd-mobile-icons';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, ScrollRestoration } from 'react-router';
import { useCity } from '../shared/api/catalog.ts';
import { pick } from '../shared/format.ts';
import { languageName, useLanguageToggle } from '../shared/i18n/index.ts';
import { useSettings } from '../shared/settings.ts';
import { useFocusOnNavigate } from '../shared/ui/focus.ts';
import { Loading } from '../shared/ui/states.tsx';

/** Switches between Chinese and English; each language's name is written in that language. */
export function LanguageSwitch() {
  const { next, busy, toggle } = useLanguageToggle();
  return (
    <button type="button" className="header-button" disabled={busy} onClick={toggle}>
      <span lang={next}>{languageName(next)}</span>
    </button>
  );
}

function NavItems({ className }: { className: string }) {
  const { t } = useTranslation();
  const items = [
    { to: '/', label: t('nav.home'), Icon: AppOutline, end: true },
    { to: '/search', label: t('nav.services'), Icon: SearchOutline, end: false },
    { to: '/report', label: t('nav.report'), Icon: CameraOutline, end: false },
    { to: '/me', label: t('nav.me'), Icon: UserOutline, end: false },
  ];
  return (
    <ul className={className}>
      {items.map(({ to, label, Icon, end }) => (
        <li key={to}>
          <NavLink to={to} end={end} className="nav-link">
            <Icon className="nav-link__icon" aria-hidden="true" />
            <span className="nav-link__label">{label}</span>
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/** The shell around every citizen screen. */
export function CitizenLayout() {
  const { t } = useTranslation();
  const { language } = useSettings();
  const city = useCity();
  const main = useFocusOnNavigate();
  const cityName = city.data ? pick(language, city.data.nameZh, city.data.nameEn) : '';
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <Link to="/" className="brand">
            <img className="brand__logo" src="/icons/favicon.svg" alt="" width="32" height="32" />
            <span className="brand__text">
              <span className="brand__city">{cityName || t('app.name')}</span>
              <span className="brand__tagline">{t('app.tagline')}</span>
            </span>
          </Link>
          <nav className="header-nav" aria-label={t('nav.main')}>
            <NavItems className="header-nav__list" />
          </nav>
          <div className="app-header__tools">
            <LanguageSwitch />
            <Link to="/settings" className="header-button header-button--icon">
              <SetOutline aria-hidden="true" />
              <span className="visually-hidden">{t('nav.settings')}</span>
            </Link>
          </div>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1} ref={main}>
        <Suspense fallback={<Loading lines={6} />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="app-footer">
        <p>{t('app.footer')}</p>
      </footer>
      <nav className="tab-bar" aria-label={t('nav.tabs')}>
        <NavItems className="tab-bar__list" />
      </nav>
      <ScrollRestoration />
    </div>
  );
}
