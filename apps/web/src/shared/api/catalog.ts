/**
 * The service catalog as the citizen app reads it: the city, its themes and life events, the
 * one-go bundles, search with facets, and one service in full. Shapes come from `#contracts`
 * (types only: no schema code reaches the browser).
 */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type {
  CatalogGroup,
  CityDetail,
  DepartmentList,
  ServiceDetail,
  ServiceMaterial,
  ServiceSummary,
} from '#contracts';
import { CITY_API } from '../config.ts';
import { api } from './client.ts';

/** A one-go bundle (一件事一次办) in the list. */
export interface BundleSummary {
  code: string;
  nameZh: string;
  nameEn: string;
  lifeEvent: string;
  services: string[];
  version: number;
}

/** One search hit: a service and the words that matched it. */
export type ServiceHit = ServiceSummary & { matched: string[]; inTitle: boolean };

/** One facet value and how many hits have it. */
export interface FacetCount {
  value: string;
  count: number;
}

/** The facets search counts. */
export const FACETS = ['lifeEvent', 'theme', 'department', 'audience', 'visits'] as const;
/** One of {@link FACETS}. */
export type Facet = (typeof FACETS)[number];

/** `GET …/services/search`. */
export interface SearchPage {
  items: ServiceHit[];
  facets: Partial<Record<Facet, FacetCount[]>>;
  corrected: string | null;
  ignored: string[];
  partial: boolean;
  page: number;
  pageSize: number;
  total: number;
}

/** What the citizen searches for: the words and the chosen facet values. */
export interface SearchFilters {
  q: string;
  lifeEvent?: string;
  theme?: string;
  department?: string;
  audience?: 'citizen' | 'enterprise';
  zeroVisit?: boolean;
}

/** A service's spec fields the detail screen shows (the rest of the spec is the form and workflow). */
export interface ServiceSpecView {
  materials?: ServiceMaterial[];
  fee?: { amountFen: number; note?: { zh: string; en: string } };
  visitReason?: { zh: string; en: string };
  eligibility?: { zh: string; en: string };
  issues?: { certificateType: string; name: { zh: string; en: string }; validityYears?: number };
  workflow?: { steps: { code: string; name: { zh: string; en: string }; departmentCode: string }[] };
}

const HOUR = 60 * 60_000;

/** The city (its names for the header). */
export function useCity() {
  return useQuery({
    queryKey: ['city'],
    queryFn: ({ signal }) => api.get<CityDetail>(CITY_API, { signal }),
    staleTime: HOUR,
  });
}

/** Life events (人生事件) with their service counts. */
export function useLifeEvents() {
  return useQuery({
    queryKey: ['life-events'],
    queryFn: ({ signal }) => api.get<{ items: CatalogGroup[] }>(`${CITY_API}/life-events`, { signal }),
    staleTime: HOUR,
    select: (data) => data.items,
  });
}

/** Themes (主题) with their service counts. */
export function useThemes() {
  return useQuery({
    queryKey: ['service-themes'],
    queryFn: ({ signal }) => api.get<{ items: CatalogGroup[] }>(`${CITY_API}/service-themes`, { signal }),
    staleTime: HOUR,
    select: (data) => data.items,
  });
}

/** The city's departments (names for the department facet). */
export function useDepartments() {
  return useQuery({
    queryKey: ['departments'],
    queryFn: ({ signal }) => api.get<DepartmentList>(`${CITY_API}/departments`, { signal }),
    staleTime: HOUR,
    select: (data) => data.items,
  });
}

/** One-go bundles. */
export function useBundles() {
  return useQuery({
    queryKey: ['bundles'],
    queryFn: ({ signal }) => api.get<{ items: BundleSummary[] }>(`${CITY_API}/bundles`, { signal }),
    staleTime: HOUR,
    select: (data) => data.items,
  });
}

function searchQuery(filters: SearchFilters, page: number, pageSize: number) {
  return {
    q: filters.q.trim(),
    lifeEvent: filters.lifeEvent,
    theme: filters.theme,
    department: filters.department,
    audience: filters.audience,
    zeroVisit: filters.zeroVisit ? 'true' : undefined,
    page,
    pageSize,
  };
}

/** A short list of services for the home page: the first results of a search with these filters. */
export function useServiceShortlist(filters: SearchFilters, size: number) {
  return useQuery({
    queryKey: ['search', filters, 'shortlist', size],
    queryFn: ({ signal }) =>
      api.get<SearchPage>(`${CITY_API}/services/search`, { signal, query: searchQuery(filters, 1, size) }),
    staleTime: 10 * 60_000,
    select: (data) => data.items,
  });
}

/** Search with facets, a page at a time ("more" loads the next page). */
export function useServiceSearch(filters: SearchFilters, pageSize = 20) {
  return useInfiniteQuery({
    queryKey: ['search', filters, pageSize],
    initialPageParam: 1,
    queryFn: ({ signal, pageParam }) =>
      api.get<SearchPage>(`${CITY_API}/services/search`, { signal, query: searchQuery(filters, pageParam, pageSize) }),
    getNextPageParam: (last) => (last.page * last.pageSize < last.total ? last.page + 1 : undefined),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

/** One service in full. */
export function useService(code: string) {
  return useQuery({
    queryKey: ['service', code],
    queryFn: ({ signal }) => api.get<ServiceDetail>(`${CITY_API}/services/${encodeURIComponent(code)}`, { signal }),
    staleTime: 10 * 60_000,
  });
}
