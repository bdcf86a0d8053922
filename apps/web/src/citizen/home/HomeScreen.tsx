/**
 * Home: search first, then the ways in that do not need the right words — life events
 * (人生事件), one-go bundles (一件事一次办), services that need no visit, and themes.
 */

import { RightOutline } from 'antd-mobile-icons';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { CatalogGroup } from '#contracts';
import { useBundles, useLifeEvents, useServiceShortlist, useThemes } from '../../shared/api/catalog.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { useDocumentTitle } from '../../shared/ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../shared/ui/states.tsx';
import { LifeEventIcon, TILE_COLOURS } from '../catalog-icons.tsx';
import { SearchBox } from '../SearchBox.tsx';
import { ServiceCard } from '../ServiceCard.tsx';

function Section({ id, title, children, more }: { id: string; title: string; children: ReactNode; more?: ReactNode }) {
  return (
    <section className="section" aria-labelledby={id}>
      <div className="section__head">
        <h2 id={id} className="section__title">
          {title}
        </h2>
        {more}
      </div>
      {children}
    </section>
  );
}

type Audience = 'citizen' | 'enterprise';

function LifeEvents() {
  const { t } = useTranslation();
  const { language, elder } = useSettings();
  const events = useLifeEvents();
  const [audience, setAudience] = useState<Audience>('citizen');
  const [expanded, setExpanded] = useState(false);
  const limit = elder ? 6 : 8;
  const all = (events.data ?? []).filter((e: CatalogGroup) => (e.audience ?? 'citizen') === audience);
  const shown = expanded ? all : all.slice(0, limit);
  return (
    <Section
      id="life-events"
      title={t('home.lifeEvents')}
      more={
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('home.audience')}</legend>
          {(['citizen', 'enterprise'] as const).map((value) => (
            <button
              key={value}
              type="button"
              className="segmented__item"
              aria-pressed={audience === value}
              onClick={() => {
                setAudience(value);
                setExpanded(false);
              }}
            >
              {t(`home.for.${value}`)}
            </button>
          ))}
        </fieldset>
      }
    >
      {events.isPending ? (
        <Loading lines={2} />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => events.refetch()} />
      ) : all.length === 0 ? (
        <Empty title={t('home.noLifeEvents')} />
      ) : (
        <>
          <ul className="tile-grid">
            {shown.map((event, index) => (
              <li key={event.code}>
                <Link className="tile" to={`/search?lifeEvent=${encodeURIComponent(event.code)}`}>
                  <span className="tile__icon" style={{ backgroundColor: TILE_COLOURS[index % TILE_COLOURS.length] }}>
                    <LifeEventIcon code={event.code} />
                  </span>
                  <span className="tile__label">{pick(language, event.nameZh, event.nameEn)}</span>
                </Link>
              </li>
            ))}
          </ul>
          {all.length > limit ? (
            <button
              type="button"
              className="text-button"
              aria-expanded={expanded}
              onClick={() => setExpanded(!expanded)}
            >
              {expanded ? t('home.showFewer') : t('home.showAll', { count: all.length })}
            </button>
          ) : null}
        </>
      )}
    </Section>
  );
}

function Bundles() {
  const { t } = useTranslation();
  const { language } = useSettings();
  const bundles = useBundles();
  return (
    <Section id="bundles" title={t('home.bundles')}>
      <p className="section__intro">{t('home.bundlesIntro')}</p>
      {bundles.isPending ? (
        <Loading lines={3} />
      ) : bundles.isError ? (
        <ErrorState error={bundles.error} onRetry={() => bundles.refetch()} />
      ) : bundles.data.length === 0 ? (
        <Empty title={t('home.noBundles')} />
      ) : (
        <ul className="bundle-list">
          {bundles.data.map((bundle) => (
            <li key={bundle.code}>
              <Link className="bundle" to={`/search?lifeEvent=${encodeURIComponent(bundle.lifeEvent)}`}>
                <span className="bundle__name">{pick(language, bundle.nameZh, bundle.nameEn)}</span>
                <span className="bundle__count">{t('home.bundleServices', { count: bundle.services.length })}</span>
                <RightOutline className="bundle__chevron" aria-hidden="true" />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ZeroVisit() {
  const { t } = useTranslation();
  const { elder } = useSettings();
  const services = useServiceShortlist({ q: '', audience: 'citizen', zeroVisit: true }, elder ? 4 : 6);
  return (
    <Section
      id="zero-visit"
      title={t('home.zeroVisit')}
      more={
        <Link className="section__more" to="/search?zeroVisit=true&audience=citizen">
          {t('home.more')}
        </Link>
      }
    >
      {services.isPending ? (
        <Loading lines={4} />
      ) : services.isError ? (
        <ErrorState error={services.error} onRetry={() => services.refetch()} />
      ) : services.data.length === 0 ? (
        <Empty title={t('search.noResults')} />
      ) : (
        <ul className="service-list">
          {services.data.map((service) => (
            <ServiceCard key={service.code} service={service} showSummary={false} />
          ))}
        </ul>
      )}
    </Section>
  );
}

function Themes() {
  const { t } = useTranslation();
  const { language } = useSettings();
  const themes = useThemes();
  return (
    <Section id="themes" title={t('home.themes')}>
      {themes.isPending ? (
        <Loading lines={2} />
      ) : themes.isError ? (
        <ErrorState error={themes.error} onRetry={() => themes.refetch()} />
      ) : (
        <ul className="chip-list">
          {themes.data.map((theme) => (
            <li key={theme.code}>
              <Link className="chip" to={`/search?theme=${encodeURIComponent(theme.code)}`}>
                {pick(language, theme.nameZh, theme.nameEn)}
                <span className="chip__count">{theme.services}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** The citizen app's home screen. */
export function HomeScreen() {
  const { t } = useTranslation();
  const { elder } = useSettings();
  const navigate = useNavigate();
  useDocumentTitle(null);
  const hot = t('home.hotSearches', { returnObjects: true }) as string[];
  return (
    <div className="home">
      <div className="hero">
        <div className="hero__inner">
          <h1 className="hero__title">{t('home.title')}</h1>
          <p className="hero__subtitle">{t('home.subtitle')}</p>
          <SearchBox onSearch={(q) => navigate(q ? `/search?q=${encodeURIComponent(q)}` : '/search')} />
          <div className="hot">
            <span className="hot__label" id="hot-label">
              {t('home.hot')}
            </span>
            <ul className="hot__list" aria-labelledby="hot-label">
              {hot.map((word) => (
                <li key={word}>
                  <Link className="hot__chip" to={`/search?q=${encodeURIComponent(word)}`}>
                    {word}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        </div>
      </div>
      <div className="home__content">
        <LifeEvents />
        <Section
          id="report-problem"
          title={t('home.report')}
          more={
            <Link className="section__more" to="/report">
              {t('home.reportAction')}
            </Link>
          }
        >
          <p className="section__intro">{t('home.reportIntro')}</p>
        </Section>
        <div className="home__columns">
          <ZeroVisit />
          <Bundles />
        </div>
        {elder ? null : <Themes />}
      </div>
    </div>
  );
}
