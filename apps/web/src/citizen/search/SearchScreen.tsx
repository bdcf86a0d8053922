/**
 * Search results with facet chips. The words and the chosen facets live in the URL, so a
 * result page can be shared, reloaded and reached with the back button.
 */
import { Button } from 'antd-mobile';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import {
  type FacetCount,
  type SearchFilters,
  useDepartments,
  useLifeEvents,
  useServiceSearch,
  useThemes,
} from '../../shared/api/catalog.ts';
import { pick } from '../../shared/format.ts';
import { useSettings } from '../../shared/settings.ts';
import { PageHeading, useDocumentTitle } from '../../shared/ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../shared/ui/states.tsx';
import { SearchBox } from '../SearchBox.tsx';
import { ServiceCard } from '../ServiceCard.tsx';

type FilterKey = 'lifeEvent' | 'theme' | 'department' | 'audience';

function filtersFrom(params: URLSearchParams): SearchFilters {
  const audience = params.get('audience');
  return {
    q: params.get('q') ?? '',
    lifeEvent: params.get('lifeEvent') ?? undefined,
    theme: params.get('theme') ?? undefined,
    department: params.get('department') ?? undefined,
    audience: audience === 'citizen' || audience === 'enterprise' ? audience : undefined,
    zeroVisit: params.get('zeroVisit') === 'true' || undefined,
  };
}

const SHOWN = 6;

function FacetRow({
  label,
  values,
  selected,
  nameOf,
  onToggle,
}: {
  label: string;
  values: FacetCount[];
  selected: string | undefined;
  nameOf: (value: string) => string | undefined;
  onToggle: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  // A value shows once its name is known: never a bare code in place of a name.
  const known = values.filter((v) => nameOf(v.value));
  const ordered =
    selected && nameOf(selected) && !known.some((v) => v.value === selected)
      ? [{ value: selected, count: 0 }, ...known]
      : known;
  const shown = open ? ordered : ordered.slice(0, SHOWN);
  if (ordered.length === 0) return null;
  return (
    <fieldset className="facet">
      <legend className="visually-hidden">{label}</legend>
      <span className="facet__label" aria-hidden="true">
        {label}
      </span>
      <ul className="chip-list chip-list--facet">
        {shown.map(({ value, count }) => (
          <li key={value}>
            <button type="button" className="chip" aria-pressed={selected === value} onClick={() => onToggle(value)}>
              {nameOf(value)}
              {count > 0 ? <span className="chip__count">{count}</span> : null}
            </button>
          </li>
        ))}
        {ordered.length > SHOWN ? (
          <li>
            <button type="button" className="text-button" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? t('search.fewer') : t('search.moreFacets', { count: ordered.length - SHOWN })}
            </button>
          </li>
        ) : null}
      </ul>
    </fieldset>
  );
}

/** The search screen. */
export function SearchScreen() {
  const { t } = useTranslation();
  const { language, elder } = useSettings();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const search = useServiceSearch(filters);
  const lifeEvents = useLifeEvents();
  const themes = useThemes();
  const departments = useDepartments();
  useDocumentTitle(filters.q ? t('search.titleFor', { q: filters.q }) : t('search.title'));

  const names = useMemo(() => {
    const map = (items: { code: string; nameZh: string; nameEn: string }[] | undefined) =>
      new Map((items ?? []).map((i) => [i.code, pick(language, i.nameZh, i.nameEn)]));
    return {
      lifeEvent: map(lifeEvents.data),
      theme: map(themes.data),
      department: new Map((departments.data ?? []).map((d) => [d.code, pick(language, d.shortZh, d.shortEn)])),
    };
  }, [language, lifeEvents.data, themes.data, departments.data]);

  const update = (change: Partial<Record<FilterKey | 'q' | 'zeroVisit', string | undefined>>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(change)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };
  const toggle = (key: FilterKey) => (value: string) => update({ [key]: filters[key] === value ? undefined : value });
  const anyFilter = Boolean(
    filters.lifeEvent || filters.theme || filters.department || filters.audience || filters.zeroVisit,
  );

  const first = search.data?.pages[0];
  const items = search.data?.pages.flatMap((p) => p.items) ?? [];
  const facets = first?.facets ?? {};
  const zeroVisitCount = facets.visits?.find((v) => v.value === '0')?.count ?? 0;

  let results: ReactNode;
  if (search.isPending) {
    results = <Loading lines={8} label={t('search.searching')} />;
  } else if (search.isError && !search.data) {
    results = <ErrorState error={search.error} onRetry={() => search.refetch()} />;
  } else if (items.length === 0) {
    results = (
      <Empty
        title={t('search.noResults')}
        hint={t('search.noResultsHint')}
        action={
          anyFilter ? (
            <Button color="primary" fill="outline" onClick={() => setParams(filters.q ? { q: filters.q } : {})}>
              {t('search.clearFilters')}
            </Button>
          ) : undefined
        }
      />
    );
  } else {
    results = (
      <>
        <ul className="service-list">
          {items.map((service) => (
            <ServiceCard key={service.code} service={service} />
          ))}
        </ul>
        {search.hasNextPage ? (
          <div className="load-more">
            <Button
              color="primary"
              fill="outline"
              loading={search.isFetchingNextPage}
              onClick={() => {
                void search.fetchNextPage();
              }}
            >
              {t('search.loadMore')}
            </Button>
          </div>
        ) : null}
        {search.isFetchNextPageError ? (
          <ErrorState error={search.error} onRetry={() => search.fetchNextPage()} />
        ) : null}
      </>
    );
  }

  return (
    <div className="page search-page">
      <PageHeading title={filters.q ? t('search.titleFor', { q: filters.q }) : t('search.title')} />
      <SearchBox
        initial={filters.q}
        onSearch={(q) => update({ q: q || undefined })}
        autoFocus={!filters.q && !anyFilter}
      />
      <div className="facets">
        <FacetRow
          label={t('search.facet.lifeEvent')}
          values={facets.lifeEvent ?? []}
          selected={filters.lifeEvent}
          nameOf={(v) => names.lifeEvent.get(v)}
          onToggle={toggle('lifeEvent')}
        />
        {elder ? null : (
          <>
            <FacetRow
              label={t('search.facet.theme')}
              values={facets.theme ?? []}
              selected={filters.theme}
              nameOf={(v) => names.theme.get(v)}
              onToggle={toggle('theme')}
            />
            <FacetRow
              label={t('search.facet.department')}
              values={facets.department ?? []}
              selected={filters.department}
              nameOf={(v) => names.department.get(v)}
              onToggle={toggle('department')}
            />
          </>
        )}
        <fieldset className="facet">
          <legend className="visually-hidden">{t('search.facet.other')}</legend>
          <span className="facet__label" aria-hidden="true">
            {t('search.facet.other')}
          </span>
          <ul className="chip-list chip-list--facet">
            {(['citizen', 'enterprise'] as const).map((value) => (
              <li key={value}>
                <button
                  type="button"
                  className="chip"
                  aria-pressed={filters.audience === value}
                  onClick={() => toggle('audience')(value)}
                >
                  {t(`search.audience.${value}`)}
                </button>
              </li>
            ))}
            <li>
              <button
                type="button"
                className="chip"
                aria-pressed={Boolean(filters.zeroVisit)}
                onClick={() => update({ zeroVisit: filters.zeroVisit ? undefined : 'true' })}
              >
                {t('service.zeroVisit')}
                {zeroVisitCount > 0 ? <span className="chip__count">{zeroVisitCount}</span> : null}
              </button>
            </li>
          </ul>
        </fieldset>
      </div>
      <div className="search-summary" aria-live="polite">
        {first && items.length > 0 ? <p>{t('search.found', { count: first.total })}</p> : null}
        {first?.corrected ? <p>{t('search.corrected', { q: first.corrected })}</p> : null}
        {first?.partial ? <p>{t('search.partial')}</p> : null}
        {first && first.ignored.length > 0 ? (
          <p>{t('search.ignored', { words: first.ignored.join(language === 'zh-CN' ? '、' : ', ') })}</p>
        ) : null}
      </div>
      {results}
    </div>
  );
}
